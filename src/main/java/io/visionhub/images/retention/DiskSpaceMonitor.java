package io.visionhub.images.retention;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Free space of the disk that holds the image folder, its recent growth and the days left at that rate, and the
 * disk-low alarm ({@code visionhub.retention.disk-low-percent} / {@code disk-low-bytes}), raised before the disk is
 * full: logged once as an ERROR when it starts (and once when it ends), shown in health and Prometheus.
 */
public class DiskSpaceMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(DiskSpaceMonitor.class);

    /** Total and usable bytes of a disk. */
    public record Space(long total, long usable) {}

    /** How the disk stands: growth and days left are null until two samples a minute apart exist. */
    public record Status(
            Path folder,
            long totalBytes,
            long freeBytes,
            double freePercent,
            Double growthBytesPerDay,
            Double daysLeft,
            boolean low,
            String problem) {}

    /** Reads the space of the disk a folder is on. */
    public interface SpaceProbe {
        Space read(Path folder) throws IOException;
    }

    private record Sample(Instant at, long used) {}

    private final Path folder;
    private final RetentionProperties props;
    private final Clock clock;
    private final SpaceProbe probe;
    private final Deque<Sample> samples = new ArrayDeque<>();
    private volatile Status last;
    private boolean alarmed;

    public DiskSpaceMonitor(Path folder, RetentionProperties props, Clock clock) {
        this(folder, props, clock, f -> {
            Path existing = f.toAbsolutePath();
            while (!Files.exists(existing) && existing.getParent() != null) {
                existing = existing.getParent(); // not made yet: the disk it will be on
            }
            FileStore store = Files.getFileStore(existing);
            return new Space(store.getTotalSpace(), store.getUsableSpace());
        });
    }

    public DiskSpaceMonitor(Path folder, RetentionProperties props, Clock clock, SpaceProbe probe) {
        this.folder = folder;
        this.props = props;
        this.clock = clock;
        this.probe = probe;
    }

    /** Reads the disk now, keeps the sample for the growth rate, raises or clears the alarm. */
    public synchronized Status sample() {
        Instant now = clock.instant();
        Space s;
        try {
            s = probe.read(folder);
        } catch (IOException | RuntimeException e) {
            last = new Status(
                    folder,
                    0,
                    0,
                    0,
                    null,
                    null,
                    true,
                    "cannot read the free space of the disk holding " + folder.toAbsolutePath() + ": "
                            + e.getMessage());
            return last;
        }
        long used = s.total() - s.usable();
        samples.addLast(new Sample(now, used));
        // keep one sample at or before the window's start, so the rate covers the whole window
        Instant windowStart = now.minus(props.growthWindow());
        while (samples.size() > 2 && !second().at().isAfter(windowStart)) {
            samples.removeFirst();
        }
        Sample first = samples.peekFirst();
        Double perDay = null;
        Double daysLeft = null;
        long span = Duration.between(first.at(), now).toMillis();
        if (span >= 60_000) {
            perDay = (used - first.used()) * 86_400_000.0 / span;
            daysLeft = perDay > 0 ? s.usable() / perDay : null;
        }
        double freePercent = s.total() == 0 ? 0 : s.usable() * 100.0 / s.total();
        boolean low =
                freePercent < props.diskLowPercent() || (props.diskLowBytes() > 0 && s.usable() < props.diskLowBytes());
        String problem = low
                ? "disk holding " + folder.toAbsolutePath() + " has " + s.usable() / (1024 * 1024)
                        + " MiB free (" + String.format(Locale.ROOT, "%.1f", freePercent) + " %), below the "
                        + "disk-low limit (visionhub.retention.disk-low-percent " + props.diskLowPercent()
                        + ", disk-low-bytes "
                        + props.diskLowBytes() + ")"
                        + (daysLeft == null
                                ? ""
                                : String.format(Locale.ROOT, "; full in about %.1f days at the recent rate", daysLeft))
                        + ": shorten visionhub.retention.*-days, move data/images to a larger disk, or add space"
                : null;
        if (low && !alarmed) {
            LOG.error("Disk low: {}", problem);
        } else if (!low && alarmed) {
            LOG.warn(
                    "Disk no longer low: {} MiB free on the disk holding {}",
                    s.usable() / (1024 * 1024),
                    folder.toAbsolutePath());
        }
        alarmed = low;
        last = new Status(folder, s.total(), s.usable(), freePercent, perDay, daysLeft, low, problem);
        return last;
    }

    private Sample second() {
        Iterator<Sample> it = samples.iterator();
        it.next();
        return it.next();
    }

    /** Below this many free bytes the disk counts as full: no image (nor an H2 page sharing the disk) fits. */
    public static final long FULL_BELOW_BYTES = 1024 * 1024;

    /**
     * Why the disk is full now (a live read, not the minute's sample): what cannot be written and what to do; null
     * while it has room or cannot be read (the sample reports that).
     */
    public String fullNow() {
        try {
            Space s = probe.read(folder);
            if (s.usable() >= FULL_BELOW_BYTES) {
                return null;
            }
            return "disk full: " + s.usable() + " bytes free on the disk holding " + folder.toAbsolutePath()
                    + "; images (and the H2 ledger where it shares the disk) cannot be written, so parts wait at"
                    + " their camera source and are inspected once space is back: free space, shorten"
                    + " visionhub.retention.*-days or move data/ to a larger disk";
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The last sample's status (sampling first when there is none). */
    public Status status() {
        Status s = last;
        return s != null ? s : sample();
    }
}
