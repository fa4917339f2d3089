package io.visionhub.plc.plc4x;

import io.visionhub.camel.SingleThreadExecutors;
import io.visionhub.plc.PlcProperties;
import io.visionhub.plc.PlcSample;
import io.visionhub.plc.PlcTransport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.plc4x.java.api.PlcConnection;
import org.apache.plc4x.java.api.PlcDriverManager;
import org.apache.plc4x.java.api.messages.PlcReadResponse;
import org.apache.plc4x.java.api.messages.PlcWriteRequest;
import org.apache.plc4x.java.api.messages.PlcWriteResponse;
import org.apache.plc4x.java.api.types.PlcResponseCode;
import org.apache.plc4x.java.api.value.PlcValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PLC handshake over an Apache PLC4X driver (Modbus TCP, Siemens S7), used through the PLC4X API rather than
 * camel-plc4x's endpoint: its consumer polls on a timer and its producer writes without a per-request deadline or an
 * answer the hub can classify, which the handshake needs (docs/plc.md). A subclass names the protocol and checks
 * its addresses and values; the polling, the trigger/part-id pairing and the writes are the same for all.
 * <p>
 * These protocols have no subscriptions the hub can rely on: one poller per PLC reads each station's trigger every
 * {@code sampling-interval-ms} and reports changes. The trigger and part id are read as a pair: trigger, part id,
 * trigger again, repeated until both trigger reads agree, so the part id read belongs to that trigger level (the PLC
 * must not change the part id while the trigger is raised, as in the four-phase handshake). Results go in two
 * requests: part id, result code and reject first, then result-ready, so the PLC never sees result-ready before the
 * result.
 */
public abstract class Plc4xPlcTransport implements PlcTransport {

    private static final Logger LOG = LoggerFactory.getLogger(Plc4xPlcTransport.class);
    private static final int PAIR_ATTEMPTS = 4;
    /** How long a connection attempt may take before the PLC counts as not answering. */
    static final long CONNECT_TIMEOUT_MS = 5000;

    private final PlcProperties props;
    private final String protocol;
    private final Map<String, Map<Signal, String>> stations = new LinkedHashMap<>();
    private final Map<String, Object> lastSent = new HashMap<>();
    private volatile PlcConnection connection;
    /** A connection attempt that has not ended yet (see open()). */
    private volatile CompletableFuture<PlcConnection> connecting;

    private volatile Listener listener;
    private volatile boolean closed;
    private volatile boolean lost;
    private final ExecutorServiceManager executors;
    private ExecutorService poller;

    /**
     * Checks the endpoint's scheme and every station's address map ({@link #checkAddress}); a bad address or a
     * read-only area for a written signal is refused here. The poller runs on a thread of Camel's
     * ExecutorServiceManager (null: the same kind of pool on a plain daemon thread, tests).
     *
     * @param protocol the protocol's name in logs and messages, e.g. "Modbus TCP"
     * @param scheme the PLC4X connection scheme the endpoint must start with, e.g. "modbus-tcp://"
     * @param example an example endpoint for the error message
     */
    protected Plc4xPlcTransport(
            PlcProperties props, ExecutorServiceManager executors, String protocol, String scheme, String example) {
        this.props = props;
        this.executors = executors;
        this.protocol = protocol;
        if (!props.endpointUrl().startsWith(scheme)) {
            throw new IllegalArgumentException("visionhub.plc endpoint-url '" + props.endpointUrl()
                    + "' of stations "
                    + props.stations().keySet() + " (" + protocol + ") must be a PLC4X " + protocol
                    + " address, e.g. " + example);
        }
        for (Map.Entry<String, PlcProperties.StationNodes> e : props.stations().entrySet()) {
            stations.put(e.getKey(), addresses(e.getKey(), e.getValue()));
        }
    }

    /**
     * Refuses an address that the protocol cannot parse, or whose area or type does not suit the signal (a bit, or a
     * number; a signal the hub writes needs a writable area). Called from the constructor: it must not use fields.
     *
     * @param where the setting, for the message, e.g. {@code visionhub.plc.stations.s1.reject = 'coil:3'}
     * @param text true for a part id (and result part id), which may be text where the protocol has it
     */
    protected abstract void checkAddress(String where, String address, boolean bit, boolean written, boolean text);

