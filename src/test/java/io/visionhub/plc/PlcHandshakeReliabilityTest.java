package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visionhub.event.InspectionEvent;
import io.visionhub.event.PartTrigger;
import io.visionhub.images.FileImageStore;
import io.visionhub.outputs.mqtt.TestEvents;
import io.visionhub.plc.component.PlcComponent;
import io.visionhub.plc.component.PlcConstants;
import io.visionhub.vision.component.VisionComponent;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.assertj.core.groups.Tuple;
import org.awaitility.core.ConditionTimeoutException;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PLC results you can trust (issue 14): every trigger of a realistic four-phase handshake yields exactly one result
 * under its own part id; a PLC outage writes no stale result after the reconnect and records every part's fail-safe;
 * a dead PLC does not slow inspection below the camera's rate.
 */
class PlcHandshakeReliabilityTest extends PlcHandshakeTestSupport {

    @TempDir
    static Path modelDir;

    @TempDir
    Path imagesDir;

    CamelContext camel;
    final Queue<InspectionEvent> events = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void teach() throws Exception {
        SimulatedPartGenerator gen = new SimulatedPartGenerator(3, 0.0);
        new AnomalyTeacher()
                .teach(
                        LongStream.range(0, 20)
                                .mapToObj(i -> gen.good(i).image())
                                .toList(),
                        AnomalyTeacher.Spec.of("reliability-test", "1"),
                        modelDir);
    }

    @BeforeEach
    void camel() {
        camel = new DefaultCamelContext();
        VisionComponent vision = new VisionComponent();
        vision.setImageStore(new FileImageStore(imagesDir));
        vision.setMeterRegistry(meters);
        camel.addComponent("vision", vision);
    }

    /** Before the handshake closes (JUnit runs a superclass's {@code @AfterEach} after this). */
    @AfterEach
    void stop() {
        camel.stop();
    }

    PlcHandshake start(String endpointUrl, String station, PlcProperties.StationNodes nodes, long budgetMs)
            throws Exception {
        start(
                props(endpointUrl, station, nodes, budgetMs)
                        .withDownProbeMs(200)
                        .withTriggerQueueSize(Integer.getInteger("qtest", 64)),
                null);
        PlcComponent plcComponent = new PlcComponent();
        plcComponent.setHandshakes(PlcHandshakes.of(handshake));
        camel.addComponent("plc", plcComponent);
        return handshake;
    }

