package io.visionhub.outputs.mqtt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * Messages waiting for the broker, on disk (an H2 MVStore file), ordered by the publisher's sequence number and
 * bounded by a count. Not thread-safe on its own: the publisher calls it under its lock.
 */
final class OfflineBuffer implements AutoCloseable {

    private final MVStore store;
    private final MVMap<Long, byte[]> messages;
    private final int maxMessages;
    private final Path file;

    OfflineBuffer(Path dir, int maxMessages) {
        if (maxMessages < 1) {
            throw new IllegalArgumentException(
                    "visionhub.mqtt.buffer.max-events must be at least 1, not " + maxMessages);
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the MQTT offline buffer folder " + dir.toAbsolutePath(), e);
        }
        this.file = dir.resolve("mqtt-buffer.mv.db").toAbsolutePath();
        this.store = new MVStore.Builder()
                .fileName(file.toString())
                .autoCommitDisabled()
                .open();
        this.messages = store.openMap("messages");
        this.maxMessages = maxMessages;
    }

    /** Keeps the message under its sequence number; false (nothing kept) when the buffer is full. */
    boolean add(long sequence, OutboundMessage message) {
        if (messages.size() >= maxMessages) {
            return false;
        }
        messages.put(sequence, message.encode());
        store.commit();
        return true;
    }

    /** Up to n messages from the head, oldest first. */
    List<Map.Entry<Long, OutboundMessage>> head(int n) {
        List<Map.Entry<Long, OutboundMessage>> out = new ArrayList<>(n);
        Iterator<Map.Entry<Long, byte[]>> it = messages.entrySet().iterator();
        while (it.hasNext() && out.size() < n) {
            Map.Entry<Long, byte[]> e = it.next();
            out.add(Map.entry(e.getKey(), OutboundMessage.decode(e.getValue())));
        }
        return out;
    }

    void remove(long sequence) {
        if (messages.remove(sequence) != null) {
            store.commit();
        }
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }

    int size() {
        return messages.size();
    }

    /** The highest sequence number kept, or -1. */
    long lastSequence() {
        Long last = messages.lastKey();
        return last == null ? -1 : last;
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        store.close();
    }
}
