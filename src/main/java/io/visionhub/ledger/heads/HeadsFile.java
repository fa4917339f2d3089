package io.visionhub.ledger.heads;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.LedgerException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only log of signed tree heads outside the database: one canonical JSON line per head, forced to
 * disk. Copy it off the machine (or let MQTT subscribers keep it) and a rewrite of the database no longer
 * matches. A torn last line (crash while writing) is ignored on reading and reported.
 */
public class HeadsFile implements Consumer<SignedTreeHead> {

    private static final Logger LOG = LoggerFactory.getLogger(HeadsFile.class);
    private final Path path;

    public HeadsFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    @Override
    public synchronized void accept(SignedTreeHead head) {
        byte[] line = (CanonicalJson.write(head) + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Path parent = path.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            try (FileChannel ch = FileChannel.open(
                    path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ByteBuffer buf = ByteBuffer.wrap(line);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(false);
            }
        } catch (IOException e) {
            throw new LedgerException(
                    "cannot append tree head " + head.treeSize() + " to " + path.toAbsolutePath() + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** The heads in the file, in file order; an unreadable line is skipped with a warning. */
    public List<SignedTreeHead> read() {
        return read(path);
    }

    public static List<SignedTreeHead> read(Path path) {
        List<SignedTreeHead> out = new ArrayList<>();
        if (!Files.exists(path)) {
            return out;
        }
        try {
            List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).trim();
                if (l.isEmpty()) {
                    continue;
                }
                try {
                    out.add(CanonicalJson.mapper().readValue(l, SignedTreeHead.class));
                } catch (JsonProcessingException e) {
                    LOG.warn(
                            "Heads file {} line {} is not a signed head (torn write after a crash?): {}",
                            path,
                            i + 1,
                            e.getOriginalMessage());
                }
            }
        } catch (IOException e) {
            throw new LedgerException("cannot read heads file " + path.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return out;
    }
}
