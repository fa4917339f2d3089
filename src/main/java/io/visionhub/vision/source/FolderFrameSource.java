package io.visionhub.vision.source;

import io.visionhub.vision.Frame;
import io.visionhub.vision.FrameRefusedException;
import io.visionhub.vision.ImageDecoder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images a smart camera drops into a folder (FTP/SMB target): the oldest first, each moved to
 * {@code .inspected/} once its record is committed ({@link #completed}), so nothing is inspected twice in a run,
 * nothing is deleted, and a file read but not recorded (hub stopped or killed, route failed) stays in the folder and
 * is read again at the next start. Files still being
 * written (modified in the last half second) wait for the next look. Each file is decoded here (its size checked
 * from the header first): one that is empty, corrupt or above the pixel limit is moved to {@code .rejected/}
 * instead, and still handed on (undecoded) so that the inspector refuses it and the part gets a record.
 */
public final class FolderFrameSource implements FrameSource {

    private static final Logger LOG = LoggerFactory.getLogger(FolderFrameSource.class);
    static final String INSPECTED = ".inspected";
    static final String REJECTED = ".rejected";

    private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp");

    private final String camera;
    private final Path folder;
    private final long pollNanos;
    private final long maxPixels;
    private final Deque<Path> pending = new ArrayDeque<>();
    /** read and not yet filed: a rescan skips them (a failed one stays here until the next start) */
    private final Set<Path> held = ConcurrentHashMap.newKeySet();
    /** frame sequence → the file it came from and where it goes once recorded */
    private final Map<Long, Reading> reading = new ConcurrentHashMap<>();

    private long sequence;

    private record Reading(Path file, String to) {}

    public FolderFrameSource(String camera, Path folder, double fps) {
        this(camera, folder, fps, ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    public FolderFrameSource(String camera, Path folder, double fps, long maxPixels) {
        this.camera = camera;
        this.folder = folder;
        this.pollNanos = (long) (1e9 / (fps <= 0 ? 2 : fps));
        this.maxPixels = maxPixels;
    }

    @Override
    public void open() {
        if (!Files.isDirectory(folder)) {
            throw new FrameSourceException(
                    "camera " + camera + ": image folder " + folder.toAbsolutePath() + " does not exist");
        }
        try {
            Files.createDirectories(folder.resolve(INSPECTED));
            Files.createDirectories(folder.resolve(REJECTED));
        } catch (IOException e) {
            throw new FrameSourceException("camera " + camera + ": cannot write to " + folder.toAbsolutePath(), e);
        }
    }

    @Override
    public Frame next() {
        while (!Thread.currentThread().isInterrupted()) {
            if (pending.isEmpty()) {
                scan();
            }
            Path p = pending.poll();
            if (p == null) {
                LockSupport.parkNanos(pollNanos);
                continue;
            }
            try {
                byte[] bytes = Files.readAllBytes(p);
                String name = p.getFileName().toString();
                BufferedImage image = null;
                String to = INSPECTED;
                try {
                    image = ImageDecoder.decode(bytes, camera + " file " + name, maxPixels);
                } catch (FrameRefusedException e) {
                    to = REJECTED;
                    LOG.warn(
                            "camera {}: {} moved to {}/ ({}); the part is recorded as UNCERTAIN",
                            camera,
                            name,
                            REJECTED,
                            e.getMessage());
                }
                String partId = name.substring(0, name.lastIndexOf('.'));
                held.add(p);
                reading.put(sequence, new Reading(p, to));
                // a refused file travels undecoded: the inspector refuses it again and the part gets its record
                return new Frame(camera, sequence++, Instant.now(), image, bytes, partId);
            } catch (IOException e) {
                throw new FrameSourceException("camera " + camera + ": cannot read " + p + ": " + e.getMessage(), e);
            }
        }
        return null;
    }

    private void scan() {
        long settled = System.currentTimeMillis() - 500;
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(Files::isRegularFile)
                    .filter(f -> EXTENSIONS.stream()
                            .anyMatch(e -> f.getFileName()
                                    .toString()
                                    .toLowerCase(Locale.ROOT)
                                    .endsWith(e)))
                    .filter(f -> modified(f) < settled)
                    .filter(f -> !held.contains(f))
                    .sorted(Comparator.comparingLong(FolderFrameSource::modified)
                            .thenComparing(Path::toString))
                    .forEach(pending::add);
        } catch (IOException e) {
            throw new FrameSourceException("camera " + camera + ": cannot list " + folder.toAbsolutePath(), e);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public void completed(Frame frame, boolean recorded) {
        Reading r = reading.remove(frame.sequence());
        if (r == null) {
            return;
        }
        if (!recorded) {
            // stays held: not read again in this run (a failing route would loop on it), read again at the next start
            LOG.warn(
                    "camera {}: {} was not recorded; it stays in {} and is read again when the camera next starts",
                    camera,
                    r.file().getFileName(),
                    folder.toAbsolutePath());
            return;
        }
        try {
            Files.move(
                    r.file(),
                    folder.resolve(r.to()).resolve(r.file().getFileName()),
                    StandardCopyOption.REPLACE_EXISTING);
            held.remove(r.file());
        } catch (IOException e) {
            // recorded but still in the folder: held, so not inspected twice in this run; a restart would read it again
            LOG.warn(
                    "camera {}: {} is recorded but could not be moved to {}/: {}",
                    camera,
                    r.file().getFileName(),
                    r.to(),
                    e.getMessage());
        }
    }

    @Override
    public boolean lossless() {
        return true;
    }

    @Override
    public String describe() {
        return "camera " + camera + " (folder " + folder.toAbsolutePath() + ")";
    }

    @Override
    public void close() {
        pending.clear();
        // a file whose record failed is read again once the camera starts again; one still in flight is not
        held.retainAll(reading.values().stream().map(Reading::file).toList());
    }
}
