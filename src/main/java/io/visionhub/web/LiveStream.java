package io.visionhub.web;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The browsers connected to {@code /ui/stream?line=…}, and the hand-off from the hub's threads to them. A publisher
 * never waits for a browser: each message goes into every connected browser's bounded queue ({@code client-queue})
 * and a small pool of sender threads writes the queues out, one browser at a time. A browser whose queue is full
 * (a stalled tablet, a dead network) loses its queue, is sent one {@code state} event {@code reload} and is
 * disconnected; its page reloads and starts from the current state.
 */
public class LiveStream implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveStream.class);

    /** One SSE event: its name (inspection, rate, alarm, disposition, state) and its data (HTML fragments). */
    public record Message(String name, String data) {}

    static final Message RELOAD = new Message("state", "reload");

    /** An SSE comment: keeps the connection open through proxies and finds browsers that went away. */
    static final Message PING = new Message(null, "ping");

    private final int queueSize;
    private final int maxClients;
    private final Map<String, Set<Client>> byLine = new ConcurrentHashMap<>();
    private final AtomicInteger clients = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final ThreadPoolExecutor senders;

    public LiveStream(int queueSize, int maxClients) {
        this.queueSize = queueSize;
        this.maxClients = maxClients;
        AtomicInteger n = new AtomicInteger();
        // at most one drain task per client is queued, so the task queue is bounded by max-clients
        this.senders = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "web-sse-sender-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.senders.allowCoreThreadTimeOut(true);
    }

    /**
     * A new browser on a line, sent {@code first} before anything else; null when max-clients browsers are connected
     * already.
     */
    SseEmitter open(String line, List<Message> first) {
        if (clients.incrementAndGet() > maxClients) {
            clients.decrementAndGet();
            return null;
        }
        SseEmitter emitter = newEmitter();
        Client c = new Client(line, emitter, new ArrayBlockingQueue<>(queueSize));
        c.offer(first);
        byLine.computeIfAbsent(line, l -> ConcurrentHashMap.newKeySet()).add(c);
        emitter.onCompletion(() -> remove(c));
        emitter.onTimeout(() -> remove(c));
        emitter.onError(e -> remove(c));
        return emitter;
    }

    /** No timeout: the state events keep the connection alive (a test gives its own, to see what is sent). */
    protected SseEmitter newEmitter() {
        return new SseEmitter(0L);
    }

    /** Whether any browser watches the line (nothing to render otherwise). */
    public boolean watched(String line) {
        Set<Client> s = byLine.get(line);
        return s != null && !s.isEmpty();
    }

    /** Lines that some browser watches. */
    public Set<String> watchedLines() {
        return byLine.entrySet().stream()
                .filter(e -> !e.getValue().isEmpty())
                .map(Map.Entry::getKey)
                .collect(java.util.stream.Collectors.toSet());
    }

    /** Browsers connected now. */
    public int clients() {
        return clients.get();
    }

    /** Browsers disconnected because they fell behind, since start. */
    public long dropped() {
        return dropped.get();
    }

    /** Queues the messages for every browser on the line; never blocks. */
    public void publish(String line, List<Message> messages) {
        Set<Client> s = byLine.get(line);
        if (s == null) {
            return;
        }
        for (Client c : s) {
            c.offer(messages);
        }
    }

    private void remove(Client c) {
        Set<Client> s = byLine.get(c.line);
        if (s != null && s.remove(c)) {
            clients.decrementAndGet();
        }
    }

    /** Sends a keep-alive comment to every browser. */
    public void ping() {
        byLine.values().forEach(s -> s.forEach(c -> c.offer(List.of(PING))));
    }

    @Override
    public void close() {
        byLine.values().forEach(s -> s.forEach(c -> c.emitter.complete()));
        senders.shutdownNow();
    }

    private final class Client {
        final String line;
        final SseEmitter emitter;
        final ArrayBlockingQueue<Message> queue;
        final AtomicBoolean scheduled = new AtomicBoolean();
        volatile boolean closing;

        Client(String line, SseEmitter emitter, ArrayBlockingQueue<Message> queue) {
            this.line = line;
            this.emitter = emitter;
            this.queue = queue;
        }

        void offer(List<Message> messages) {
            if (closing) {
                return;
            }
            for (Message m : messages) {
                if (!queue.offer(m)) {
                    // fallen behind: forget what it missed, tell it to reload, then let it go
                    closing = true;
                    queue.clear();
                    queue.offer(RELOAD);
                    dropped.incrementAndGet();
                    LOG.info(
                            "a browser on the line screen of {} fell {} events behind: told to reload and disconnected",
                            line,
                            queueSize);
                    break;
                }
            }
            schedule();
        }

        void schedule() {
            if (scheduled.compareAndSet(false, true)) {
                try {
                    senders.execute(this::drain);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    scheduled.set(false); // shutting down
                }
            }
        }

        void drain() {
            try {
                Message m;
                while ((m = queue.poll()) != null) {
                    emitter.send(
                            m.name() == null
                                    ? SseEmitter.event().comment(m.data())
                                    : SseEmitter.event().name(m.name()).data(m.data()));
                }
                if (closing) {
                    emitter.complete();
                    remove(this);
                }
            } catch (IOException | IllegalStateException e) {
                // the browser went away (or the emitter completed): forget it
                queue.clear();
                remove(this);
                emitter.completeWithError(e);
            } finally {
                scheduled.set(false);
            }
            if (!queue.isEmpty() && !closing) {
                schedule();
            }
        }
    }
}