    /**
     * The value to write as the part id at this address (at its {@link #wireAddress}); IllegalArgumentException (the
     * reason) when it cannot.
     */
    protected abstract Object partIdValue(String address, String partId);

    /**
     * The address requested on the wire for a part id configured at {@code address} (e.g. an S7 STRING read and
     * written as its bytes, so that the hub checks its layout); the same address by default.
     */
    protected String wireAddress(String address) {
        return address;
    }

    /**
     * The part id in a value read from {@link #wireAddress}: text, or a number as text; IllegalArgumentException (why
     * it is no part id) for bad data, which the handshake records as an unserved trigger.
     */
    protected String partIdOf(String address, PlcValue v) {
        return v.isString() ? v.getString().strip() : String.valueOf(v.getLong());
    }

    private Map<Signal, String> addresses(String station, PlcProperties.StationNodes n) {
        Map<Signal, String> a = new EnumMap<>(Signal.class);
        put(a, station, Signal.TRIGGER, "trigger", n.trigger(), true, false);
        put(a, station, Signal.PART_ID, "part-id", n.partId(), false, false);
        put(a, station, Signal.ACK, "ack", n.ack(), true, false);
        put(a, station, Signal.TRIGGER_ACK, "trigger-ack", n.triggerAck(), true, true);
        put(a, station, Signal.RESULT_CODE, "result-code", n.resultCode(), false, true);
        put(a, station, Signal.REJECT, "reject", n.reject(), true, true);
        put(a, station, Signal.RESULT_READY, "result-ready", n.resultReady(), true, true);
        if (n.resultPartId() != null && !n.resultPartId().isBlank()) {
            check(station, "result-part-id", n.resultPartId(), false, true, true);
        }
        if (a.containsKey(Signal.TRIGGER) != a.containsKey(Signal.PART_ID)) {
            throw new IllegalArgumentException("visionhub.plc.stations." + station + ": a " + protocol
                    + " station with a trigger needs its part-id address too (and the other way round): the part id"
                    + " is read with each trigger");
        }
        return a;
    }

    private void put(
            Map<Signal, String> a, String station, Signal s, String key, String address, boolean bit, boolean written) {
        if (address != null && !address.isBlank()) {
            check(station, key, address, bit, written, s == Signal.PART_ID);
            a.put(s, address.strip());
        }
    }

    private void check(String station, String key, String address, boolean bit, boolean written, boolean text) {
        checkAddress(
                "visionhub.plc.stations." + station + "." + key + " = '" + address + "'",
                address.strip(),
                bit,
                written,
                text);
    }

    @Override
    public String endpoint() {
        return props.endpointUrl();
    }

    @Override
    public boolean maps(String station, Signal signal) {
        Map<Signal, String> a = stations.get(station);
        return a != null && a.containsKey(signal);
    }

    @Override
    public synchronized void connect(Listener l) throws Exception {
        this.listener = l;
        open();
        poll();
        if (poller == null) {
            // one task, the poll loop, for the connection's life: nothing queues behind it
            poller = SingleThreadExecutors.inOrder(executors, this, "plc-poll");
            poller.execute(this::pollLoop);
        }
        LOG.info(
                "PLC {} connection to {}: stations {} polled every {} ms",
                protocol,
                endpoint(),
                stations.keySet(),
                pollMs());
    }

    private long pollMs() {
        return Math.max(1, Math.round(props.samplingIntervalMs()));
    }

    /** The poll period in nanoseconds: the sampling interval (fractions kept), at least 0.5 ms; 0: 1 ms. */
    private long pollNanos() {
        double ms = props.samplingIntervalMs();
        return ms > 0 ? Math.max(500_000L, Math.round(ms * 1e6)) : 1_000_000L;
    }

