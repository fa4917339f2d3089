package io.visionhub.vision.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.vision.Frame;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image folder keeps each part's file where the camera put it until the part is recorded: a hub killed between
 * reading a file and its ledger record (bench/faults, row "kill -9 mid-burst") reads the file again at its next
 * start instead of losing the part.
 */
class FolderFrameSourceRecordedTest {

    @TempDir
    Path drop;

    private void write(String name, int gray) throws Exception {
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(0, 0, 0, gray);
        Path f = drop.resolve(name);
        ImageIO.write(img, "png", f.toFile());
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() - 5000));
    }

    @Test
    void aFileReadButNotRecordedStaysInTheFolderAndIsReadAgainByTheNextSource() throws Exception {
        write("part-1.png", 10);
        write("part-2.png", 20);
        FolderFrameSource first = new FolderFrameSource("cam", drop, 50);
        first.open();
        Frame one = first.next();
        Frame two = first.next();
        assertThat(one.partId()).isEqualTo("part-1");
        assertThat(two.partId()).isEqualTo("part-2");
        // files found at open may be read again after a restart: the consumer asks the ledger before recording them
        assertThat(first.readAgainSince(one)).isNotNull();
        // read, not yet recorded: still where the camera put it, and not read twice by the same source
        assertThat(drop.resolve("part-1.png")).exists();
        assertThat(drop.resolve(".inspected/part-1.png")).doesNotExist();
        assertThat(nextWithin(first, 300)).as("a held file is not read again").isNull();

        first.recorded(one);
        assertThat(drop.resolve(".inspected/part-1.png")).exists();
        assertThat(drop.resolve("part-1.png")).doesNotExist();
        first.close(); // part-2 never recorded: the process died (kill -9) before its ledger commit

        FolderFrameSource restarted = new FolderFrameSource("cam", drop, 50);
        restarted.open();
        Frame again = restarted.next();
        assertThat(again.partId()).isEqualTo("part-2");
        assertThat(restarted.readAgainSince(again))
                .as("a record of part-2, if the dead process made one, is no older than its file")
                .isEqualTo(Files.getLastModifiedTime(drop.resolve("part-2.png")).toInstant());
        restarted.recorded(again);
        assertThat(drop.resolve(".inspected/part-2.png")).exists();
        assertThat(drop.resolve("part-2.png")).doesNotExist();
        restarted.close();
    }

    @Test
    void aFileTakenAwayAfterTheScanIsSkippedAndTheNextFileIsRead() throws Exception {
        write("part-1.png", 10);
        write("part-2.png", 20);
        write("part-3.png", 30);
        FolderFrameSource source = new FolderFrameSource("cam", drop, 50);
        source.open();
        assertThat(source.next().partId()).isEqualTo("part-1"); // the scan queued all three
        Files.delete(drop.resolve("part-2.png")); // an operator or another program takes it before it is read

        Frame next = source.next();

        assertThat(next).as("the source goes on instead of failing the camera").isNotNull();
        assertThat(next.partId()).isEqualTo("part-3");
        source.close();
    }

    @Test
    void theSameNameSentAgainWhileHeldIsANewPartAndIsNotMovedUnread() throws Exception {
        write("part-1.png", 10);
        FolderFrameSource source = new FolderFrameSource("cam", drop, 50);
        source.open();
        Frame first = source.next();
        write("part-1.png", 99); // the camera re-sends the name while the first copy is being inspected
        Files.setLastModifiedTime(drop.resolve("part-1.png"), FileTime.fromMillis(System.currentTimeMillis() - 3000));
        source.recorded(first);
        assertThat(drop.resolve("part-1.png"))
                .as("the new copy waits for its own inspection")
                .exists();
        Frame second = source.next();
        assertThat(second.partId()).isEqualTo("part-1");
        assertThat(source.readAgainSince(second))
                .as("dropped after the source opened")
                .isNull();
        assertThat(second.sequence()).isNotEqualTo(first.sequence());
        source.recorded(second);
        assertThat(drop.resolve(".inspected/part-1.png")).exists();
        assertThat(drop.resolve("part-1.png")).doesNotExist();
        source.close();
    }

    @Test
    void aFileWhoseInspectionFailedIsReadAgainAfterThePause() throws Exception {
        write("part-1.png", 10);
        FolderFrameSource source = new FolderFrameSource("cam", drop, 50);
        source.open();
        Frame first = source.next();
        source.notInspected(first); // e.g. its image could not be stored: the disk is full
        assertThat(drop.resolve("part-1.png")).exists();
        long t0 = System.nanoTime();
        Frame again = nextWithin(source, FolderFrameSource.RETRY_MILLIS + 5000);
        assertThat(again).as("read again once the pause is over").isNotNull();
        assertThat(again.partId()).isEqualTo("part-1");
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(FolderFrameSource.RETRY_MILLIS - 100);
        source.recorded(again);
        assertThat(drop.resolve(".inspected/part-1.png")).exists();
        source.close();
    }

    /** next() in a thread of its own (it blocks while the folder has nothing new); null if nothing came. */
    private static Frame nextWithin(FolderFrameSource s, long millis) throws Exception {
        CompletableFuture<Frame> f = new CompletableFuture<>();
        Thread t = new Thread(() -> f.complete(s.next()));
        t.setDaemon(true);
        t.start();
        try {
            return f.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            t.interrupt();
            t.join(2000);
            return null;
        }
    }
}
