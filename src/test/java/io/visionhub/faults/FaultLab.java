package io.visionhub.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visionhub.simulators.EnterpriseSimulators;
import io.visionhub.simulators.SimulatedDocuments;
import java.awt.image.BufferedImage;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * One row's world: the real hub in its own folder, the enterprise simulators of the demo source set (in this
 * JVM, so the row switches their faults), and a smart camera's drop folder that the hub's station
 * {@code fault-station} reads ({@code folder:} source). Every record of that station gets one SAP quality
 * notification through the outbox ({@code ledger:record?deliveries=sap-qm:QUALITY_NOTIFICATION}) and one MQTT
 * event ({@code direct:mqtt-output} of routes/demo.yaml), so a part can be followed from the file to SAP.
 */
public final class FaultLab implements AutoCloseable {

    public static final String STATION = "fault-station";
    private static final Pattern INSPECTION = Pattern.compile("Inspection (\\S+) at ");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String row;
    private final Path dir;
    private final Path drop;
    private final EnterpriseSimulators sims;
    private final FaultHub hub;
    private final Set<String> produced = new LinkedHashSet<>();
    private final Map<String, Integer> mqttByInspection = new ConcurrentHashMap<>();
    private final Random random = new Random(20);
    private int recordsPerPart = 1;

    public FaultLab(String row, Path dir, Path repo) throws Exception {
        this.row = row;
        this.dir = dir;
        this.drop = Files.createDirectories(dir.resolve("drop"));
        this.sims = EnterpriseSimulators.onFreePorts();
        this.hub = new FaultHub(Files.createDirectories(dir.resolve("hub")), repo);
        Files.writeString(hub.work().resolve("routes/faults.yaml"), stationRoute(drop));
        hub.with(
                "visionhub.enterprise.targets.sap-qm.url=" + sims.sap().baseUrl(),
                "visionhub.enterprise.targets.sap-qm.timeout=5s",
                // every other target of the demo points at the simulators of this JVM too
                "visionhub.enterprise.targets.sap-pm.url=" + sims.sap().baseUrl(),
                "visionhub.enterprise.targets.maximo.url=" + sims.maximo().baseUrl(),
                "visionhub.enterprise.targets.webhook.url=" + sims.webhook().baseUrl(),
                // the outbox retries within the row's minutes instead of the production backoff
                "visionhub.enterprise.outbox.initial-backoff=250ms",
                "visionhub.enterprise.outbox.max-backoff=3s",
                "visionhub.enterprise.outbox.max-attempts=1000");
    }

    /** The station route of the harness; it reuses the demo's shared steps (context kamelet, MQTT output). */
    static String stationRoute(Path drop) {
        return """
                # Written by the fault matrix (io.visionhub.faults): a smart camera's drop folder; every record
                # gets one SAP quality notification (outbox) and one MQTT event, so each part can be counted end to end.
                - route:
                    id: fault-station-camera
                    from:
                      uri: vision:%s
                      parameters:
                        source: "folder:%s"
                        line: line-1
                        fps: "20"
                        model: "{{visionhub.vision.demo-model.path:models/demo-anomaly}}"
                      steps:
                        - to: direct:fault-inspection
                - route:
                    id: fault-inspection
                    routeConfigurationId: inspection-errors
                    from:
                      uri: direct:fault-inspection
                      steps:
                        - to: kamelet:production-context-action
                        - to: ledger:record?deliveries=sap-qm:QUALITY_NOTIFICATION
                        - to: direct:mqtt-output
                """.formatted(STATION, drop.toAbsolutePath());
    }

    public String row() {
        return row;
    }

    public Path dir() {
        return dir;
    }

    public Path drop() {
        return drop;
    }

    public FaultHub hub() {
        return hub;
    }

    public EnterpriseSimulators sims() {
        return sims;
    }

    /** How many records each produced part must end with (2 where the row sends every part twice). */
    public void expectRecordsPerPart(int n) {
        recordsPerPart = n;
    }

    public void start() throws Exception {
        hub.start(Duration.ofMinutes(5));
    }

    /** The MES pushes line-1's production context (as the demo's MES stand-in does). */
    public int pushContext(String order) throws Exception {
        HttpResponse<String> r = hub.http()
                .send(
                        "PUT",
                        "/api/context/line-1",
                        "{\"line\":\"line-1\",\"productionOrder\":\"" + order
                                + "\",\"batch\":\"B1\",\"shift\":\"A\",\"product\":\"P-100\"}",
                        "X-API-Key",
                        "demo-mes-key",
                        "Content-Type",
                        "application/json");
        return r.statusCode();
    }

