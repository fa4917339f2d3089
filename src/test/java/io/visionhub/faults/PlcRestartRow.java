package io.visionhub.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visionhub.plc.PlcSimulator;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;

/**
 * Fault row "PLC restart": a PLC-triggered station ({@code plc:} → {@code vision:...?triggered=true} → ledger →
 * {@code direct:plc-output} of routes/demo.yaml) on the OPC UA PLC simulator, which is stopped with a part in flight
 * and started again at the same address with its memory reset, as a PLC restart does. The PLC program runs the
 * four-phase trigger handshake (PartId, Trigger, TriggerAck). Per part the PLC must end with exactly one result or
 * the hub's recorded fail-safe, and the restarted PLC must get no write for a part of before the restart.
 */
final class PlcRestartRow {

    static final String STATION = "plc-station";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The part and the reason in a PLC_FAIL_SAFE record's canonical entry (JSON inside the API's JSON). */
    private static final Pattern RECORD_PART = Pattern.compile("\"partId\":\"([^\"]+)\"");

    private static final Pattern RECORD_REASON = Pattern.compile("\"reason\":\"(\\w+)\"");

    private PlcRestartRow() {}

    /** One result the PLC took: the part, the code, and whether it came to the PLC after the restart. */
    private record Taken(String part, int code, boolean afterRestart, long nanos) {}

    static RowResult run(FaultLab lab) throws Exception {
        List<Taken> taken = new CopyOnWriteArrayList<>();
        List<String> triggered = new ArrayList<>();
        List<String> plcTimeouts = new ArrayList<>();
        PlcSimulator first = new PlcSimulator(List.of(STATION));
        PlcSimulator plc = first;
        int port = plc.port();
        try {
            listen(plc, taken, false);
            String ns = plc.nodeId(STATION, "X").replace(STATION + ".X", "");
            lab.hub()
                    .with(
                            "visionhub.plc.enabled=true",
                            "visionhub.plc.endpoint-url=" + plc.endpointUrl(),
                            // a loaded 2-core box: the budget is the PLC's cycle, not the hub's latency (bench/)
                            "visionhub.plc.cycle-budget-ms=1500",
                            "visionhub.plc.stations." + STATION + ".trigger=" + ns + STATION + ".Trigger",
                            "visionhub.plc.stations." + STATION + ".part-id=" + ns + STATION + ".PartId",
                            "visionhub.plc.stations." + STATION + ".result-part-id=" + ns + STATION + ".ResultPartId",
                            "visionhub.plc.stations." + STATION + ".result-code=" + ns + STATION + ".ResultCode",
                            "visionhub.plc.stations." + STATION + ".reject=" + ns + STATION + ".Reject",
                            "visionhub.plc.stations." + STATION + ".result-ready=" + ns + STATION + ".ResultReady",
                            "visionhub.plc.stations." + STATION + ".trigger-ack=" + ns + STATION + ".TriggerAck");
            Files.writeString(lab.hub().work().resolve("routes/plc-fault.yaml"), route());
            lab.start();
            lab.pushContext("PO-PLC");
            if (!FaultLab.until(() -> first.sessionCount() > 0, Duration.ofSeconds(60))) {
                throw new IllegalStateException("the hub opened no session on the PLC simulator");
            }
            // the session opens with the Spring context, the route files load after it: the line starts once the
            // station's plc: route takes triggers (earlier triggers get the fail-safe, correctly, but are no test of
            // the restart)
            FaultLab.until(
                    () -> {
                        try {
                            return !lab.hub()
                                    .logLines("plc:" + STATION + ": taking the station's PLC triggers")
                                    .isEmpty();
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    },
                    Duration.ofSeconds(120));
            for (int i = 1; i <= 30; i++) {
                part(plc, "plc-%04d".formatted(i), triggered, plcTimeouts);
                Thread.sleep(150);
            }
            // part 31 is raised, then the PLC goes down with it in flight (power cycle, program download)
            String inFlight = "plc-0031";
            plc.set(STATION, "PartId", new Variant(inFlight));
            plc.set(STATION, "Trigger", new Variant(true));
            triggered.add(inFlight);
            Thread.sleep(30);
            plc.close();
            Thread.sleep(5_000);
            plc = PlcSimulator.onPort(List.of(STATION), port);
            long restarted = System.nanoTime();
            listen(plc, taken, true);
            PlcSimulator back = plc;
            // the line resumes when the vision system is back on the PLC (its session), as a PLC program checks
            FaultLab.until(() -> back.sessionCount() > 0, Duration.ofSeconds(60));
            for (int i = 32; i <= 61; i++) {
                part(plc, "plc-%04d".formatted(i), triggered, plcTimeouts);
                Thread.sleep(150);
            }
            Thread.sleep(3_000); // the last cycle's deadline and its fail-safe record
            double recover = taken.stream()
                            .filter(t -> t.afterRestart() && !t.part().equals(inFlight) && t.code() != 9)
                            .mapToLong(Taken::nanos)
                            .map(n -> n - restarted)
                            .min()
                            .orElse(-1)
                    / 1e9;
            return count(lab, triggered, taken, plcTimeouts, inFlight, recover);
        } finally {
            plc.close();
        }
    }

    private static void listen(PlcSimulator plc, List<Taken> taken, boolean afterRestart) {
        plc.onResult(r -> {
            if (STATION.equals(r.station())) {
                taken.add(new Taken(r.partId(), ((Number) r.code()).intValue(), afterRestart, r.nanos()));
            }
        });
    }

    /** The PLC program's four-phase handshake for one part; a missing TriggerAck is the PLC's own timeout. */
    private static void part(PlcSimulator plc, String part, List<String> triggered, List<String> timeouts)
            throws InterruptedException {
        plc.set(STATION, "PartId", new Variant(part));
        plc.set(STATION, "Trigger", new Variant(true));
        triggered.add(part);
        boolean acked =
                FaultLab.until(() -> Boolean.TRUE.equals(plc.value(STATION, "TriggerAck")), Duration.ofSeconds(3));
        plc.set(STATION, "Trigger", new Variant(false));
        if (!acked) {
            timeouts.add(part);
        }
        if (!FaultLab.until(() -> Boolean.FALSE.equals(plc.value(STATION, "TriggerAck")), Duration.ofSeconds(3))) {
            plc.set(STATION, "TriggerAck", new Variant(false));
        }
    }

    private static RowResult count(
            FaultLab lab,
            List<String> triggered,
            List<Taken> taken,
            List<String> plcTimeouts,
            String inFlight,
            double recover)
            throws Exception {
        Map<String, String> failSafes = recordedFailSafes(lab);
        double failSafeTotal = failSafeMetric(lab);
        Map<String, Integer> records = inspectionsByPart(lab);
        Map<String, Integer> results = new HashMap<>();
        Set<String> before = Set.copyOf(triggered.subList(0, triggered.indexOf(inFlight) + 1));
        List<String> stale = new ArrayList<>();
        for (Taken t : taken) {
            if (t.code() != 9) {
                results.merge(t.part(), 1, Integer::sum);
            }
            if (t.afterRestart() && before.contains(t.part())) {
                stale.add(t.part()); // a write for a part of before the restart reached the restarted PLC
            }
        }
        int lost = 0;
        int duplicated = 0;
        int withResult = 0;
        int inDoubt = 0;
        List<String> lostParts = new ArrayList<>();
        for (String p : triggered) {
            int n = results.getOrDefault(p, 0);
            String fs = failSafes.get(p);
            if (n == 1 && fs == null) {
                withResult++;
            } else if (n == 1 && "WRITE_IN_DOUBT".equals(fs)) {
                inDoubt++; // the answer of the write was lost with the PLC: recorded as in doubt, by design
            } else if (n == 0 && fs != null && !fs.contains("+")) {
                // its one outcome is the recorded fail-safe
            } else if (n == 0 && fs == null) {
                lost++;
                lostParts.add(p);
            } else {
                duplicated++;
            }
        }
        int recorded = (int) triggered.stream().filter(records::containsKey).count();
        duplicated +=
                records.values().stream().mapToInt(n -> Math.max(0, n - 1)).sum();
        String verify = lab.ledgerVerifies();
        String note = String.format(
                Locale.ROOT,
                "PLC (OPC UA simulator) stopped with part %s in flight after 30 parts, started again 5 s later at the"
                        + " same address, 30 more parts; %d parts got their result, %d the recorded fail-safe (%s), %d"
                        + " in doubt (write answer lost with the PLC); fail-safe metric %.0f; PLC timeouts %s; stale"
                        + " writes after the restart %s; %s; clock from the PLC back to the first result of a new part%s",
                inFlight,
                withResult,
                failSafes.size(),
                failSafes.values().stream().distinct().toList(),
                inDoubt,
                failSafeTotal,
                plcTimeouts,
                stale,
                verify == null ? "ledger verifies" : "LEDGER DOES NOT VERIFY: " + verify,
                lostParts.isEmpty() ? "" : "; without outcome: " + lostParts);
        RowResult r = new RowResult(
                lab.row(),
                triggered.size(),
                recorded,
                withResult + inDoubt + failSafes.size(),
                lost,
                duplicated,
                recover < 0 ? Double.NaN : recover,
                "PLC; " + note);
        if (verify != null) {
            return r.failedCheck("ledger does not verify");
        }
        if (!stale.isEmpty()) {
            return r.failedCheck("stale write after the restart");
        }
        return recover < 0 ? r.failedCheck("no result after the restart") : r;
    }

    /**
     * The fail-safes the ledger holds (records PLC_FAIL_SAFE, read one by one from GET /api/ledger/records/{seq}):
     * part id → reason ("A+B" when a part has two).
     */
    private static Map<String, String> recordedFailSafes(FaultLab lab) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (long seq = 0; seq < 100_000; seq++) {
            HttpResponse<String> r = lab.hub().http().sendAs("GET", "/api/ledger/records/" + seq, null, "auditor");
            if (r.statusCode() != 200) {
                return out; // past the last record
            }
            String body = r.body().replace("\\\"", "\"");
            if (body.contains("PLC_FAIL_SAFE")) {
                Matcher part = RECORD_PART.matcher(body);
                Matcher reason = RECORD_REASON.matcher(body);
                if (part.find() && reason.find()) {
                    out.merge(part.group(1), reason.group(1), (a, b) -> a + "+" + b);
                }
            }
        }
        return out;
    }

    /** The hub's fail-safe counter of the station, all reasons (Prometheus). */
    private static double failSafeMetric(FaultLab lab) throws Exception {
        HttpResponse<String> r = lab.hub().http().sendAs("GET", "/actuator/prometheus", null, "admin");
        double sum = 0;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("visionhub_plc_failsafe_total{") && line.contains("station=\"" + STATION + "\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static Map<String, Integer> inspectionsByPart(FaultLab lab) throws Exception {
        Map<String, Integer> out = new ConcurrentHashMap<>();
        for (JsonNode item : lab.inspections(STATION)) {
            out.merge(item.path("partId").asText(), 1, Integer::sum);
        }
        return out;
    }

    static String route() {
        return """
                # Written by the fault matrix (PLC restart row): a PLC-triggered station on the OPC UA PLC simulator
                - route:
                    id: plc-station-triggered
                    from:
                      uri: plc:%s
                      steps:
                        - to:
                            uri: vision:%s
                            parameters:
                              triggered: true
                              source: sim
                              fps: "20"
                              line: line-1
                              model: "{{visionhub.vision.demo-model.path:models/demo-anomaly}}"
                        - to: direct:plc-fault-inspection
                - route:
                    id: plc-fault-inspection
                    routeConfigurationId: inspection-errors
                    from:
                      uri: direct:plc-fault-inspection
                      steps:
                        - to: kamelet:production-context-action
                        - to: ledger:record
                        - to: direct:plc-output
                """.formatted(STATION, STATION);
    }
}
