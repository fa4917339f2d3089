package io.visionhub.plc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.visionhub.camel.SingleThreadExecutors;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.PartTrigger;
import io.visionhub.plc.PlcTransport.Signal;
import io.visionhub.plc.PlcTransport.WriteProblem;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.camel.spi.ExecutorServiceManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The result handshake with one PLC, whatever its protocol (docs/plc.md): the {@link PlcTransport} (OPC UA, Modbus
 * TCP) watches each station's trigger and part id and writes results; this class pairs each rising edge of the
 * trigger with the part id current at that edge (by the PLC's source timestamp). Each trigger opens a part cycle with its deadline
 * (now + cycle budget) and ends with exactly one outcome: the inspection result written and confirmed before the
 * deadline, or the fail-safe, which is recorded ({@link PlcFailSafeRecorder}, the ledger) and, while the PLC answers,
 * written (reject, result code 9). A result is never written after its deadline, nor after a newer part's result.
 * With a trigger-ack node the hub acknowledges each trigger (four-phase handshake: the PLC holds trigger and part id
 * until the acknowledge, and the hub clears it when the trigger falls).
 * <p>
 * Once the PLC is known down (no session, or a write that got no answer), results go straight to the fail-safe record
 * without waiting on the PLC, so the camera keeps its pace; a probe and the session's return bring it back.
 * Metrics: visionhub.plc.triggers, visionhub.plc.writes (outcome=confirmed|failed), visionhub.plc.deadline.missed
 * (every fail-safe), visionhub.plc.failsafe (reason), visionhub.plc.triggers.missed, visionhub.plc.triggers.duplicate,
 * visionhub.plc.results.late,
 * visionhub.plc.connected, visionhub.plc.write.latency.
 */
public class PlcHandshake implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PlcHandshake.class);
    /** Part cycles remembered per station, so a result arriving after its part failed safe is recognised as late. */
    private static final int CYCLES_KEPT = 4096;

    /** What became of a result. */
    public enum Outcome {
        /** Written and confirmed before the deadline. */
        CONFIRMED,
        /** Not written: the fail-safe applies and was recorded. */
        MISSED,
        /** The part had already failed safe (its deadline passed) before the result came; nothing written. */
        LATE,
        /** No PLC mapping for the station. */
        UNMAPPED
    }

    private final PlcProperties props;
    private final PlcTransport transport;
    private final MeterRegistry meters;
    /**
     * Where each station's triggers go (the plc: consumer of the station); the default listener (null: none, the
     * trigger is logged and counted as unrouted) for the others.
     */
    private final Map<String, Consumer<PartTrigger>> stationListeners = new ConcurrentHashMap<>();

    private final Consumer<PartTrigger> triggerListener;
    private final PlcFailSafeRecorder recorder;
    private final ExecutorServiceManager executors;
    private final Map<String, StationMapping> stations = new LinkedHashMap<>();
    private final ScheduledExecutorService scheduler;
    /** Reconnects, re-subscriptions and probes, so that they never hold up a deadline on plc-deadlines. */
    private final ScheduledExecutorService connection;
    /**
     * Trigger work that talks to the PLC (clearing result-ready) and hands the trigger on, off the transport's
     * notification thread, one at a time in trigger order (the listener must not reorder them either).
     */
    private final ExecutorService triggerWork;
    /**
     * Clears of result-ready, in order: sent as soon as a trigger is taken, while the route already inspects; the
     * result's write waits for the clear's answer (normally long in) instead of the trigger waiting before inference.
     */
    private final ExecutorService clears;

    private volatile boolean closed;
    /** Circuit breaker: true while the PLC is known down; results then go straight to the fail-safe record. */
    private volatile boolean down = true;

    private volatile String downBecause = "not connected yet";

    public PlcHandshake(PlcProperties props, MeterRegistry meters, Consumer<PartTrigger> triggerListener) {
        this(props, meters, triggerListener, PlcFailSafeRecorder.NONE);
    }

    public PlcHandshake(
            PlcProperties props,
            MeterRegistry meters,
            Consumer<PartTrigger> triggerListener,
            PlcFailSafeRecorder recorder) {
        this(props, PlcTransports.create(props), meters, triggerListener, recorder, null);
    }

    /**
     * The handshake over the given transport; threads from Camel's ExecutorServiceManager (null: the same kind of
     * pools on plain daemon threads, for a handshake used without Camel, as in tests of the handshake alone).
     */
    public PlcHandshake(
            PlcProperties props,
            PlcTransport transport,
            MeterRegistry meters,
            Consumer<PartTrigger> triggerListener,
            PlcFailSafeRecorder recorder,
            ExecutorServiceManager executors) {
        this.props = props;
        this.transport = transport;
        this.meters = meters;
        this.triggerListener = triggerListener;
        this.recorder = recorder;
        this.executors = executors;
        if (props.cycleBudgetMs() <= 0) {
            throw new IllegalArgumentException(
                    "visionhub.plc.cycle-budget-ms must be positive, not " + props.cycleBudgetMs());
        }
        if (props.triggerQueueSize() < 2) {
            throw new IllegalArgumentException("visionhub.plc.trigger-queue-size must be at least 2 (a rise and a fall "
                    + "between two publishes), not " + props.triggerQueueSize());
        }
        for (String station : props.stations().keySet()) {
            stations.put(station, new StationMapping(station, transport, meters));
        }
        // each thread takes every task however many wait (a deadline per part in flight, a trigger per part behind
        // a slow route), never runs one on the caller (Milo's notification thread), and is the same kind of pool
        // with Camel and without
        this.scheduler = SingleThreadExecutors.scheduled(executors, this, "plc-deadlines");
        this.connection = SingleThreadExecutors.scheduled(executors, this, "plc-connection");
        this.triggerWork = SingleThreadExecutors.inOrder(executors, this, "plc-triggers");
        this.clears = SingleThreadExecutors.inOrder(executors, this, "plc-clears");
        Gauge.builder("visionhub.plc.connected", this, h -> h.down ? 0 : 1)
                .tag("endpoint", transport.endpoint())
                .description("1 while the PLC answers, 0 while results go straight to the fail-safe")
                .register(meters);
    }

    /** Connects to the PLC and watches the trigger, part id and ack of every station. */
    public synchronized void start() throws Exception {
        connectOrRetry();
        long probe = Math.max(100, props.downProbeMs());
        connection.scheduleWithFixedDelay(this::probeWhileDown, probe, probe, TimeUnit.MILLISECONDS);
    }

    /** Connects now, or logs why not and tries again every 5 s; the hub runs on (results meanwhile fail safe). */
    private synchronized void connectOrRetry() {
        if (closed) {
            return;
        }
        try {
            resetStations();
            transport.connect(new TransportEvents());
            awaitTriggerLevels();
            watching();
            markUp("connected");
            LOG.info(
                    "PLC handshake connected to {}, stations {}, cycle budget {} ms, fail-safe {}",
                    transport.endpoint(),
                    stations.keySet(),
                    props.cycleBudgetMs(),
                    props.failSafe());
        } catch (IllegalArgumentException e) {
            throw e; // a setting to fix, not a PLC that does not answer
        } catch (Exception e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage();
            LOG.error(
                    "PLC at {} not reachable ({}): results cannot be confirmed and follow the fail-safe {}; "
                            + "trying again every 5 s",
                    transport.endpoint(),
                    why,
                    props.failSafe());
            markDown("not reachable: " + why);
            connection.schedule(this::connectOrRetry, 5, TimeUnit.SECONDS);
        }
    }

    /** What the transport reports, handed to the handshake's threads where it may wait. */
    private final class TransportEvents implements PlcTransport.Listener {
        @Override
        public void samples(List<PlcSample> batch) {
            dataChanged(batch);
        }

        @Override
        public void samplesLost(String why) {
            for (StationMapping st : stations.values()) {
                if (st.trigger) {
                    triggerNotServed(st, "", why);
                }
            }
        }

        @Override
        public void connectionLost(String why) {
            Instant at = Instant.now();
            for (StationMapping st : stations.values()) {
                synchronized (st.order) {
                    st.outage.begin(st, at, true);
                }
            }
            markDown(why);
        }

        @Override
        public void staleSamples(List<PlcSample> batch) {
            outageChanged(batch);
        }

        @Override
        public void staleSamplesLost(String why) {
            for (StationMapping st : stations.values()) {
                if (st.trigger) {
                    synchronized (st.order) {
                        triggerNotServed(st, "", why);
                    }
                }
            }
        }

        @Override
        public void connectionBack(String why) {
            // back after an outage: watch anew (off the transport's thread); a trigger still raised then is one the
            // hub did not see in time, and is recorded as such
            connection.execute(() -> rewatch(why));
        }

        @Override
        public void watchLost(String why) {
            connection.execute(() -> rewatch(why));
        }
    }

    /**
     * After a (re)subscription the first values seen are the ones then current. What the hub knew until now is where
     * the changes of the watch it leaves (queued by the PLC during an outage) continue from, unless the connection's
     * loss already kept it.
     */
    private void resetStations() {
        Instant at = Instant.now();
        for (StationMapping s : stations.values()) {
            synchronized (s.order) {
                s.outage.begin(s, at, false);
                s.lastTrigger = null;
                s.resetPartIds();
            }
        }
    }

    /** The hub watches anew: a later loss, or watch left, starts a new outage stream. */
    private void watching() {
        for (StationMapping s : stations.values()) {
            synchronized (s.order) {
                s.outage.watching();
            }
        }
    }

    /** Ready once every trigger's current value is known: a rising edge after this is a trigger. */
    private void awaitTriggerLevels() throws InterruptedException {
        long waitUntil = System.currentTimeMillis() + 5000;
        while (stations.values().stream().anyMatch(s -> s.trigger && s.lastTrigger == null)
                && System.currentTimeMillis() < waitUntil) {
            Thread.sleep(5);
        }
    }

    private synchronized void rewatch(String why) {
        if (closed) {
            return;
        }
        try {
            resetStations();
            transport.rewatch();
            awaitTriggerLevels();
            watching();
            markUp(why);
        } catch (Exception e) {
            LOG.warn(
                    "PLC at {}: {}, but watching the triggers failed ({}); trying again in {} ms",
                    transport.endpoint(),
                    why,
                    e.getMessage(),
                    props.downProbeMs());
            markDown("subscribing failed: " + e.getMessage());
            connection.schedule(() -> rewatch(why), Math.max(100, props.downProbeMs()), TimeUnit.MILLISECONDS);
        }
    }

    /** While down with a session that looks alive (a write got no answer), a cheap read says whether the PLC is back. */
    private void probeWhileDown() {
        if (!down || closed) {
            return;
        }
        try {
            transport.probe(Math.max(100, props.downProbeMs()));
            markUp("answers again");
        } catch (Exception e) {
            LOG.debug("PLC at {} still down: {}", transport.endpoint(), e.getMessage());
        }
    }

    private void markDown(String why) {
        if (!down && !closed) {
            LOG.error(
                    "PLC at {} is down ({}): results of stations {} now go straight to the fail-safe record (reject, "
                            + "result code {}) without waiting; nothing queued is written when it returns",
                    transport.endpoint(),
                    why,
                    stations.keySet(),
                    props.resultCodeFailSafe());
        }
        downBecause = why;
        down = true;
    }

    private void markUp(String why) {
        if (down && !closed) {
            LOG.info("PLC at {} is up ({}): results are written again", transport.endpoint(), why);
        }
        down = false;
    }

    /** The PLC's address as configured (for health and logs). */
    public String endpoint() {
        return transport.endpoint();
    }

    /** True while the PLC is known down and results go straight to the fail-safe. */
    public boolean isDown() {
        return down;
    }

    /**
     * Writes the result to the PLC of the event's station before its part's deadline and returns the outcome; blocks
     * at most until that deadline, and not at all while the PLC is known down.
     */
    public Outcome writeResult(InspectionEvent event) {
        StationMapping s = stations.get(event.station());
        if (s == null) {
            return Outcome.UNMAPPED;
        }
        String partId = event.partId() == null ? "" : event.partId();
        PartCycle cycle = s.trigger ? s.cycle(partId) : null;
        if (cycle == null) {
            // no trigger for this part: the budget runs from the end of inference (a result queued behind a slow
            // PLC thus expires instead of being written late)
            Instant now = Instant.now();
            Instant from =
                    event.inferenceTime() != null && event.inferenceTime().isBefore(now) ? event.inferenceTime() : now;
            cycle = s.open(partId, from, props.cycleBudgetMs(), false);
        }
        if (!cycle.claim()) {
            s.late.increment();
            LOG.warn(
                    "PLC result for station {} part {} (inspection {}) came after the part's deadline {}: not written; "
                            + "the part already failed safe (recorded)",
                    s.station,
                    partId,
                    event.id(),
                    cycle.deadline);
            return Outcome.LATE;
        }
        if (down) {
            failSafe(s, cycle, event.id(), PlcFailSafe.Reason.PLC_DOWN, "PLC down: " + downBecause);
            return Outcome.MISSED;
        }
        long start = System.nanoTime();
        InspectionEvent.Verdict verdict = event.result() == null ? InspectionEvent.Verdict.UNCERTAIN : event.result();
        int code = switch (verdict) {
            case OK -> props.resultCodeOk();
            case NG -> props.resultCodeNg();
            default -> props.resultCodeUncertain();
        };
        awaitClear(s, cycle.deadlineNanos);
        synchronized (s) {
            if (cycle.seq <= s.lastWrittenSeq) {
                failSafe(
                        s,
                        cycle,
                        event.id(),
                        PlcFailSafe.Reason.SUPERSEDED,
                        "a newer part's result was already written to the station");
                return Outcome.MISSED;
            }
            WriteProblem last = new WriteProblem("deadline had passed before the first attempt", false);
            long lastAttemptNanos = 0;
            while (System.nanoTime() < cycle.deadlineNanos) {
                if (cycle.deadlineNanos - System.nanoTime() < 2 * lastAttemptNanos) {
                    // a retry now would still wait for its answer at the deadline: the write would be in doubt and
                    // the breaker opened for a PLC that answers, with no fail-safe reject written
                    break;
                }
                long attempt = System.nanoTime();
                last = transport.writeResult(
                        s.station, partId, code, verdict != InspectionEvent.Verdict.OK, cycle.deadlineNanos);
                lastAttemptNanos = System.nanoTime() - attempt;
                if (last == null) {
                    s.lastWrittenSeq = cycle.seq;
                    cycle.done();
                    s.confirmed.increment();
                    s.latency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                    return Outcome.CONFIRMED;
                }
                s.failed.increment();
                if (last.noAnswer()) {
                    markDown(last.text());
                    // a write that got no answer may still have been applied by the PLC: recorded as such, not as
                    // a plain PLC_DOWN, so the record never claims the PLC saw no result when it may have
                    if (last.inDoubt()) {
                        failSafe(
                                s,
                                cycle,
                                event.id(),
                                PlcFailSafe.Reason.WRITE_IN_DOUBT,
                                "the write was sent but its "
                                        + "answer was lost (" + last.text() + "): the PLC may have applied result code "
                                        + code
                                        + "; check the part at the PLC");
                    } else {
                        failSafe(s, cycle, event.id(), PlcFailSafe.Reason.PLC_DOWN, last.text());
                    }
                    return Outcome.MISSED;
                }
                if (Thread.currentThread().isInterrupted()) {
                    // the caller is being stopped: no more attempts (each would send another write at once); the one
                    // just sent may have reached the PLC
                    failSafe(
                            s,
                            cycle,
                            event.id(),
                            PlcFailSafe.Reason.WRITE_IN_DOUBT,
                            "interrupted while waiting for " + "the PLC's answer: the PLC may have applied result code "
                                    + code);
                    return Outcome.MISSED;
                }
                sleepUpTo(cycle.deadlineNanos, props.retryBackoffMs());
            }
            failSafe(s, cycle, event.id(), PlcFailSafe.Reason.DEADLINE_PASSED, last.text());
            return Outcome.MISSED;
        }
    }

    /** The newest part id the hub has seen from the station's PLC ("" when none yet); for tests and diagnostics. */
    String partIdSeen(String station) {
        StationMapping s = stations.get(station);
        return s == null ? "" : s.partIdAt(null);
    }

    /** The trigger level the hub last saw at the station (null before the first sample); for tests and diagnostics. */
    Boolean triggerSeen(String station) {
        StationMapping s = stations.get(station);
        return s == null ? null : s.lastTrigger;
    }

    public boolean maps(String station) {
        return stations.containsKey(station);
    }

    /**
     * Sends the triggers of {@code station} to {@code listener} instead of the handshake's default listener (the
     * {@code plc:<station>} consumer); returns the handle that takes it back. One listener per station.
     */
    public AutoCloseable onTriggers(String station, Consumer<PartTrigger> listener) {
        if (!stations.containsKey(station)) {
            throw new IllegalArgumentException("station " + station + " is not mapped to the PLC at "
                    + transport.endpoint() + " (visionhub.plc.stations: " + stations.keySet() + ")");
        }
        if (stationListeners.putIfAbsent(station, listener) != null) {
            throw new IllegalStateException("the triggers of station " + station + " already go to another consumer; "
                    + "give each station one plc:" + station + " route");
        }
        return () -> stationListeners.remove(station, listener);
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (ExecutorService pool : List.of(scheduler, connection, triggerWork, clears)) {
            if (executors != null) {
                executors.shutdownNow(pool);
            } else {
                pool.shutdownNow();
            }
        }
        transport.close();
    }

    /**
     * The handler of one publish's data changes. Milo calls it from its pool threads: after a publish sequence gap,
     * or under load, publishes come reordered, concurrently, or twice (republished). So each station's changes are
     * handled strictly one at a time (the station's order lock), in the order of the PLC's source timestamps (server
     * timestamps break ties), and a trigger or part id value not newer than the last one handled for its node is a
     * republished or overtaken notification and is dropped (docs/plc.md, "Ordering of notifications").
     */
    void dataChanged(List<PlcSample> changes) {
        for (Map.Entry<StationMapping, List<PlcSample>> e :
                byStationInOrder(changes, false).entrySet()) {
            StationMapping s = e.getKey();
            List<PlcSample> ordered = e.getValue();
            synchronized (s.order) {
                for (PlcSample c : ordered) {
                    switch (c.signal()) {
                        case PART_ID -> onPartId(s, c);
                        case TRIGGER -> onTrigger(s, c);
                        case ACK -> onAck(s, c);
                        default -> LOG.debug("PLC station {}: {} is not watched; ignored", s.station, c.signal());
                    }
                }
            }
        }
    }

    /** A new part id value (under the station's order lock); it may be the one an edge already seen waits for. */
    private void onPartId(StationMapping s, PlcSample value) {
        Stamp stamp = Stamp.of(value);
        if (!stamp.isNewerThan(s.lastPartIdStamp)) {
            LOG.debug(
                    "PLC station {}: part id {} stamped {} is not newer than the last one handled ({}): a republished "
                            + "or overtaken notification, dropped",
                    s.station,
                    value.value(),
                    stamp,
                    s.lastPartIdStamp);
            return;
        }
        s.lastPartIdStamp = stamp;
        s.partIdChanged(value);
        while (!s.pendingEdges.isEmpty()) {
            PendingEdge p = s.pendingEdges.peekFirst();
            Edge edge = s.pairEdge(p.sourceTime());
            if (edge.alreadyPaired()) {
                break; // still no part id of its own (edges are paired oldest first)
            }
            s.pendingEdges.removeFirst();
            p.expiry().cancel(false);
            serveEdge(s, edge, p.at(), p.sourceTime());
        }
    }

    /** A trigger value (under the station's order lock). */
    private void onTrigger(StationMapping s, PlcSample value) {
        Stamp stamp = Stamp.of(value);
        if (!stamp.isNewerThan(s.lastTriggerStamp)) {
            LOG.debug(
                    "PLC station {}: trigger {} stamped {} is not newer than the last one handled ({}): a republished "
                            + "or overtaken notification, dropped",
                    s.station,
                    value.value(),
                    stamp,
                    s.lastTriggerStamp);
            return;
        }
        s.lastTriggerStamp = stamp;
        if (value.overflow()) {
            triggerNotServed(
                    s,
                    "",
                    "the trigger's notification queue overflowed (more than " + props.triggerQueueSize()
                            + " changes between two publishes): triggers were lost");
        }
        boolean raised = Boolean.TRUE.equals(value.value());
        Boolean previous = s.lastTrigger;
        s.lastTrigger = raised;
        if (previous == null) {
            if (raised) {
                // raised before the hub was watching (start, or back after an outage): its time is unknown. Recorded
                // once: not when the part already has its outcome (seen before the outage, or recorded from what the
                // PLC queued during it)
                // this raise is the edge of the part id of its moment: a later edge never takes that id
                String part = s.pairEdge(value.sourceTime()).partId();
                if (!alreadyAccounted(s, part)) {
                    triggerNotServed(
                            s,
                            part,
                            "the trigger was already raised when the hub (re)subscribed; its cycle time is unknown");
                }
                acknowledgeTrigger(s, true);
            }
            return;
        }
        if (!raised) {
            if (previous) {
                acknowledgeTrigger(s, false);
            }
            return;
        }
        if (previous) {
            // raised again at a newer time while the hub still holds it raised: the fall in between was overtaken
            // (it comes later and is dropped as older) or lost; without timestamps it is the same raise again
            boolean newEdge = stamp.known() && value.good();
            if (!newEdge) {
                return;
            }
            LOG.debug(
                    "PLC station {}: trigger raised again at {} without a fall handled in between: a new edge",
                    s.station,
                    stamp);
        }
        Instant at = Instant.now();
        Edge edge = s.pairEdge(value.sourceTime());
        if (edge.alreadyPaired()) {
            // the part id of its moment already has its edge: this edge's own part id is yet to come (a publish
            // handled out of order) or this is the same edge again; it waits, and never takes the previous part's id
            long grace = pairingGraceMs();
            PendingEdge[] self = new PendingEdge[1];
            ScheduledFuture<?> expiry =
                    scheduler.schedule(() -> pendingEdgeExpired(s, self[0]), grace, TimeUnit.MILLISECONDS);
            self[0] = new PendingEdge(value.sourceTime(), at, expiry);
            s.pendingEdges.addLast(self[0]);
            LOG.debug(
                    "PLC station {}: rising edge at {} has no new part id yet (part {} is already paired); waiting up "
                            + "to {} ms for it",
                    s.station,
                    stamp,
                    edge.partId(),
                    grace);
            return;
        }
        serveEdge(s, edge, at, value.sourceTime());
    }

    /** How long an edge waits for its own part id: half the cycle budget, so that the part may still be served. */
    long pairingGraceMs() {
        return Math.max(1, props.cycleBudgetMs() / 2);
    }

    /** An edge that got no part id of its own in time: a trigger the hub missed, recorded under no part's id. */
    private void pendingEdgeExpired(StationMapping s, PendingEdge p) {
        synchronized (s.order) {
            if (p == null || !s.pendingEdges.remove(p)) {
                return; // paired meanwhile
            }
            triggerNotServed(
                    s,
                    "",
                    "the hub saw a rising trigger edge but no new part id for it within "
                            + pairingGraceMs()
                            + " ms (its part id notification was lost, or the PLC raised the trigger again "
                            + "for the part it already had); it is never served under the previous part's id");
        }
    }

    /** Opens the part cycle of a paired edge and hands its trigger on; never a second cycle for the same part. */
    private void serveEdge(StationMapping s, Edge edge, Instant at, Instant edgeSourceTime) {
        for (String skipped : edge.missedBefore()) {
            if (s.cycle(skipped) != null) {
                continue; // a part the hub already has (e.g. the hub's own write of the part id node echoed back)
            }
            triggerNotServed(
                    s,
                    skipped,
                    "the PLC showed this part id but the hub saw no rising trigger edge for it "
                            + "(a pulse shorter than the PLC server's sampling, or two pulses merged)");
        }
        if (edge.unreadable() != null) {
            // no id to inspect and answer under: the trigger is taken (the PLC's handshake goes on) and recorded as
            // not served; the PLC's own timeout rejects the part
            if (Boolean.TRUE.equals(s.lastTrigger)) {
                acknowledgeTrigger(s, true);
            }
            triggerNotServed(s, "", "the PLC's part id is not readable as one: " + edge.unreadable());
            return;
        }
        String part = edge.partId();
        PartCycle existing = part.isBlank() ? null : s.cycle(part);
        // recent only: PLCs that number carriers or wrap a counter show the same id again, laps later
        if (existing != null && existing.startedAt.isAfter(at.minusMillis(2 * props.cycleBudgetMs()))) {
            s.duplicates.increment();
            LOG.warn(
                    "PLC station {}: a second rising trigger edge for part {}, which already has its cycle (started {}): "
                            + "not served twice ({} such edges so far); check the PLC's part tracking if this repeats",
                    s.station,
                    part,
                    existing.startedAt,
                    (long) s.duplicates.count());
            return;
        }
        s.triggers.increment();
        long budget = props.cycleBudgetMs();
        PartCycle cycle = s.open(part, at, budget, true);
        cycle.edgeSourceTime = edgeSourceTime;
        // the PLC may move on (and change the part id) once it sees the acknowledge: the part id is taken already;
        // an edge that waited for its part id may have fallen meanwhile, and then is not acknowledged after its fall
        if (Boolean.TRUE.equals(s.lastTrigger)) {
            acknowledgeTrigger(s, true);
        }
        PartTrigger trigger = new PartTrigger(s.station, part, cycle.seq, at, cycle.deadline);
        if (!down) {
            // handed to the clears thread from here (it never waits): the clear goes out without waiting for the
            // hand-over to the route's thread; not waited for here, the result's write waits for it
            startClear(s);
        }
        triggerWork.execute(() -> {
            try {
                Consumer<PartTrigger> listener = stationListeners.getOrDefault(s.station, triggerListener);
                if (listener == null) {
                    s.unrouted.increment();
                    LOG.warn(
                            "PLC trigger at station {} part {}: no plc:{} route takes the station's triggers; the "
                                    + "fail-safe applies at the part's deadline",
                            s.station,
                            part,
                            s.station);
                } else {
                    listener.accept(trigger);
                }
            } catch (RuntimeException e) {
                LOG.error(
                        "PLC trigger at station {} part {}: the capture side failed ({}); the fail-safe will apply",
                        s.station,
                        part,
                        e.getMessage());
            }
        });
    }

    /** Four-phase handshake: set when a trigger is taken, cleared when the PLC lowers it. Never waits. */
    private void acknowledgeTrigger(StationMapping s, boolean value) {
        if (s.triggerAck && !closed) {
            transport.writeTriggerAck(s.station, value);
        }
    }

    /**
     * The changes of each known station (only triggered stations when asked), each station's in PLC time order when
     * every change has a source time; stable, so values of one instant keep the server's order (part id before
     * trigger).
     */
    private Map<StationMapping, List<PlcSample>> byStationInOrder(List<PlcSample> changes, boolean triggeredOnly) {
        Map<StationMapping, List<PlcSample>> byStation = new LinkedHashMap<>();
        for (PlcSample c : changes) {
            StationMapping s = stations.get(c.station());
            if (s != null && (s.trigger || !triggeredOnly)) {
                byStation.computeIfAbsent(s, k -> new ArrayList<>()).add(c);
            }
        }
        for (List<PlcSample> ordered : byStation.values()) {
            if (ordered.stream().allMatch(c -> c.sourceTime() != null)) {
                ordered.sort((a, b) -> Stamp.of(a).compareTo(Stamp.of(b)));
            }
        }
        return byStation;
    }

    /**
     * Value changes the PLC queued for a watch that is no longer the live one (an OPC UA subscription kept through an
     * outage): they continue what the hub knew when it lost the watch ({@link OutageStream}). Each rising trigger edge
     * among them is a trigger the hub missed: recorded under the part id of its moment, once per part, and nothing is
     * written to the PLC for it (no acknowledge, no result: the PLC's own timeout rejects the part).
     */
    void outageChanged(List<PlcSample> changes) {
        for (Map.Entry<StationMapping, List<PlcSample>> e :
                byStationInOrder(changes, true).entrySet()) {
            StationMapping s = e.getKey();
            List<PlcSample> ordered = e.getValue();
            synchronized (s.order) {
                OutageStream o = s.outage;
                if (o.lostAt == null) {
                    o.begin(s, Instant.now(), false);
                }
                for (PlcSample c : ordered) {
                    switch (c.signal()) {
                        case PART_ID -> o.partId(c);
                        case TRIGGER -> {
                            for (String[] missed : o.trigger(c, props.triggerQueueSize())) {
                                if (!alreadyAccounted(s, missed[0])) {
                                    triggerNotServed(s, missed[0], missed[1]);
                                }
                            }
                        }
                        default -> {
                            // an ack of the outage is of no use now
                        }
                    }
                }
            }
        }
    }

    /**
     * Whether a part already has its outcome from around the last loss of the watch (its trigger seen before the
     * outage, or recorded as missed): a trigger of it seen again then is not recorded a second time. Recent cycles
     * only (from two budgets before the loss): PLCs that number carriers show the same id again, laps later.
     */
    private boolean alreadyAccounted(StationMapping s, String part) {
        if (part == null || part.isBlank()) {
            return false;
        }
        PartCycle c = s.cycle(part);
        if (c == null) {
            return false;
        }
        Instant since = s.outage.lostAt != null ? s.outage.lostAt : Instant.now();
        boolean recent = c.startedAt.isAfter(since.minusMillis(2 * props.cycleBudgetMs()));
        if (recent) {
            LOG.debug(
                    "PLC station {}: trigger of part {} seen again after the watch was lost; the part already has its "
                            + "outcome (cycle started {}), not recorded twice",
                    s.station,
                    part,
                    c.startedAt);
        }
        return recent;
    }

    /** A trigger the hub could not serve: counted, logged with station and part, recorded as the part's fail-safe. */
    private void triggerNotServed(StationMapping s, String part, String why) {
        s.triggersMissed.increment();
        LOG.warn(
                "PLC trigger at station {} part {} not served: {}; fail-safe {} recorded for it ({} missed triggers "
                        + "so far)",
                s.station,
                part.isEmpty() ? "(unknown)" : part,
                why,
                props.failSafe(),
                (long) s.triggersMissed.count());
        Instant now = Instant.now();
        PartCycle cycle = s.open(part, now, 0, false);
        if (cycle.claim()) {
            record(s, cycle, null, PlcFailSafe.Reason.TRIGGER_NOT_SERVED);
            s.missed.increment();
            s.failSafeCounter(PlcFailSafe.Reason.TRIGGER_NOT_SERVED).increment();
        }
    }

    private void onAck(StationMapping s, PlcSample value) {
        boolean acked = Boolean.TRUE.equals(value.value());
        if (acked) {
            startClear(s);
        }
    }

    /** Sends the clear of result-ready on the clears thread; the station's next write waits for it (awaitClear). */
    private void startClear(StationMapping s) {
        if (!s.resultReady) {
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        s.clearing = done;
        try {
            clears.execute(() -> {
                try {
                    clearResultReady(s);
                } finally {
                    done.complete(null);
                }
            });
        } catch (RejectedExecutionException e) {
            done.complete(null); // closed
        }
    }

    /**
     * Waits (at most until the deadline) for the station's last clear of result-ready to be answered, so that it
     * never lands after the result's write; not while holding the station's lock (the clear takes it).
     */
    private void awaitClear(StationMapping s, long deadlineNanos) {
        CompletableFuture<Void> clearing = s.clearing;
        if (clearing.isDone() || Thread.holdsLock(s)) {
            return;
        }
        try {
            clearing.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the write goes on: it fails or succeeds on its own; the clear's failure was logged
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Clears result-ready and waits for the PLC to confirm, under the station's lock: a clear must never land after
     * the next result's write.
     */
    private void clearResultReady(StationMapping s) {
        if (!s.resultReady) {
            return;
        }
        synchronized (s) {
            try {
                transport.clearResultReady(s.station, Math.max(100, props.cycleBudgetMs()));
            } catch (Exception e) {
                LOG.warn("PLC station {}: clearing result-ready failed ({})", s.station, e.getMessage());
            }
        }
    }

    /** The deadline of a triggered part passed without a claimed result. */
    private void deadlinePassed(StationMapping s, PartCycle cycle) {
        if (cycle.claim()) {
            failSafe(
                    s,
                    cycle,
                    null,
                    down ? PlcFailSafe.Reason.PLC_DOWN : PlcFailSafe.Reason.DEADLINE_PASSED,
                    down ? "PLC down: " + downBecause : "no inspection result came in time");
        }
    }

    /**
     * The part's one outcome is the fail-safe: counted, logged, recorded; the reject is written to the PLC only while
     * it answers and no newer part's result was written since, and only once the record is durable (rule 1).
     */
    private void failSafe(
            StationMapping s, PartCycle cycle, String inspectionId, PlcFailSafe.Reason reason, String why) {
        cycle.done();
        s.missed.increment();
        s.failSafeCounter(reason).increment();
        if (reason != PlcFailSafe.Reason.PLC_DOWN || s.shouldLog()) {
            LOG.warn(
                    "PLC result for station {} part {}{} not delivered within its cycle ({} ms budget): {}; fail-safe {} "
                            + "recorded ({}; {} so far)",
                    s.station,
                    cycle.partId,
                    inspectionId == null ? "" : " (inspection " + inspectionId + ")",
                    props.cycleBudgetMs(),
                    why,
                    props.failSafe(),
                    reason,
                    (long) s.missed.count());
        }
        CompletableFuture<?> recorded = record(s, cycle, inspectionId, reason);
        // the reject is of use to the PLC only around the part's deadline; long after it (a delayed timer, a PLC
        // just back) it would only overwrite what the PLC shows for a newer part
        boolean fresh = System.nanoTime() - cycle.deadlineNanos <= TimeUnit.MILLISECONDS.toNanos(props.cycleBudgetMs());
        if (props.failSafe() != PlcProperties.FailSafe.REJECT
                || !s.reject
                || down
                || !fresh
                || reason == PlcFailSafe.Reason.SUPERSEDED) {
            return; // while down this path never waits, not even for the station's lock
        }
        long bound = Math.max(100, props.cycleBudgetMs());
        try {
            recorded.get(bound, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn(
                    "PLC fail-safe of station {} part {}: the ledger did not confirm its record within {} ms ({}); "
                            + "rejecting the part anyway",
                    s.station,
                    cycle.partId,
                    bound,
                    e.getMessage());
        }
        awaitClear(s, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(bound));
        synchronized (s) {
            if (cycle.seq <= s.lastWrittenSeq) {
                return; // a newer part's result is on the PLC: leave it
            }
            WriteProblem problem = transport.writeResult(
                    s.station,
                    cycle.partId,
                    props.resultCodeFailSafe(),
                    true,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(bound));
            if (problem == null) {
                s.lastWrittenSeq = cycle.seq;
                return;
            }
            if (problem.noAnswer()) {
                markDown(problem.text());
            }
            if (s.shouldLog()) {
                LOG.error(
                        "PLC fail-safe reject for station {} part {} could not be written either ({}); the PLC's own "
                                + "timeout must reject the part",
                        s.station,
                        cycle.partId,
                        problem.text());
            }
        }
    }

    private CompletableFuture<?> record(
            StationMapping s, PartCycle cycle, String inspectionId, PlcFailSafe.Reason reason) {
        try {
            return recorder.record(new PlcFailSafe(
                    s.station,
                    cycle.partId,
                    inspectionId,
                    reason,
                    props.failSafe(),
                    props.resultCodeFailSafe(),
                    cycle.startedAt,
                    cycle.deadline,
                    Instant.now()));
        } catch (RuntimeException e) {
            LOG.error("PLC fail-safe of station {} part {} not recorded: {}", s.station, cycle.partId, e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
    }

    private static void sleepUpTo(long deadlineNanos, long ms) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0 || ms <= 0) {
            return;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(ms)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One part at one station, from its trigger (or result) to its one outcome. */
    final class PartCycle {
        private static final int PENDING = 0;
        private static final int CLAIMED = 1;
        private static final int DONE = 2;

        final String partId;
        final long seq;
        final Instant startedAt;
        final Instant deadline;
        final long deadlineNanos;
        private final AtomicReference<Integer> state = new AtomicReference<>(PENDING);
        private volatile ScheduledFuture<?> timer;
        /** The PLC's source time of the rising edge this cycle was opened for (null: none, or not stamped). */
        volatile Instant edgeSourceTime;

        PartCycle(String partId, long seq, Instant startedAt, long budgetMs) {
            this.partId = partId;
            this.seq = seq;
            this.startedAt = startedAt;
            this.deadline = startedAt.plusMillis(budgetMs);
            long left = Duration.between(Instant.now(), deadline).toNanos();
            this.deadlineNanos = System.nanoTime() + left;
        }

        /** The one caller that decides this part's outcome gets true. */
        boolean claim() {
            return state.compareAndSet(PENDING, CLAIMED);
        }

        void done() {
            state.set(DONE);
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    /** What the address map gives a station, its part cycles and meters. */
    final class StationMapping {
        final String station;
        final boolean trigger;
        final boolean reject;
        final boolean resultReady;
        final boolean triggerAck;
        final Counter triggers;
        final Counter confirmed;
        final Counter failed;
        final Counter missed;
        final Counter triggersMissed;
        final Counter late;
        final Counter unrouted;
        final Map<PlcFailSafe.Reason, Counter> failSafes = new EnumMap<>(PlcFailSafe.Reason.class);
        final Timer latency;
        volatile Boolean lastTrigger;
        /** The last clear of result-ready sent (done once the PLC answered or it failed). */
        volatile CompletableFuture<Void> clearing = CompletableFuture.completedFuture(null);
        /** Held while one data change of this station is handled: they are handled one at a time, in order. */
        final Object order = new Object();
        /** Timestamps of the last trigger and part id values handled; guarded by order. */
        Stamp lastTriggerStamp;

        Stamp lastPartIdStamp;
        /** Rising edges waiting for their own part id, oldest first; guarded by order. */
        final Deque<PendingEdge> pendingEdges = new ArrayDeque<>();
        /** The station's signals as the PLC queued them for a watch that is no longer live; guarded by order. */
        final OutageStream outage = new OutageStream();

        final Counter duplicates;
        /** Order of part cycles at this station; guarded by the station's lock with lastWrittenSeq. */
        private final AtomicLong nextSeq = new AtomicLong();
        /** Sequence of the last part whose result (or fail-safe) was written; older ones are never written after it. */
        long lastWrittenSeq = -1;
        /** The latest part cycle per part id, oldest dropped beyond CYCLES_KEPT. */
        private final Map<String, PartCycle> cycles = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PartCycle> eldest) {
                return size() > CYCLES_KEPT;
            }
        };
        /** Recent part id values with their source time, to pair a trigger edge with the part id of its moment. */
        final Deque<TimedValue> partIds = new ArrayDeque<>();
        /** Number given to the next part id value seen; guarded by partIds. */
        private long nextPartIdNo;
        /**
         * Number of the newest part id value that is accounted for: paired with a trigger edge, reported missed, or
         * already current when the hub subscribed; -1 until the first value after a (re)subscription. Guarded by partIds.
         */
        private long accountedPartIdNo = -1;
        /** Number of the newest part id value paired with a rising edge; -1 when none. Guarded by partIds. */
        private long pairedPartIdNo = -1;
        /** Number of the part id value current when the hub (re)subscribed; -1 until it is seen. Guarded by partIds. */
        private long firstPartIdNo = -1;

        private long lastLogNanos;

        StationMapping(String station, PlcTransport transport, MeterRegistry meters) {
            this.station = station;
            this.trigger = transport.maps(station, Signal.TRIGGER);
            this.reject = transport.maps(station, Signal.REJECT);
            this.resultReady = transport.maps(station, Signal.RESULT_READY);
            this.triggerAck = transport.maps(station, Signal.TRIGGER_ACK);
            if (!transport.maps(station, Signal.RESULT_CODE) && !reject) {
                throw new IllegalArgumentException("visionhub.plc.stations." + station
                        + " maps neither result-code nor " + "reject: the hub would have nothing to write");
            }
            this.triggers = Counter.builder("visionhub.plc.triggers")
                    .tag("station", station)
                    .register(meters);
            this.confirmed = Counter.builder("visionhub.plc.writes")
                    .tag("station", station)
                    .tag("outcome", "confirmed")
                    .register(meters);
            this.failed = Counter.builder("visionhub.plc.writes")
                    .tag("station", station)
                    .tag("outcome", "failed")
                    .register(meters);
            this.missed = Counter.builder("visionhub.plc.deadline.missed")
                    .tag("station", station)
                    .description("parts that got the fail-safe instead of their result")
                    .register(meters);
            this.triggersMissed = Counter.builder("visionhub.plc.triggers.missed")
                    .tag("station", station)
                    .description("PLC triggers the hub could not serve (lost, raised while it was not watching)")
                    .register(meters);
            this.duplicates = Counter.builder("visionhub.plc.triggers.duplicate")
                    .tag("station", station)
                    .description("rising edges for a part that already had its cycle; not served twice")
                    .register(meters);
            this.unrouted = Counter.builder("visionhub.plc.triggers.unrouted")
                    .tag("station", station)
                    .description("triggers no plc:<station> consumer took")
                    .register(meters);
            this.late = Counter.builder("visionhub.plc.results.late")
                    .tag("station", station)
                    .description("results that came after their part had failed safe; not written")
                    .register(meters);
            for (PlcFailSafe.Reason r : PlcFailSafe.Reason.values()) {
                failSafes.put(
                        r,
                        Counter.builder("visionhub.plc.failsafe")
                                .tag("station", station)
                                .tag("reason", r.name().toLowerCase(Locale.ROOT))
                                .register(meters));
            }
            this.latency = Timer.builder("visionhub.plc.write.latency")
                    .tag("station", station)
                    .register(meters);
        }

        Counter failSafeCounter(PlcFailSafe.Reason r) {
            return failSafes.get(r);
        }

        /** At most one warning a second per station, so a PLC that is down does not flood the log. */
        synchronized boolean shouldLog() {
            long now = System.nanoTime();
            if (lastLogNanos != 0 && now - lastLogNanos < TimeUnit.SECONDS.toNanos(1)) {
                return false;
            }
            lastLogNanos = now;
            return true;
        }

        /** Opens the next part cycle; a triggered one fails safe by itself at its deadline. */
        PartCycle open(String part, Instant from, long budgetMs, boolean timed) {
            PartCycle c = new PartCycle(part, nextSeq.getAndIncrement(), from, budgetMs);
            PartCycle earlier;
            synchronized (cycles) {
                earlier = cycles.put(part, c);
            }
            if (timed) {
                long left = Math.max(0, c.deadlineNanos - System.nanoTime());
                c.timer = scheduler.schedule(() -> deadlinePassed(this, c), left, TimeUnit.NANOSECONDS);
                if (earlier != null && earlier.claim()) {
                    // the same part triggered again before its result: the earlier trigger ends here, on record
                    failSafe(
                            this,
                            earlier,
                            null,
                            PlcFailSafe.Reason.TRIGGER_NOT_SERVED,
                            "the PLC raised the trigger for the same part again before its result");
                }
            }
            return c;
        }

        PartCycle cycle(String part) {
            synchronized (cycles) {
                return cycles.get(part);
            }
        }

        void partIdChanged(PlcSample v) {
            Object value = v.value();
            synchronized (partIds) {
                long no = nextPartIdNo++;
                if (accountedPartIdNo < 0) {
                    accountedPartIdNo = no; // current when the hub (re)subscribed: served before, or caught as held
                    firstPartIdNo = no;
                }
                partIds.addLast(
                        value instanceof PlcTransport.Unreadable u
                                ? new TimedValue(v.sourceTime(), "", no, u.why())
                                : new TimedValue(v.sourceTime(), value == null ? "" : value.toString(), no, null));
                while (partIds.size() > Math.max(2, props.triggerQueueSize())) {
                    partIds.removeFirst();
                }
            }
        }

        /**
         * The part id current at the trigger's source time: the newest value stamped at or before it (the PLC sets
         * the part id before raising the trigger); the newest value when the PLC stamps no source times.
         */
        String partIdAt(Instant triggerTime) {
            TimedValue tv = timedPartIdAt(triggerTime);
            return tv == null ? "" : tv.value();
        }

        private TimedValue timedPartIdAt(Instant triggerTime) {
            synchronized (partIds) {
                if (partIds.isEmpty()) {
                    return null;
                }
                Instant at = triggerTime;
                if (at != null && partIds.peekLast().at() != null) {
                    var it = partIds.descendingIterator();
                    while (it.hasNext()) {
                        TimedValue tv = it.next();
                        if (tv.at() != null && !tv.at().isAfter(at)) {
                            return tv;
                        }
                    }
                }
                return partIds.peekLast();
            }
        }

        /**
         * Pairs a rising edge with the part id of its moment and returns it, with the part ids the PLC showed since
         * the last paired one that never got a rising edge of their own: their pulse fell between two samples of the
         * PLC's server (or its fall did, so two pulses merged), and each is a trigger the hub missed.
         */
        Edge pairEdge(Instant triggerTime) {
            synchronized (partIds) {
                TimedValue paired = timedPartIdAt(triggerTime);
                if (paired == null) {
                    return new Edge("", List.of(), false, null);
                }
                if (paired.no() <= pairedPartIdNo || paired.no() < accountedPartIdNo || hadItsEdge(paired)) {
                    // already paired with an edge, or already counted missed: never a second edge's part id
                    return new Edge(paired.value(), List.of(), true, null);
                }
                List<String> skipped = new ArrayList<>();
                for (TimedValue tv : partIds) {
                    if (tv.no() > accountedPartIdNo
                            && tv.no() < paired.no()
                            && !tv.value().isBlank()
                            && !tv.value().equals(paired.value())
                            && !skipped.contains(tv.value())) {
                        skipped.add(tv.value());
                    }
                }
                accountedPartIdNo = Math.max(accountedPartIdNo, paired.no());
                pairedPartIdNo = paired.no();
                return new Edge(paired.value(), skipped, false, paired.unreadable());
            }
        }

        /**
         * Whether the part id value current when the hub (re)subscribed already had its rising edge before the watch
         * was lost: the hub has that part's cycle from an edge the PLC stamped at or after the value (same clock, the
         * PLC's); without source times, a cycle from around the loss ({@link #alreadyAccounted}). Its part's next
         * edge, laps later, comes after a newer value of the same id and is served. Called under partIds and order.
         */
        private boolean hadItsEdge(TimedValue tv) {
            if (tv.no() != firstPartIdNo || tv.value().isBlank()) {
                return false;
            }
            PartCycle c = cycle(tv.value());
            if (c == null) {
                return false;
            }
            if (c.edgeSourceTime != null && tv.at() != null) {
                return !c.edgeSourceTime.isBefore(tv.at());
            }
            return alreadyAccounted(this, tv.value());
        }

        /** After a (re)subscription: the first part id value seen is the one then current. */
        void resetPartIds() {
            synchronized (order) {
                lastTriggerStamp = null;
                lastPartIdStamp = null;
                pendingEdges.forEach(p -> p.expiry().cancel(false));
                pendingEdges.clear();
                synchronized (partIds) {
                    partIds.clear();
                    accountedPartIdNo = -1;
                    pairedPartIdNo = -1;
                    firstPartIdNo = -1;
                }
            }
        }
    }

    /**
     * What a station's PLC queued for a watch that is no longer the live one, continuing from what the hub knew when
     * it lost that watch: the trigger level, the last stamps handled and the recent part id values. The hub's own
     * state is reset for the new watch; this one follows the old watch's late notifications, so each of their rising
     * edges is paired with the part id of its moment (never one already accounted for) and recorded as missed.
     * Guarded by the station's order lock.
     */
    static final class OutageStream {
        /** When the watch was lost (or left); null before the first. */
        Instant lostAt;
        /** True from the loss of the connection until the hub watches anew (the loss's state is kept until then). */
        private boolean sinceLoss;

        private Boolean trigger;
        private Stamp triggerStamp;
        private Stamp partIdStamp;
        private final Deque<TimedValue> partIds = new ArrayDeque<>();
        private long nextNo;
        /** Number of the newest part id value accounted for (known to the hub before the loss, or paired). */
        private long accountedNo = -1;

        /**
         * Takes the station's state as the start of the old watch's stream: at the loss of the connection
         * (lost = true), or when the hub watches anew without a loss seen first; a loss's state is kept until then.
         */
        void begin(StationMapping s, Instant at, boolean lost) {
            if (!lost && sinceLoss) {
                return; // the loss's state stays (attempts to watch anew after it reset only the hub's own)
            }
            sinceLoss = lost;
            lostAt = at;
            trigger = s.lastTrigger;
            triggerStamp = s.lastTriggerStamp;
            partIdStamp = s.lastPartIdStamp;
            partIds.clear();
            synchronized (s.partIds) {
                for (TimedValue tv : s.partIds) {
                    partIds.addLast(new TimedValue(tv.at(), tv.value(), nextNo++, tv.unreadable()));
                }
            }
            accountedNo = nextNo - 1;
        }

        /** The hub watches anew after the loss: the next watch left without a loss starts from the hub's state then. */
        void watching() {
            sinceLoss = false;
        }

        void partId(PlcSample v) {
            Stamp stamp = Stamp.of(v);
            if (!stamp.isNewerThan(partIdStamp)) {
                return; // republished or overtaken
            }
            partIdStamp = stamp;
            Object value = v.value();
            partIds.addLast(
                    value instanceof PlcTransport.Unreadable u
                            ? new TimedValue(v.sourceTime(), "", nextNo++, u.why())
                            : new TimedValue(v.sourceTime(), value == null ? "" : value.toString(), nextNo++, null));
            while (partIds.size() > 1024) {
                partIds.removeFirst();
            }
        }

        /**
         * A trigger value of the old watch; returns the triggers it shows the hub missed, as {part id, why}: for a
         * rising edge the part ids shown since the last accounted one without an edge of their own, then the edge's.
         */
        List<String[]> trigger(PlcSample v, int queueSize) {
            Stamp stamp = Stamp.of(v);
            if (!stamp.isNewerThan(triggerStamp)) {
                return List.of(); // republished or overtaken
            }
            Boolean previous = trigger;
            triggerStamp = stamp;
            List<String[]> missed = new ArrayList<>();
            if (v.overflow()) {
                missed.add(new String[] {
                    "",
                    "the PLC's queue of trigger changes overflowed while the hub was cut off (more than " + queueSize
                            + "): triggers of the outage were lost"
                });
            }
            boolean raised = Boolean.TRUE.equals(v.value());
            trigger = raised;
            boolean edge = raised && (!Boolean.TRUE.equals(previous) || (stamp.known() && v.good()));
            if (!edge) {
                return missed;
            }
            TimedValue paired = at(v.sourceTime());
            String why = "the PLC raised it while the hub was cut off (a change the PLC queued and delivered after the "
                    + "reconnect: its cycle is over, nothing is written for it; the PLC's own timeout rejects the part)";
            if (paired == null) {
                missed.add(new String[] {"", why});
                return missed;
            }
            List<String> skipped = new ArrayList<>();
            for (TimedValue tv : partIds) {
                if (tv.no() > accountedNo
                        && tv.no() < paired.no()
                        && !tv.value().isBlank()
                        && !tv.value().equals(paired.value())
                        && !skipped.contains(tv.value())) {
                    skipped.add(tv.value());
                }
            }
            for (String p : skipped) {
                missed.add(new String[] {
                    p, "the PLC showed this part id while the hub was cut off, with no rising trigger edge of its own"
                });
            }
            accountedNo = Math.max(accountedNo, paired.no());
            missed.add(new String[] {
                paired.value(),
                paired.unreadable() != null ? why + "; its part id is not readable as one: " + paired.unreadable() : why
            });
            return missed;
        }

        /** The part id value current at the trigger's source time (the newest when the PLC stamps none). */
        private TimedValue at(Instant t) {
            if (partIds.isEmpty()) {
                return null;
            }
            if (t != null && partIds.peekLast().at() != null) {
                var it = partIds.descendingIterator();
                while (it.hasNext()) {
                    TimedValue tv = it.next();
                    if (tv.at() != null && !tv.at().isAfter(t)) {
                        return tv;
                    }
                }
            }
            return partIds.peekLast();
        }
    }

    /** A part id value; unreadable: why the PLC's value is no part id (null when it is one). */
    record TimedValue(Instant at, String value, long no, String unreadable) {}

    /**
     * A rising edge's part id, and the part ids shown before it that never got an edge (missed triggers); alreadyPaired:
     * the part id of the edge's moment already had its edge (or was counted missed), so it is not this edge's;
     * unreadable: why the PLC's part id of the edge's moment is no part id (null when it is one).
     */
    record Edge(String partId, List<String> missedBefore, boolean alreadyPaired, String unreadable) {}

    /** A rising edge waiting for its own part id: the PLC's time of the edge, when the hub saw it, its expiry. */
    record PendingEdge(Instant sourceTime, Instant at, ScheduledFuture<?> expiry) {}

    /**
     * When the PLC's server says a value changed: its source time (null when the PLC stamps none), then its server
     * time; a notification that is not newer than the last one of its node is a repeat or was overtaken.
     */
    record Stamp(Instant source, Instant server) implements Comparable<Stamp> {
        static Stamp of(PlcSample v) {
            return new Stamp(v.sourceTime(), v.serverTime());
        }

        boolean known() {
            return source != null || server != null;
        }

        /** Newer than last (true when there is no last, or nothing to compare: then arrival order decides). */
        boolean isNewerThan(Stamp last) {
            if (last == null) {
                return true;
            }
            if (source != null && last.source != null && !source.equals(last.source)) {
                return source.isAfter(last.source);
            }
            if (server != null && last.server != null) {
                return server.isAfter(last.server);
            }
            // same source time and no server times to tell them apart: the same notification again
            return source == null || last.source == null;
        }

        private static final Comparator<Stamp> ORDER = Comparator.comparing(
                        Stamp::source, Comparator.nullsFirst(Comparator.<Instant>naturalOrder()))
                .thenComparing(Stamp::server, Comparator.nullsFirst(Comparator.<Instant>naturalOrder()));

        @Override
        public int compareTo(Stamp o) {
            return ORDER.compare(this, o);
        }

        @Override
        public String toString() {
            return "source " + source + ", server " + server;
        }
    }
}
