package io.visionhub.plc;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;

/**
 * The PLC program of one station on a {@link PlcSimulator}, as a real one runs the four-phase trigger handshake: per
 * part it sets PartId, raises Trigger and holds both until the hub sets TriggerAck, then lowers Trigger and waits for
 * TriggerAck to be cleared before the next part. A part comes every {@code periodMs} (or later, when the previous
 * handshake took longer); an acknowledge that does not come within {@code ackTimeoutMs} is the PLC's own timeout (it
 * lowers the trigger and rejects the part itself). It scans its inputs every millisecond, as a PLC's cycle does.
 * Every result the hub writes is kept per part id.
 */
final class PlcPartProgram implements AutoCloseable {

    private final PlcSimulator plc;
    private final String station;
    private final String prefix;
    private final int parts;
    private final long periodMs;
    private final long ackTimeoutMs;
    final Map<String, List<PlcSimulator.Result>> results = new ConcurrentHashMap<>();
    final List<PlcSimulator.Result> resultOrder = new CopyOnWriteArrayList<>();
    final List<String> plcTimeouts = new CopyOnWriteArrayList<>();
    final AtomicInteger raised = new AtomicInteger();
    /** When each part's trigger was raised (System.nanoTime(), the clock of {@link PlcSimulator.Result#nanos()}). */
    final Map<String, Long> raisedNanos = new ConcurrentHashMap<>();
    /** Sum of the handshake times (trigger raised to trigger-ack cleared), for the mean. */
    final AtomicLong handshakeNanos = new AtomicLong();

    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean running = true;
    private final Thread thread;

    PlcPartProgram(PlcSimulator plc, String station, String prefix, int parts, long periodMs, long ackTimeoutMs) {
        this.plc = plc;
        this.station = station;
        this.prefix = prefix;
        this.parts = parts;
        this.periodMs = periodMs;
        this.ackTimeoutMs = ackTimeoutMs;
        plc.onResult(r -> {
            if (r.station().equals(station)) {
                results.computeIfAbsent(r.partId(), k -> new CopyOnWriteArrayList<>())
                        .add(r);
                resultOrder.add(r);
            }
        });
        this.thread = new Thread(this::run, "plc-program-" + station);
        this.thread.setDaemon(true);
    }

    static String partId(String prefix, int i) {
        return String.format("%s%04d", prefix, i);
    }

    double meanHandshakeMs() {
        return raised.get() == 0 ? 0 : handshakeNanos.get() / 1e6 / raised.get();
    }

    void start() {
        thread.start();
    }

    boolean awaitFinished(long seconds) throws InterruptedException {
        return finished.await(seconds, TimeUnit.SECONDS);
    }

    private void run() {
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < parts && running; i++) {
                long due = t0 + TimeUnit.MILLISECONDS.toNanos(i * periodMs);
                scanUntil(() -> System.nanoTime() >= due, Long.MAX_VALUE);
                String part = partId(prefix, i);
                plc.set(station, "PartId", new Variant(part));
                plc.set(station, "Trigger", new Variant(true));
                long raisedAt = System.nanoTime();
                raisedNanos.put(part, raisedAt);
                raised.incrementAndGet();
                boolean acked = scanUntil(() -> Boolean.TRUE.equals(plc.value(station, "TriggerAck")), ackTimeoutMs);
                long ackedAt = System.nanoTime();
                plc.set(station, "Trigger", new Variant(false));
                if (!acked) {
                    plcTimeouts.add(part);
                }
                if (!scanUntil(() -> Boolean.FALSE.equals(plc.value(station, "TriggerAck")), ackTimeoutMs)) {
                    plc.set(station, "TriggerAck", new Variant(false)); // the PLC's timeout resets the handshake
                }
                handshakeNanos.addAndGet(System.nanoTime() - raisedAt);
                if (Boolean.getBoolean("visionhub.test.plc-trace")) {
                    System.out.printf(
                            "part %s ack after %.1f ms, cleared after %.1f ms more%n",
                            part, (ackedAt - raisedAt) / 1e6, (System.nanoTime() - ackedAt) / 1e6);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    /** Scans every millisecond until the condition holds (true) or the timeout passes (false). */
    private boolean scanUntil(BooleanSupplier condition, long timeoutMs) throws InterruptedException {
        long end = timeoutMs == Long.MAX_VALUE
                ? Long.MAX_VALUE
                : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (running) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() >= end) {
                return false;
            }
            Thread.sleep(1);
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5000);
    }
}
