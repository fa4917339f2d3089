package io.visionhub.vision.source;

import io.visionhub.vision.Frame;
import io.visionhub.vision.FrameRefusedException;
import io.visionhub.vision.ImageDecoder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images a smart camera drops into a folder (FTP/SMB target): the oldest first, each moved to
 * {@code .inspected/} once its part is recorded ({@link #recorded}), so nothing is inspected twice and nothing is
 * deleted; until then the file stays where the camera put it, so a hub killed mid-inspection reads it again at its
 * next start instead of losing the part (a kill between the ledger's commit and the move records that part twice).
 * Files still being written (modified in the last half second) wait for the next look. Each file is decoded here
 * (its size checked from the header first): one that is empty, corrupt or above the pixel limit is moved to
 * {@code .rejected/} instead, and still handed on (undecoded) so that the inspector refuses it and the part gets a
 * record.
 */
public final class FolderFrameSource implements FrameSource {

    private static final Logger LOG = LoggerFactory.getLogger(FolderFrameSource.class);
    static final String INSPECTED = ".inspected";
    static final String REJECTED = ".rejected";
    static final long RETRY_MILLIS = 5_000;

    private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp");

    private final String camera;
    private final Path folder;
    private final long pollNanos;
    private final long maxPixels;
    private final Deque<Path> pending = new ArrayDeque<>();
    /** Files read and not yet recorded, by frame sequence: they stay in the folder and are not read again. */
    private final Map<Long, Held> held = new ConcurrentHashMap<>();
    /** Files whose inspection failed, with the time (ms) from which they are read again. */
    private final Map<Path, Long> retryAt = new ConcurrentHashMap<>();
    /** Files already in the folder when this source opened (read again after a restart), with their times. */
    private final Map<Path, Long> foundAtOpen = new ConcurrentHashMap<>();

    private long sequence;

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
            try (Stream<Path> files = Files.list(folder)) {
                files.filter(Files::isRegularFile).forEach(f -> foundAtOpen.put(f, modified(f)));
            }
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
                            "camera {}: {} goes to {}/ once its part is recorded ({}); the part is recorded as UNCERTAIN",
                            camera,
                            name,
                            REJECTED,
                            e.getMessage());
                }
                String partId = name.substring(0, name.lastIndexOf('.'));
                long seq = sequence++;
                long mtime = modified(p);
                Long atOpen = foundAtOpen.remove(p);
                held.put(seq, new Held(p, to, mtime, atOpen != null && atOpen == mtime));
                // a refused file travels undecoded: the inspector refuses it again and the part gets its record
                return new Frame(camera, seq, Instant.now(), image, bytes, partId);
            } catch (NoSuchFileException e) {
                // taken away between the scan and the read (an operator, another program): nothing to inspect
                foundAtOpen.remove(p);
                LOG.info("camera {}: {} was removed before it was read; skipped", camera, p.getFileName());
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
                    .filter(f -> held.values().stream().noneMatch(h -> h.file().equals(f)))
                    .filter(f -> retryAt.getOrDefault(f, 0L) <= System.currentTimeMillis())
                    .sorted(Comparator.comparingLong(FolderFrameSource::modified)
                            .thenComparing(Path::toString))
                    .forEach(pending::add);
        } catch (IOException e) {
            throw new FrameSourceException("camera " + camera + ": cannot list " + folder.toAbsolutePath(), e);
        }
    }

    /** Moves the recorded part's file to {@code .inspected/} (or {@code .rejected/}). */
    @Override
    public void recorded(Frame frame) {
        // held until moved: a look at the folder between letting go and the move read the file again (a second
        // record of the part, seen by ClusterHubsTest under load)
        Held h = held.get(frame.sequence());
        if (h == null) {
            return;
        }
        retryAt.remove(h.file());
        try {
            if (modified(h.file()) != h.modified()) {
                // the camera sent the same name again meanwhile: that is a new part, read at the next look
                return;
            }
            Files.move(
                    h.file(),
                    folder.resolve(h.to()).resolve(h.file().getFileName()),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            LOG.warn(
                    "camera {}: part {} is recorded but {} could not be moved to {}/ ({}); it will be read again",
                    camera,
                    frame.partId(),
                    h.file(),
                    h.to(),
                    e.getMessage());
        } finally {
            held.remove(frame.sequence());
        }
    }

    /** The file stays in the folder and is read again after {@link #RETRY_MILLIS} (a full disk, a failing model). */
    @Override
    public void notInspected(Frame frame) {
        Held h = held.remove(frame.sequence());
        if (h != null) {
            retryAt.put(h.file(), System.currentTimeMillis() + RETRY_MILLIS);
            LOG.warn(
                    "camera {}: part {} was not inspected; {} stays in the folder and is read again in {} s",
                    camera,
                    frame.partId(),
                    h.file(),
                    RETRY_MILLIS / 1000);
        }
    }

    @Override
    public Instant readAgainSince(Frame frame) {
        Held h = held.get(frame.sequence());
        return h != null && h.foundAtOpen() ? Instant.ofEpochMilli(h.modified()) : null;
    }

    private record Held(Path file, String to, long modified, boolean foundAtOpen) {}

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return Long.MAX_VALUE;
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
        held.clear();
        foundAtOpen.clear();
        retryAt.clear();
    }
}