    private void open() throws Exception {
        PlcConnection old = connection;
        connection = null;
        if (old != null) {
            try {
                old.close();
            } catch (Exception ignored) {
                // a broken connection
            }
        }
        // PLC4X's S7 connect waits without a limit for the PLC's answer (CompletableFuture.get()): a PLC that takes
        // the TCP connection but does not answer would hold the poller for ever, and the PLC would never count as
        // down. The connect runs on its own thread and is waited for at most CONNECT_TIMEOUT_MS; an attempt still
        // pending is waited for again rather than started anew (at most one thread hangs in it).
        CompletableFuture<PlcConnection> attempt = connecting;
        if (attempt == null || attempt.isDone()) {
            attempt = new CompletableFuture<>();
            connecting = attempt;
            CompletableFuture<PlcConnection> result = attempt;
            Thread t = new Thread(
                    () -> {
                        try {
                            PlcConnection c = PlcDriverManager.getDefault()
                                    .getConnectionManager()
                                    .getConnection(endpoint());
                            if (!c.isConnected()) {
                                c.connect();
                            }
                            result.complete(c);
                        } catch (Throwable e) {
                            result.completeExceptionally(e);
                        }
                    },
                    "plc-connect");
            t.setDaemon(true);
            t.start();
        }
        PlcConnection c;
        try {
            c = attempt.get(CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // the next open() waits for this same attempt and takes its connection if it comes late
            throw new IllegalStateException(
                    "no answer to the connection request within " + CONNECT_TIMEOUT_MS + " ms", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        connecting = null;
        if (closed) {
            // closed while connecting: this connection would outlive the transport (S7 keeps reconnecting it)
            closeQuietly(c);
            throw new IllegalStateException("transport closed");
        }
        connection = c;
    }

    private static void closeQuietly(PlcConnection c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("PLC close: {}", e.getMessage());
        }
    }

    @Override
    public synchronized void rewatch() throws Exception {
        lastSent.clear(); // the current values are reported again
        if (connection == null || !connection.isConnected()) {
            open();
        }
        poll();
    }

    private void pollLoop() {
        // fixed rate: each poll starts one period after the previous one started, not after it ended (a poll of three
        // reads takes 0.5-1 ms on loopback, which a fixed delay added to every interval: "every 2 ms" was every 2.5-3
        // ms, and a trigger raised just after the trigger read waited that long); a poll that overran starts at once
        long nextPoll = System.nanoTime();
        while (!closed) {
            nextPoll += pollNanos();
            try {
                synchronized (this) {
                    if (!lost && (connection == null || !connection.isConnected())) {
                        // the driver saw the connection drop: that is a loss (results fail safe) until polls work again
                        throw new IllegalStateException("connection dropped");
                    }
                    if (lost || connection == null || !connection.isConnected()) {
                        open();
                    }
                    poll();
                }
                if (lost) {
                    lost = false;
                    listener.connectionBack(protocol + " connection re-established");
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!lost && !closed) {
                    lost = true;
                    listener.connectionLost(protocol + ": " + message(e));
                }
            }
            try {
                if (lost) {
                    // while the PLC is lost, reconnect at the probe's pace rather than every poll
                    TimeUnit.MILLISECONDS.sleep(Math.max(pollMs(), Math.min(1000, props.downProbeMs())));
                    nextPoll = System.nanoTime();
                } else {
                    nextPoll = sleepUntil(nextPoll);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Sleeps until the given System.nanoTime (parkNanos: Java 17's Thread.sleep(ms, ns) rounds to whole ms); returns the
     * time the next period counts from: the planned one, or now where the poll overran by a whole period (no burst of
     * catch-up polls after a stall).
     */
    private long sleepUntil(long at) throws InterruptedException {
        long left;
        while ((left = at - System.nanoTime()) > 0) {
            LockSupport.parkNanos(this, left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
        long now = System.nanoTime();
        return now - at > pollNanos() ? now : at;
    }

    /** One poll of every station: the changes since the last one, as samples (part id before trigger). */
    private void poll() throws Exception {
        List<PlcSample> batch = new ArrayList<>();
        for (Map.Entry<String, Map<Signal, String>> e : stations.entrySet()) {
            String station = e.getKey();
            Map<Signal, String> a = e.getValue();
            if (a.containsKey(Signal.TRIGGER)) {
                Boolean trigger = null;
                Object partId = null;
                for (int i = 0; i < PAIR_ATTEMPTS; i++) {
                    Boolean before = (Boolean) read(a.get(Signal.TRIGGER), true);
                    partId = read(a.get(Signal.PART_ID), false);
                    trigger = (Boolean) read(a.get(Signal.TRIGGER), true);
                    if (before.equals(trigger)) {
                        break; // the part id was read while the trigger stood still: it is this level's
                    }
                }
                Instant at = Instant.now();
                changed(batch, station, Signal.PART_ID, partId, at);
                changed(batch, station, Signal.TRIGGER, trigger, at);
            }
            if (a.containsKey(Signal.ACK)) {
                changed(batch, station, Signal.ACK, read(a.get(Signal.ACK), true), Instant.now());
            }
        }
        if (!batch.isEmpty()) {
            listener.samples(batch);
        }
    }

    private void changed(List<PlcSample> batch, String station, Signal s, Object value, Instant at) {
        Object before = lastSent.put(station + "/" + s, value);
        if (!value.equals(before)) {
            batch.add(PlcSample.of(station, s, value, at, null));
        }
    }

    private Object read(String address, boolean bit) throws Exception {
        PlcConnection c = connection;
        if (c == null) {
            throw new IllegalStateException("not connected");
        }
        PlcReadResponse r = c.readRequestBuilder()
                .addTagAddress("v", bit ? address : wireAddress(address))
                .build()
                .execute()
                .get(Math.max(100, props.cycleBudgetMs()), TimeUnit.MILLISECONDS);
        if (r.getResponseCode("v") != PlcResponseCode.OK) {
            throw new IllegalStateException("reading " + address + ": " + r.getResponseCode("v"));
        }
        if (bit) {
            return r.getBoolean("v");
        }
        // a part id: a number (registers, S7 integers) or text (an S7 STRING); bad data is no outage of the PLC
        try {
            return partIdOf(address, r.getPlcValue("v"));
        } catch (IllegalArgumentException e) {
            return new Unreadable(e.getMessage());
        }
    }

    @Override
    public void probe(long timeoutMs) throws Exception {
        PlcConnection c = connection;
        if (c == null || !c.isConnected()) {
            throw new IllegalStateException("not connected");
        }
        Map<Signal, String> any = stations.values().stream().findFirst().orElseThrow();
        String address = any.getOrDefault(Signal.TRIGGER, any.getOrDefault(Signal.REJECT, any.get(Signal.RESULT_CODE)));
        c.readRequestBuilder().addTagAddress("v", address).build().execute().get(timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public WriteProblem writeResult(String station, String partId, int code, boolean reject, long deadlineNanos) {
        PlcConnection c = connection;
        if (c == null || !c.isConnected()) {
            return new WriteProblem("not connected to the PLC", true);
        }
        Map<Signal, String> a = stations.get(station);
        List<PlcWriteRequest.Builder> requests = new ArrayList<>(3);
        PlcWriteRequest.Builder result = c.writeRequestBuilder();
        requests.add(result);
        String echo = props.stations().get(station).resultPartId();
        String partIdAddress = echo == null || echo.isBlank() ? a.get(Signal.PART_ID) : echo.strip();
        if (partIdAddress != null) {
            Object value;
            try {
                value = partIdValue(partIdAddress, partId);
            } catch (IllegalArgumentException e) {
                return new WriteProblem(e.getMessage(), false);
            }
            result.addTagAddress("partId", wireAddress(partIdAddress), value);
        }
        boolean used = partIdAddress != null;
        if (a.containsKey(Signal.RESULT_CODE)) {
            result = next(c, requests, result, used);
            result.addTagAddress("resultCode", a.get(Signal.RESULT_CODE), code);
            used = true;
        }
        if (a.containsKey(Signal.REJECT)) {
            result = next(c, requests, result, used);
            result.addTagAddress("reject", a.get(Signal.REJECT), reject);
        }
        for (PlcWriteRequest.Builder request : requests) {
            WriteProblem problem = write(request, deadlineNanos);
            if (problem != null) {
                return problem;
            }
        }
        if (!a.containsKey(Signal.RESULT_READY)) {
            return null;
        }
        // only once the result is on the PLC: the PLC takes the result when it sees result-ready
        return write(
                c.writeRequestBuilder().addTagAddress("resultReady", a.get(Signal.RESULT_READY), true), deadlineNanos);
    }

    /**
     * True where the driver answers a request of several tags for its first tag only (PLC4X 0.13.1's eip driver without
     * a message router): each result tag then goes in a request of its own, in the same order.
     */
    protected boolean oneTagPerRequest() {
        return false;
    }

    /** The request the next result tag joins: the same, or a new one after it where one tag goes per request. */
    private PlcWriteRequest.Builder next(
            PlcConnection c, List<PlcWriteRequest.Builder> requests, PlcWriteRequest.Builder current, boolean used) {
        if (!oneTagPerRequest() || !used) {
            return current;
        }
        PlcWriteRequest.Builder b = c.writeRequestBuilder();
        requests.add(b);
        return b;
    }

    private WriteProblem write(PlcWriteRequest.Builder request, long deadlineNanos) {
        try {
            long left = Math.max(1, deadlineNanos - System.nanoTime());
            PlcWriteResponse r = request.build().execute().get(left, TimeUnit.NANOSECONDS);
            for (String tag : r.getTagNames()) {
                if (r.getResponseCode(tag) != PlcResponseCode.OK) {
                    return new WriteProblem(
                            "PLC refused the write of " + tag + " (" + r.getTag(tag) + "): " + r.getResponseCode(tag),
                            false);
                }
            }
            return null;
        } catch (TimeoutException e) {
            return new WriteProblem("no answer from the PLC before the deadline", true, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new WriteProblem("interrupted", false, true);
        } catch (ExecutionException e) {
            return new WriteProblem(message(e), true, true);
        } catch (RuntimeException e) {
            // refused before sending (a value that does not fit the register's type)
            return new WriteProblem(message(e), false);
        }
    }

    private static String message(Throwable e) {
        Throwable t = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    @Override
    public void writeTriggerAck(String station, boolean value) {
        PlcConnection c = connection;
        String address = stations.get(station).get(Signal.TRIGGER_ACK);
        if (address == null || c == null) {
            return;
        }
        CompletableFuture<? extends PlcWriteResponse> f;
        try {
            f = c.writeRequestBuilder()
                    .addTagAddress("triggerAck", address, value)
                    .build()
                    .execute();
        } catch (RuntimeException e) {
            LOG.warn(
                    "PLC station {}: writing trigger-ack {} to {} failed ({}); the PLC's own timeout applies",
                    station,
                    value,
                    address,
                    message(e));
            return;
        }
        f.whenComplete((r, e) -> {
            String problem = e != null
                    ? message(e)
                    : r.getResponseCode("triggerAck") == PlcResponseCode.OK
                            ? null
                            : r.getResponseCode("triggerAck").name();
            if (problem != null) {
                LOG.warn(
                        "PLC station {}: writing trigger-ack {} to {} failed ({}); the PLC's own timeout applies",
                        station,
                        value,
                        address,
                        problem);
            }
        });
    }

    @Override
    public void clearResultReady(String station, long timeoutMs) throws Exception {
        PlcConnection c = connection;
        String address = stations.get(station).get(Signal.RESULT_READY);
        if (address == null || c == null) {
            return;
        }
        PlcWriteResponse r = c.writeRequestBuilder()
                .addTagAddress("resultReady", address, false)
                .build()
                .execute()
                .get(timeoutMs, TimeUnit.MILLISECONDS);
        if (r.getResponseCode("resultReady") != PlcResponseCode.OK) {
            throw new IllegalStateException(
                    "PLC refused the write of " + address + ": " + r.getResponseCode("resultReady"));
        }
    }

    @Override
    public void close() {
        closed = true;
        ExecutorService p = poller;
        if (p != null) {
            if (executors != null) {
                executors.shutdownNow(p);
            } else {
                p.shutdownNow();
            }
        }
        PlcConnection c;
        // under the poller's lock: a poll under way (its wait ended by the interrupt above) finishes before the
        // connection closes, so no read goes out after the close (EtherNet/IP: after the Forward Close)
        synchronized (this) {
            c = connection;
            connection = null;
        }
        if (c != null) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("PLC {} close: {}", protocol, e.getMessage());
            }
        }
        CompletableFuture<PlcConnection> attempt = connecting;
        if (attempt != null) {
            attempt.thenAccept(Plc4xPlcTransport::closeQuietly); // a connection that comes after the close
        }
    }
}