    double framesRead(String station) {
        return meters.find("visionhub.vision.frames.read").tag("station", station).functionCounters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    static short code(InspectionEvent e) {
        return (short)
                switch (e.result()) {
                    case OK -> 1;
                    case NG -> 2;
                    default -> 3;
                };
    }

    @Test
    void thousandPartsAt20PerSecondWithTheFourPhaseHandshakeGetExactlyOneResultEachUnderTheirOwnId() throws Exception {
        int parts = Integer.getInteger("visionhub.test.plc-parts", 1000); // fewer for a quick look
        try (PlcSimulator plc = new PlcSimulator(List.of("st1"))) {
            PlcProperties.StationNodes nodes = PlcHandshakeTest.mapping(plc, "st1", "ResultCode")
                    .withAck("")
                    .withTriggerAck(plc.nodeId("st1", "TriggerAck"));
            start(plc.endpointUrl(), "st1", nodes, 1000);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("plc:st1")
                            .routeId("st1")
                            .to("vision:st1?source=sim&model=" + modelDir + "&fps=30&seed=5&defectRate=0.5"
                                    + "&storeImages=false&triggered=true")
                            .process(e -> events.add(e.getIn().getBody(InspectionEvent.class)))
                            .to("plc:st1");
                }
            });
            camel.start();
            await().atMost(30, TimeUnit.SECONDS).until(() -> framesRead("st1") >= 10);
            // the PLC program starts once the hub watches (it has seen the trigger's level) and its write path is
            // warm: on a loaded machine (load 20 on 2 cores, 5 Dec) the first trigger-ack after the connect took over
            // the PLC's 500 ms acknowledge timeout (part T-0000 only, the 999 after it in time): that is the JVM's
            // start-up, not the steady state this test holds the hub to; every one of the 1,000 parts keeps the 500 ms
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> !handshake.isDown() && handshake.triggerSeen("st1") != null);
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> handshake.writeResult(TestEvents.event("st1", "WARM-UP", InspectionEvent.Verdict.OK))
                            == PlcHandshake.Outcome.CONFIRMED);
            failSafes.clear(); // attempts of the warm-up write, if any timed out

            long t0 = System.nanoTime();
            try (PlcPartProgram program = new PlcPartProgram(plc, "st1", "T-", parts, 50, 500)) {
                program.start();
                boolean finished = program.awaitFinished(90);
                double seconds = (System.nanoTime() - t0) / 1e9;
                program.close();
                // every part's outcome is in once its deadline has passed
                boolean settled = awaitQuietly(
                        () -> program.results.size() + failSafesWithoutResult(program) >= program.raised.get());

                Set<String> expected = new HashSet<>();
                for (int i = 0; i < parts; i++) {
                    expected.add(PlcPartProgram.partId("T-", i));
                }
                Map<String, InspectionEvent> byPart = new HashMap<>();
                List<String> twice = new ArrayList<>();
                for (InspectionEvent e : events) {
                    if (byPart.put(e.partId(), e) != null) {
                        twice.add(e.partId());
                    }
                }
                Set<String> failed = failSafes.stream().map(PlcFailSafe::partId).collect(Collectors.toSet());
                System.out.printf(
                        "PLC reliability: %d parts raised in %.1f s (mean handshake %.1f ms), hub triggers %.0f, "
                                + "inspections %d, PLC results %d (distinct part ids %d), fail-safes %d, PLC-side ack "
                                + "timeouts %d, missed triggers %.0f, settled %s%n",
                        program.raised.get(),
                        seconds,
                        program.meanHandshakeMs(),
                        counter("visionhub.plc.triggers", "st1"),
                        events.size(),
                        program.resultOrder.size(),
                        program.results.size(),
                        failSafes.size(),
                        program.plcTimeouts.size(),
                        counter("visionhub.plc.triggers.missed", "st1"),
                        settled);

                assertThat(twice).as("parts inspected twice").isEmpty();
                assertThat(finished)
                        .as("1,000 parts at 20/s handled within 90 s")
                        .isTrue();
                assertThat(program.raised.get()).isEqualTo(parts);
                assertThat(program.plcTimeouts).isEmpty();
                assertThat(counter("visionhub.plc.triggers", "st1")).isEqualTo(parts);
                assertThat(counter("visionhub.plc.triggers.missed", "st1")).isZero();
                assertThat(byPart.keySet()).isSubsetOf(expected);
                // each part: exactly one result on the PLC, under its own id, the one its inspection gave (or, where
                // no inspection came in time, the recorded fail-safe)
                assertThat(program.results.keySet()).isEqualTo(expected);
                Set<String> inDoubt = failSafes.stream()
                        .filter(f -> f.reason() == PlcFailSafe.Reason.WRITE_IN_DOUBT)
                        .map(PlcFailSafe::partId)
                        .collect(Collectors.toSet());
                for (String part : expected) {
                    List<PlcSimulator.Result> got = program.results.get(part);
                    InspectionEvent e = byPart.get(part);
                    if (inDoubt.contains(part)) {
                        // its write was sent and the answer did not come before the deadline (a stall of the loaded
                        // machine): the PLC may hold the result, and the fail-safe reject after it (docs/plc.md)
                        assertThat(got)
                                .as("results written for part %s (in doubt)", part)
                                .isNotEmpty()
                                .hasSizeLessThanOrEqualTo(2);
                        assertThat(got)
                                .as("codes written for part %s (in doubt)", part)
                                .extracting(PlcSimulator.Result::code)
                                .isSubsetOf(e == null ? (short) 9 : code(e), (short) 9);
                        continue;
                    }
                    assertThat(got).as("results written for part %s", part).hasSize(1);
                    if (failed.contains(part)) {
                        assertThat(got.get(0).code()).isEqualTo((short) 9);
                        assertThat(got.get(0).reject()).isEqualTo(true);
                    } else {
                        assertThat(e).as("inspection of part %s", part).isNotNull();
                        assertThat(got.get(0).code())
                                .as("code of part %s", part)
                                .isEqualTo(code(e));
                    }
                }
                // a part gets the fail-safe only when its inspection missed the deadline: a handful at most
                assertThat(failSafes.size()).isLessThanOrEqualTo(parts / 100);
            }
        }
    }

    @Test
    void thousandPartsWithAnOutageInTheMiddleGetOneOutcomeEachAndNoStaleWriteAfterTheReconnect() throws Exception {
        // the test as one run: the four-phase handshake at 20 parts/s for 1,000 parts, the connection to the
        // PLC cut half-way for longer than a part's deadline plus the fail-safe's window, then restored
        int parts = Integer.getInteger("visionhub.test.plc-parts", 1000);
        long budget = 1000;
        long outageMs = 4 * budget;
        try (PlcSimulator plc = new PlcSimulator(List.of("st5"));
                TcpProxy proxy = new TcpProxy(port(plc.endpointUrl()))) {
            PlcProperties.StationNodes nodes = PlcHandshakeTest.mapping(plc, "st5", "ResultCode")
                    .withAck("")
                    .withTriggerAck(plc.nodeId("st5", "TriggerAck"));
            start(proxy.via(plc.endpointUrl()), "st5", nodes, budget);
            Map<String, String> outcomes = new ConcurrentHashMap<>();
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("plc:st5")
                            .routeId("st5")
                            .to("vision:st5?source=sim&model=" + modelDir + "&fps=30&seed=9&defectRate=0.5"
                                    + "&storeImages=false&triggered=true")
                            .process(e -> events.add(e.getIn().getBody(InspectionEvent.class)))
                            .to("plc:st5")
                            .process(e -> outcomes.put(
                                    e.getIn().getBody(InspectionEvent.class).partId(),
                                    e.getIn().getHeader(PlcConstants.OUTCOME, String.class)));
                }
            });
            camel.start();
            await().atMost(30, TimeUnit.SECONDS).until(() -> framesRead("st5") >= 10);
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> !handshake.isDown() && handshake.triggerSeen("st5") != null);
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> handshake.writeResult(TestEvents.event("st5", "WARM-UP", InspectionEvent.Verdict.OK))
                            == PlcHandshake.Outcome.CONFIRMED);
            failSafes.clear();

            try (PlcPartProgram program = new PlcPartProgram(plc, "st5", "U-", parts, 50, 500)) {
                program.start();
                await().atMost(60, TimeUnit.SECONDS).until(() -> program.raised.get() >= parts / 2);
                // the part raised last before the cut may be in flight; every one before it finished its handshake
                int raisedBeforeCut = program.raised.get();
                long cutNanos = System.nanoTime();
                proxy.cut();
                await().atMost(10, TimeUnit.SECONDS).until(handshake::isDown);
                Thread.sleep(outageMs); // the outage itself: no work is waited for here
                int raisedBeforeRestore = program.raised.get();
                long restoreNanos = System.nanoTime();
                proxy.restore();
                boolean finished = program.awaitFinished(120);
                program.close();
                boolean settled = awaitQuietly(() -> outcomes.size() >= events.size()
                        && program.results.size() + failSafesWithoutResult(program) + program.plcTimeouts.size()
                                >= program.raised.get());

                Map<String, InspectionEvent> byPart = new HashMap<>();
                List<String> twice = new ArrayList<>();
                for (InspectionEvent e : events) {
                    if (byPart.put(e.partId(), e) != null) {
                        twice.add(e.partId());
                    }
                }
                Map<String, List<PlcFailSafe>> failByPart =
                        failSafes.stream().collect(Collectors.groupingBy(PlcFailSafe::partId));
                // the first part after the restore that got its result on the PLC: the hub watches again
                int recovered = IntStream.range(raisedBeforeRestore, parts)
                        .filter(i -> "CONFIRMED".equals(outcomes.get(PlcPartProgram.partId("U-", i))))
                        .findFirst()
                        .orElse(-1);
                System.out.printf(
                        "PLC outage in the four-phase run: %d parts raised, cut after part %d for %.1f s, parts "
                                + "raised while cut %d, first result after the restore part %d; inspections %d, PLC "
                                + "results %d (distinct part ids %d), fail-safes %d %s, PLC-side ack timeouts %d %s, "
                                + "settled %s%n",
                        program.raised.get(),
                        raisedBeforeCut - 1,
                        (restoreNanos - cutNanos) / 1e9,
                        raisedBeforeRestore - raisedBeforeCut,
                        recovered,
                        events.size(),
                        program.resultOrder.size(),
                        program.results.size(),
                        failSafes.size(),
                        failSafes.stream().collect(Collectors.groupingBy(PlcFailSafe::reason, Collectors.counting())),
                        program.plcTimeouts.size(),
                        program.plcTimeouts,
                        settled);

                assertThat(finished).as("1,000 parts handled within 120 s").isTrue();
                assertThat(program.raised.get()).isEqualTo(parts);
                assertThat(twice).as("parts inspected twice").isEmpty();
                assertThat(raisedBeforeRestore - raisedBeforeCut)
                        .as("parts raised while the PLC was cut off")
                        .isPositive();
                assertThat(recovered)
                        .as("a part after the restore got its result")
                        .isNotNegative();

                // no stale write: the PLC gets results in part order (the same part again only as the fail-safe
                // reject after its own write went in doubt), none for a part of before the cut once the connection
                // is back, and none after its part's deadline (the fail-safe reject: within one budget more)
                List<PlcSimulator.Result> order = program.resultOrder;
                for (int i = 0; i < order.size(); i++) {
                    PlcSimulator.Result r = order.get(i);
                    int index = index(r.partId());
                    boolean failSafeWrite = Short.valueOf((short) 9).equals(r.code());
                    if (i > 0) {
                        int previous = index(order.get(i - 1).partId());
                        boolean failSafeAfterDoubt = failSafeWrite
                                && previous == index
                                && failByPart.getOrDefault(r.partId(), List.of()).stream()
                                        .anyMatch(f -> f.reason() == PlcFailSafe.Reason.WRITE_IN_DOUBT);
                        assertThat(index > previous || failSafeAfterDoubt)
                                .as(
                                        "result of part %s after part %s",
                                        r.partId(), order.get(i - 1).partId())
                                .isTrue();
                    }
                    if (r.nanos() > restoreNanos) {
                        assertThat(index)
                                .as("part %s written after the reconnect", r.partId())
                                .isGreaterThanOrEqualTo(raisedBeforeCut);
                    }
                    long age = r.nanos() - program.raisedNanos.get(r.partId());
                    assertThat(age)
                            .as("part %s written %d ms after its trigger", r.partId(), age / 1_000_000)
                            .isLessThan(TimeUnit.MILLISECONDS.toNanos((failSafeWrite ? 2 : 1) * budget + 500));
                }

                // every part has exactly one outcome: its result confirmed on the PLC under its own id, or its
                // fail-safe on record; a part the hub never saw (raised while it could not watch) only the PLC's own
                // acknowledge timeout, and only between the cut and the first result after the restore
                for (int i = 0; i < parts; i++) {
                    String part = PlcPartProgram.partId("U-", i);
                    List<PlcSimulator.Result> got = program.results.getOrDefault(part, List.of());
                    List<PlcFailSafe> failed = failByPart.getOrDefault(part, List.of());
                    boolean confirmed = "CONFIRMED".equals(outcomes.get(part));
                    boolean unseen = !byPart.containsKey(part) && failed.isEmpty();
                    if (unseen) {
                        assertThat(program.plcTimeouts)
                                .as("part %s the hub never saw", part)
                                .contains(part);
                        assertThat(i)
                                .as("part %s the hub never saw", part)
                                .isBetween(raisedBeforeCut - 1, recovered - 1);
                        assertThat(got)
                                .as("results of part %s the hub never saw", part)
                                .isEmpty();
                        continue;
                    }
                    assertThat(failed.size() + (confirmed ? 1 : 0))
                            .as("outcomes of part %s", part)
                            .isEqualTo(1);
                    List<PlcSimulator.Result> results = got.stream()
                            .filter(r -> !Short.valueOf((short) 9).equals(r.code()))
                            .toList();
                    if (confirmed) {
                        assertThat(results).as("result of part %s", part).hasSize(1);
                        assertThat(results.get(0).code())
                                .as("code of part %s", part)
                                .isEqualTo(code(byPart.get(part)));
                        assertThat(got).hasSize(1);
                    } else {
                        // on the PLC at most its fail-safe reject, or the result whose write went in doubt
                        assertThat(got.size() - results.size())
                                .as("fail-safe writes of part %s", part)
                                .isLessThanOrEqualTo(1);
                        if (!results.isEmpty()) {
                            assertThat(results).hasSize(1);
                            assertThat(failed.get(0).reason())
                                    .as("part %s on the PLC though not confirmed", part)
                                    .isEqualTo(PlcFailSafe.Reason.WRITE_IN_DOUBT);
                        }
                    }
                }
                // the parts the hub saw while it was cut off, or in flight at the cut, are on record as fail-safes
                for (int i = raisedBeforeCut - 1; i < raisedBeforeRestore; i++) {
                    String part = PlcPartProgram.partId("U-", i);
                    assertThat("CONFIRMED".equals(outcomes.get(part)) && i >= raisedBeforeCut)
                            .as("part %s raised while cut confirmed", part)
                            .isFalse();
                }
                // (a PLC-side acknowledge timeout of a part the hub did see is the machine's load: an acknowledge over
                // 500 ms late at load 20 on 2 cores, 5 Dec; that part still has its one outcome, checked above)
                // after the reconnect the hub serves the line again. How many parts fail safe for a late inspection
                // is the machine's load (the camera thread starved at load 20 on 2 cores, 5 Dec: over 100 parts
                // DEADLINE_PASSED); the throughput bound is the run without an outage's, above
                long confirmedAfter = IntStream.range(recovered, parts)
                        .filter(i -> "CONFIRMED".equals(outcomes.get(PlcPartProgram.partId("U-", i))))
                        .count();
                assertThat(confirmedAfter)
                        .as("parts confirmed after the reconnect, of %d", parts - recovered)
                        .isGreaterThanOrEqualTo((parts - recovered) / 2);
            }
        }
    }

    private static int index(String partId) {
        return Integer.parseInt(partId.substring(partId.indexOf('-') + 1));
    }

    @Test
    void triggerPulsesAt10HzWithoutTriggerAckEachGetTheirOwnPartIdAndNoneIsLost() throws Exception {
        // the PLC: a new PartId, then a short trigger pulse, 100 times at 10 Hz; no acknowledge to wait for
        int parts = 100;
        try (PlcSimulator plc = new PlcSimulator(List.of("st3"))) {
            List<PartTrigger> seen = new CopyOnWriteArrayList<>();
            PlcProperties props = PlcProperties.defaults()
                    .withEndpointUrl(plc.endpointUrl())
                    .withCycleBudgetMs(5000)
                    .withStations(Map.of("st3", PlcHandshakeTest.mapping(plc, "st3", "ResultCode")));
            newHandshake(props, seen::add);
            double loadBefore = loadPerCore();
            handshake.start();
            Thread pulses = new Thread(
                    () -> {
                        try {
                            long t0 = System.nanoTime();
                            for (int i = 0; i < parts; i++) {
                                long due = t0 + TimeUnit.MILLISECONDS.toNanos(100L * i);
                                TimeUnit.NANOSECONDS.sleep(Math.max(0, due - System.nanoTime()));
                                plc.set("st3", "PartId", new Variant(PlcPartProgram.partId("P-", i)));
                                plc.set("st3", "Trigger", new Variant(true));
                                Thread.sleep(30); // the PLC's pulse: three of the hub's 10 ms samples
                                plc.set("st3", "Trigger", new Variant(false));
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "plc-pulses");
            pulses.start();
            pulses.join(60_000);
            // a last part whose trigger the PLC holds until the hub has it: its edge settles the accounts of the
            // pulses before it (a pulse the PLC's server never sampled shows only as a part id without an edge).
            // It rises once the hub has seen the trigger low, or it would merge with the last pulse (no edge at all)
            await().atMost(30, TimeUnit.SECONDS).until(() -> Boolean.FALSE.equals(handshake.triggerSeen("st3")));
            plc.set("st3", "PartId", new Variant("P-END"));
            plc.set("st3", "Trigger", new Variant(true));
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> seen.stream().anyMatch(t -> t.partId().equals("P-END")));
            plc.set("st3", "Trigger", new Variant(false));
            double loadAfter = loadPerCore();

            List<String> ids = seen.stream()
                    .map(PartTrigger::partId)
                    .filter(p -> !p.equals("P-END"))
                    .toList();
            // (every triggered part also fails safe at its deadline, DEADLINE_PASSED: nothing inspects it here)
            List<String> missed = failSafes.stream()
                    .filter(f -> f.reason() == PlcFailSafe.Reason.TRIGGER_NOT_SERVED)
                    .map(PlcFailSafe::partId)
                    .toList();
            System.out.printf(
                    "PLC pulses: %d raised at 10 Hz, hub triggers %d, distinct part ids %d, missed %.0f %s "
                            + "(load per core %.1f before, %.1f after)%n",
                    parts,
                    ids.size(),
                    ids.stream().distinct().count(),
                    counter("visionhub.plc.triggers.missed", "st3"),
                    missed,
                    loadBefore,
                    loadAfter);
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < parts; i++) {
                expected.add(PlcPartProgram.partId("P-", i));
            }
            // each pulse is either a trigger under its own part id, in order, or a missed trigger on record for that
            // part id: never lost unseen, never under another part's id, never both
            assertThat(expected).containsSubsequence(ids);
            assertThat(ids)
                    .doesNotHaveDuplicates()
                    .filteredOn(missed::contains)
                    .as("seen and counted missed")
                    .isEmpty();
            // a record without a part id is the hub's answer to notifications Milo reports lost (a publish sequence
            // gap, seen at load 8-9 per core on 5 Dec): a trigger may have been in them, so one is recorded missed,
            // part
            // unknown. Each such record may stand for one pulse that is neither seen nor on record by its id; without
            // one, every pulse is accounted for by its id, as before
            List<String> unknownMissed = missed.stream().filter(String::isEmpty).toList();
            List<String> accounted = new ArrayList<>(ids);
            accounted.addAll(missed.stream().filter(p -> !p.isEmpty()).toList());
            assertThat(accounted).doesNotHaveDuplicates();
            assertThat(expected).as("pulses accounted for by their own id").containsAll(accounted);
            List<String> unaccounted = new ArrayList<>(expected);
            unaccounted.removeAll(accounted);
            assertThat(unaccounted)
                    .as("pulses neither seen nor recorded missed by id (at most one per record of lost notifications)")
                    .hasSizeLessThanOrEqualTo(unknownMissed.size());
            assertThat(counter("visionhub.plc.triggers.missed", "st3")).isEqualTo(missed.size());
            assertThat(counter("visionhub.plc.triggers", "st3")).isEqualTo(ids.size() + 1);
            if (loadBefore < 1 && loadAfter < 1) {
                // on a machine with CPU to spare the PLC's server samples every 30 ms pulse: none missed at all
                assertThat(ids).as("pulses seen on a quiet machine").containsExactlyElementsOf(expected);
            }
        }
    }

    @Test
    void resultAfterItsPartFailedSafeIsNotWrittenAndATriggerRaisedBeforeTheHubWatchedIsRecorded() throws Exception {
        try (PlcSimulator plc = new PlcSimulator(List.of("st4"))) {
            // a part waits at the station before the hub subscribes: its time is unknown, it is not inspected
            plc.trigger("st4", "HELD-1");
            PlcProperties.StationNodes nodes =
                    PlcHandshakeTest.mapping(plc, "st4", "ResultCode").withTriggerAck(plc.nodeId("st4", "TriggerAck"));
            List<PartTrigger> triggers = new CopyOnWriteArrayList<>();
            PlcProperties props = PlcProperties.defaults()
                    .withEndpointUrl(plc.endpointUrl())
                    .withCycleBudgetMs(150)
                    .withStations(Map.of("st4", nodes));
            start(props, triggers::add);
            await().atMost(10, TimeUnit.SECONDS).until(() -> Boolean.TRUE.equals(plc.value("st4", "TriggerAck")));
            assertThat(counter("visionhub.plc.triggers.missed", "st4")).isEqualTo(1);
            assertThat(failSafes)
                    .extracting(PlcFailSafe::partId, PlcFailSafe::reason)
                    .containsExactly(Tuple.tuple("HELD-1", PlcFailSafe.Reason.TRIGGER_NOT_SERVED));
            assertThat(triggers).isEmpty();
            plc.set("st4", "Trigger", new Variant(false));
            await().atMost(10, TimeUnit.SECONDS).until(() -> Boolean.FALSE.equals(plc.value("st4", "TriggerAck")));

            // the next part gets no result in time: fail-safe at its deadline; its result, when it comes, is not
            // written
            plc.trigger("st4", "LATE-2");
            await().atMost(10, TimeUnit.SECONDS).until(() -> failSafes.size() == 2);
            await().atMost(5, TimeUnit.SECONDS).until(() -> "LATE-2".equals(plc.value("st4", "ResultPartId")));
            assertThat(plc.value("st4", "ResultCode")).isEqualTo((short) 9);
            assertThat(handshake.writeResult(TestEvents.event("st4", "LATE-2", InspectionEvent.Verdict.OK)))
                    .isEqualTo(PlcHandshake.Outcome.LATE);
            assertThat(plc.value("st4", "ResultCode")).isEqualTo((short) 9);
            assertThat(plc.value("st4", "Reject")).isEqualTo(true);
            assertThat(counter("visionhub.plc.results.late", "st4")).isEqualTo(1);
            assertThat(counter("visionhub.plc.deadline.missed", "st4")).isEqualTo(2);
            plc.set("st4", "Trigger", new Variant(false));
        }
    }

    /** The system's load average per core (how starved the simulated PLC's sampler may be), 0 where unknown. */
    private static double loadPerCore() {
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return Math.max(0, load) / Runtime.getRuntime().availableProcessors();
    }

    private static boolean awaitQuietly(Callable<Boolean> condition) {
        try {
            await().atMost(10, TimeUnit.SECONDS).until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private long failSafesWithoutResult(PlcPartProgram program) {
        return failSafes.stream()
                .filter(f -> !program.results.containsKey(f.partId()))
                .count();
    }

    @Test
    void outageWritesNothingStaleAfterTheReconnectRecordsEveryFailSafeAndKeepsTheCameraRate() throws Exception {
        long budget = 150;
        try (PlcSimulator plc = new PlcSimulator(List.of("st2"));
                TcpProxy proxy = new TcpProxy(port(plc.endpointUrl()))) {
            List<PlcSimulator.Result> written = new CopyOnWriteArrayList<>();
            List<Instant> writtenAt = new CopyOnWriteArrayList<>();
            plc.onResult(r -> {
                written.add(r);
                writtenAt.add(Instant.now());
            });
            // free-running camera, no trigger: each inspection's result goes to the PLC within the budget
            PlcProperties.StationNodes nodes = PlcHandshakeTest.mapping(plc, "st2", "ResultCode")
                    .withTrigger("")
                    .withAck("");
            start(proxy.via(plc.endpointUrl()), "st2", nodes, budget);
            // the hub's own verdict on each inspection's outcome (what the plc: producer does, keeping the answer)
            Map<String, PlcHandshake.Outcome> outcomes = new ConcurrentHashMap<>();
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("vision:st2?source=sim&model=" + modelDir + "&fps=20&seed=7&defectRate=0.3&storeImages=false")
                            .routeId("st2")
                            .process(e -> {
                                InspectionEvent event = e.getIn().getBody(InspectionEvent.class);
                                events.add(event);
                                outcomes.put(event.id(), handshake.writeResult(event));
                            });
                }
            });
            camel.start();
            await().atMost(30, TimeUnit.SECONDS).until(() -> written.size() >= 20);

            proxy.cut();
            Instant cut = Instant.now();
            await().atMost(10, TimeUnit.SECONDS).until(handshake::isDown);
            // a fixed window while the PLC is down: inspections keep the camera's pace
            double frames0 = framesRead("st2");
            int inspected0 = events.size();
            Thread.sleep(3000);
            double frames = framesRead("st2") - frames0;
            int inspected = events.size() - inspected0;
            int writtenDuringOutage = written.size();
            proxy.restore();
            Instant restored = Instant.now();
            await().atMost(60, TimeUnit.SECONDS)
                    .until(() -> !handshake.isDown() && written.size() > writtenDuringOutage + 20);
            camel.getRouteController().stopRoute("st2");
            // untriggered: each outcome is decided within writeResult, so every inspection has one once it returned
            await().atMost(10, TimeUnit.SECONDS).until(() -> outcomes.size() == events.size());

            Map<String, InspectionEvent> byPart = new HashMap<>();
            events.forEach(e -> byPart.put(e.partId(), e));
            Map<String, List<PlcFailSafe>> failByInspection =
                    failSafes.stream().collect(Collectors.groupingBy(PlcFailSafe::inspectionId));
            long outageParts = events.stream()
                    .filter(e ->
                            e.inferenceTime().isAfter(cut) && e.inferenceTime().isBefore(restored))
                    .count();
            System.out.printf(
                    "PLC outage: %.1f s cut, camera frames in a 3 s window %.0f, inspected %d; inspections %d, "
                            + "results written %d (distinct parts %d), fail-safes %d (%s), parts during the outage %d%n",
                    Duration.between(cut, restored).toMillis() / 1000.0,
                    frames,
                    inspected,
                    events.size(),
                    written.size(),
                    written.stream().map(PlcSimulator.Result::partId).distinct().count(),
                    failSafes.size(),
                    failSafes.stream().collect(Collectors.groupingBy(PlcFailSafe::reason, Collectors.counting())),
                    outageParts);

            // item 3: the camera's rate while the PLC is down
            assertThat(inspected).isGreaterThanOrEqualTo((int) (frames * 0.8));
            assertThat(frames).isGreaterThanOrEqualTo(30);
            // item 2: nothing reaches the PLC while it is cut, and after the reconnect only fresh results, newest last
            for (int i = 0; i < written.size(); i++) {
                PlcSimulator.Result r = written.get(i);
                InspectionEvent e = byPart.get(r.partId());
                assertThat(e).as("written part %s was inspected", r.partId()).isNotNull();
                // the same part again: only as the fail-safe reject after its own write went in doubt (its answer
                // lost, or its writer interrupted: the test's route stop at the end does that to the write in
                // flight), which the hub writes while it is of use, up to one budget after the deadline
                boolean failSafeAfterDoubt = i > 0
                        && r.partId().equals(written.get(i - 1).partId())
                        && Short.valueOf((short) 9).equals(r.code())
                        && Boolean.TRUE.equals(r.reject())
                        && failSafes.stream()
                                .anyMatch(f -> f.partId().equals(r.partId())
                                        && f.reason() == PlcFailSafe.Reason.WRITE_IN_DOUBT);
                assertThat(writtenAt.get(i))
                        .as("part %s written before its deadline", r.partId())
                        .isBefore(e.inferenceTime().plusMillis((failSafeAfterDoubt ? 2 * budget : budget) + 100));
                if (i > 0 && !failSafeAfterDoubt) {
                    assertThat(r.partId())
                            .as("never an older part after a newer one, nor the same again")
                            .isGreaterThan(written.get(i - 1).partId());
                }
            }
            // every inspection has exactly one outcome: its result confirmed on the PLC, or its fail-safe on record.
            // A write whose answer the cut swallowed may have reached the PLC all the same: its one record says so
            // (WRITE_IN_DOUBT); only a write in flight at the cut can be in doubt, so one at most
            Set<String> writtenParts = written.stream()
                    .filter(r -> !Short.valueOf((short) 9).equals(r.code()))
                    .map(PlcSimulator.Result::partId)
                    .collect(Collectors.toSet());
            List<PlcFailSafe> inDoubt = failSafes.stream()
                    .filter(f -> f.reason() == PlcFailSafe.Reason.WRITE_IN_DOUBT)
                    .toList();
            assertThat(inDoubt).as("writes in doubt (in flight at the cut)").hasSizeLessThanOrEqualTo(1);
            for (InspectionEvent e : events) {
                List<PlcFailSafe> f = failByInspection.getOrDefault(e.id(), List.of());
                boolean confirmed = outcomes.get(e.id()) == PlcHandshake.Outcome.CONFIRMED;
                assertThat(f.size() + (confirmed ? 1 : 0))
                        .as("outcomes of part %s", e.partId())
                        .isEqualTo(1);
                if (confirmed) {
                    assertThat(writtenParts)
                            .as("confirmed part %s on the PLC", e.partId())
                            .contains(e.partId());
                } else if (writtenParts.contains(e.partId())) {
                    assertThat(f)
                            .as("part %s on the PLC though not confirmed", e.partId())
                            .extracting(PlcFailSafe::reason)
                            .containsExactly(PlcFailSafe.Reason.WRITE_IN_DOUBT);
                }
                if (e.inferenceTime().isAfter(cut.plusMillis(budget))
                        && e.inferenceTime().isBefore(restored)) {
                    assertThat(f).as("part %s during the outage", e.partId()).hasSize(1);
                    // (or the one write in doubt, when the hub learnt of the cut only from that write)
                    assertThat(f.get(0).reason()).isIn(PlcFailSafe.Reason.PLC_DOWN, PlcFailSafe.Reason.WRITE_IN_DOUBT);
                }
            }
            assertThat(outageParts).isGreaterThanOrEqualTo(30);
        }
    }

    static int port(String url) {
        String rest = url.substring(url.lastIndexOf(':') + 1);
        return Integer.parseInt(rest.substring(0, rest.indexOf('/')));
    }
}