    /** A smart camera drops {@code n} images (part ids {@code <prefix>-0001}…): written aside, then renamed in. */
    public List<String> drop(String prefix, int n) throws Exception {
        List<String> parts = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String part = "%s-%04d".formatted(prefix, i);
            BufferedImage img = new BufferedImage(96, 96, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 96; y++) {
                for (int x = 0; x < 96; x++) {
                    img.getRaster().setSample(x, y, 0, 100 + random.nextInt(40));
                }
            }
            Path tmp = drop.resolve(part + ".writing");
            ImageIO.write(img, "png", tmp.toFile());
            Files.move(tmp, drop.resolve(part + ".png"), StandardCopyOption.ATOMIC_MOVE);
            produced.add(part);
            parts.add(part);
        }
        return parts;
    }

    /** Drops a file as the camera sends it (bad bytes included); it counts as produced. */
    public void dropRaw(String part, String extension, byte[] bytes) throws Exception {
        Path tmp = drop.resolve(part + ".writing");
        Files.write(tmp, bytes);
        Files.move(tmp, drop.resolve(part + extension), StandardCopyOption.ATOMIC_MOVE);
        produced.add(part);
    }

    /** Records one MQTT inspection event (called by a row's subscriber). */
    public void mqttEvent(byte[] payload) {
        try {
            JsonNode e = JSON.readTree(payload);
            if (STATION.equals(e.path("station").asText())) {
                mqttByInspection.merge(e.path("id").asText(), 1, Integer::sum);
            }
        } catch (Exception bad) {
            mqttByInspection.merge("unparseable", 1, Integer::sum);
        }
    }

    /** Every inspection the hub's REST API holds for the station, all pages (the hub must be running). */
    public List<JsonNode> inspections(String station) throws Exception {
        List<JsonNode> items = new ArrayList<>();
        for (int offset = 0; ; offset += 500) {
            HttpResponse<String> r = hub.http()
                    .sendAs(
                            "GET",
                            "/api/inspections?station=" + station + "&limit=500&offset=" + offset,
                            null,
                            "operator");
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET /api/inspections answered " + r.statusCode() + ": " + r.body());
            }
            JsonNode page = JSON.readTree(r.body());
            page.path("items").forEach(items::add);
            if (!page.path("more").asBoolean()) {
                return items;
            }
        }
    }

    /** What the hub's ledger and SAP hold now for the produced parts (the hub must be running). */
    public Tally tally() throws Exception {
        Map<String, Integer> recordsByPart = new HashMap<>();
        Set<String> inspections = new LinkedHashSet<>();
        for (JsonNode item : inspections(STATION)) {
            String part = item.path("partId").asText();
            if (produced.contains(part)) {
                recordsByPart.merge(part, 1, Integer::sum);
                inspections.add(item.path("id").asText());
            }
        }
        Map<String, Integer> docsByInspection = new HashMap<>();
        for (SimulatedDocuments.Document d : sims.sap().qualityNotifications().all()) {
            Matcher m = INSPECTION.matcher(String.valueOf(d.fields().get("NotificationLongText")));
            if (m.find() && inspections.contains(m.group(1))) {
                docsByInspection.merge(m.group(1), 1, Integer::sum);
            }
        }
        boolean outboxOpen = false;
        for (String status : new String[] {"PENDING", "PARKED"}) {
            HttpResponse<String> r =
                    hub.http().sendAs("GET", "/api/outbox?status=" + status + "&limit=1", null, "integrator");
            outboxOpen |= r.statusCode() != 200
                    || JSON.readTree(r.body()).path("rows").size() > 0;
        }
        return new Tally(
                produced.size(),
                recordsPerPart,
                recordsByPart,
                inspections,
                docsByInspection,
                Map.copyOf(mqttByInspection),
                outboxOpen);
    }

    /**
     * Waits until every produced part is recorded and delivered and the outbox is empty of pending and parked rows
     * (or the timeout); returns the seconds waited.
     */
    public double awaitSettled(boolean countMqtt, Duration timeout) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (tally().settled(countMqtt)) {
                    break;
                }
            } catch (Exception notAnsweringYet) {
                // the hub answers 5xx while it cannot reach its database (disk full): keep asking until the timeout
            }
            Thread.sleep(250);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Polls until {@code condition} holds (or the timeout); false if it never did. */
    public static boolean until(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** The number of produced parts the ledger holds now, 0 when the API does not answer. */
    public int recordedNow() {
        try {
            return tally().recorded();
        } catch (Exception e) {
            return 0;
        }
    }

    /** Whether the hub's inspection API answers 200 now. */
    public boolean apiAnswers() {
        try {
            return hub.http()
                            .sendAs("GET", "/api/inspections?limit=1", null, "operator")
                            .statusCode()
                    == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * The earliest and latest capture time (as the hub's clock gave it) and ledger sequence of the recorded parts
     * whose id starts with {@code prefix}: "first .. last (seq a..b)", for a row's note.
     */
    public String captureRange(String prefix) throws Exception {
        java.time.Instant min = null;
        java.time.Instant max = null;
        long seqMin = Long.MAX_VALUE;
        long seqMax = -1;
        for (JsonNode item : inspections(STATION)) {
            if (item.path("partId").asText().startsWith(prefix + "-")) {
                java.time.Instant t =
                        java.time.Instant.parse(item.path("captureTime").asText());
                min = min == null || t.isBefore(min) ? t : min;
                max = max == null || t.isAfter(max) ? t : max;
                seqMin = Math.min(seqMin, item.path("ledgerSeq").asLong());
                seqMax = Math.max(seqMax, item.path("ledgerSeq").asLong());
            }
        }
        return min == null
                ? prefix + ": none"
                : prefix + " captured " + min.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ".."
                        + max.truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " seq " + seqMin + ".." + seqMax;
    }

    /** Null when GET /api/ledger/verify answers ok, else what it answered. */
    public String ledgerVerifies() throws Exception {
        HttpResponse<String> v = hub.http().sendAs("GET", "/api/ledger/verify", null, "auditor");
        JsonNode report = v.statusCode() == 200 ? JSON.readTree(v.body()) : null;
        if (report != null && report.path("ok").asBoolean()) {
            return null;
        }
        return v.statusCode() + " "
                + (report == null ? v.body() : report.path("summary").asText());
    }

    /** The hub's /actuator/health as an administrator sees it (details included). */
    public String health() {
        try {
            return hub.http().sendAs("GET", "/actuator/health", null, "admin").body();
        } catch (Exception e) {
            return "health does not answer: " + e;
        }
    }

    public int sapDocuments() {
        return sims.sap().qualityNotifications().count();
    }

    /** The row's figures from the final state; time to recover as the row measured it. */
    public RowResult result(boolean countMqtt, double recoverSeconds, String note) throws Exception {
        Tally t = tally();
        // the ledger must still verify (hash chain, signed heads, stored images) after the fault
        HttpResponse<String> v = hub.http().sendAs("GET", "/api/ledger/verify", null, "auditor");
        JsonNode report = v.statusCode() == 200 ? JSON.readTree(v.body()) : null;
        if (report == null || !report.path("ok").asBoolean()) {
            return RowResult.of(row, t, countMqtt, recoverSeconds, note)
                    .failedCheck("ledger does not verify (" + v.statusCode() + " "
                            + (report == null
                                    ? v.body()
                                    : report.path("summary").asText()) + ")");
        }
        return RowResult.of(row, t, countMqtt, recoverSeconds, note + "; ledger verifies");
    }

    @Override
    public void close() throws Exception {
        try {
            hub.close();
        } finally {
            sims.close();
        }
    }

    /**
     * Counts per produced part: records in the ledger, SAP documents per recorded inspection, MQTT events per
     * recorded inspection.
     */
    public record Tally(
            int produced,
            int recordsPerPart,
            Map<String, Integer> recordsByPart,
            Set<String> inspections,
            Map<String, Integer> docsByInspection,
            Map<String, Integer> mqttByInspection,
            boolean outboxOpen) {

        public int recorded() {
            return recordsByPart.size();
        }

        /** Parts with fewer records than expected, and recorded inspections that never reached the channel. */
        public int lost(boolean countMqtt) {
            int missingRecords = 0;
            for (int n : recordsByPart.values()) {
                missingRecords += Math.max(0, recordsPerPart - n);
            }
            missingRecords += (produced - recordsByPart.size()) * recordsPerPart;
            int undelivered = 0;
            for (String id : inspections) {
                if (!docsByInspection.containsKey(id) || (countMqtt && !mqttByInspection.containsKey(id))) {
                    undelivered++;
                }
            }
            return missingRecords + undelivered;
        }

        /** Records beyond the expected per part, and deliveries beyond one per inspection. */
        public int duplicated(boolean countMqtt) {
            int extra = 0;
            for (int n : recordsByPart.values()) {
                extra += Math.max(0, n - recordsPerPart);
            }
            for (int n : docsByInspection.values()) {
                extra += n - 1;
            }
            if (countMqtt) {
                for (int n : mqttByInspection.values()) {
                    extra += n - 1;
                }
            }
            return extra;
        }

        public int delivered(boolean countMqtt) {
            int n = 0;
            for (String id : inspections) {
                if (docsByInspection.containsKey(id) && (!countMqtt || mqttByInspection.containsKey(id))) {
                    n++;
                }
            }
            return n;
        }

        /** Every part recorded and delivered, and the hub's outbox has nothing left to send (none pending, none parked). */
        public boolean settled(boolean countMqtt) {
            return produced > 0 && lost(countMqtt) == 0 && !outboxOpen;
        }
    }
}
