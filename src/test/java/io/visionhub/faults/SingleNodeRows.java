package io.visionhub.faults;

import io.visionhub.outputs.mqtt.MosquittoProcess;
import io.visionhub.plc.TcpProxy;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/**
 * The single-node rows of the fault matrix (issue 20): one hub process, the fault, then the count of every part
 * from the camera's file to the ledger and SAP (and MQTT where the fault is on the broker). The multi-node rows
 * (a node killed while owning stations, a partition between nodes) belong in a list of their own beside this one.
 */
public final class SingleNodeRows {

    static final Duration SETTLE = Duration.ofMinutes(4);

    private SingleNodeRows() {}

    public static final List<FaultRow> ROWS = List.of(
            new FaultRow("kill -9 mid-burst", "single-node", true, SingleNodeRows::killMidBurst),
            new FaultRow("kill -9 mid-delivery", "single-node", false, SingleNodeRows::killMidDelivery),
            new FaultRow("ERP down (30 min shortened to 20 s)", "single-node", false, SingleNodeRows::erpDown),
            new FaultRow("ERP timeout after commit", "single-node", false, SingleNodeRows::erpTimeoutAfterCommit),
            new FaultRow("ERP CSRF token expiry", "single-node", false, SingleNodeRows::csrfExpiry),
            new FaultRow("ERP 429 Too Many Requests", "single-node", false, SingleNodeRows::tooManyRequests),
            new FaultRow(
                    "MQTT broker down (30 min shortened to 20 s)", "single-node", false, SingleNodeRows::brokerDown),
            new FaultRow("MQTT broker half-open", "single-node", false, SingleNodeRows::brokerHalfOpen),
            new FaultRow("clock jump", "single-node", false, SingleNodeRows::clockJump),
            new FaultRow("disk full", "single-node", false, lab -> diskFull(lab, false)),
            new FaultRow("disk full (ledger only)", "single-node", false, lab -> diskFull(lab, true)),
            new FaultRow("PLC restart", "single-node", false, PlcRestartRow::run),
            new FaultRow("duplicate events", "single-node", false, SingleNodeRows::duplicateEvents),
            new FaultRow("late MES context", "single-node", false, SingleNodeRows::lateContext),
            new FaultRow("oversized JSON", "single-node", false, SingleNodeRows::oversizedJson),
            new FaultRow("bad image files", "single-node", true, SingleNodeRows::badImages),
            new FaultRow("bad route file", "single-node", false, SingleNodeRows::badRoute),
            new FaultRow("bad model file", "single-node", false, SingleNodeRows::badModel));

    private static void startWithContext(FaultLab lab) throws Exception {
        startWithContext(lab, Duration.ofMinutes(5));
    }

    private static void startWithContext(FaultLab lab, Duration timeout) throws Exception {
        lab.hub().start(timeout);
        int status = lab.pushContext("PO-FAULTS");
        if (status != 200 && status != 201 && status != 204) {
            throw new IllegalStateException("context push answered " + status);
        }
    }

    private static double since(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static RowResult killMidBurst(FaultLab lab) throws Exception {
        startWithContext(lab);
        lab.drop("burst", 80);
        FaultLab.until(() -> lab.recordedNow() >= 20, SETTLE);
        int before = lab.recordedNow();
        lab.hub().kill9();
        long t0 = System.nanoTime();
        lab.start();
        lab.awaitSettled(false, SETTLE);
        return lab.result(
                false,
                since(t0),
                "SIGKILL with " + before + " of 80 parts recorded; clock from the kill, restart included");
    }

    static RowResult killMidDelivery(FaultLab lab) throws Exception {
        startWithContext(lab);
        // SAP stores each create and holds its answer for 2 s: the kill falls between SAP's commit and the hub's
        lab.sims().sap().faults().slowAnswers(Duration.ofMillis(300)).timeoutAfterCreate(3, Duration.ofSeconds(30));
        lab.drop("deliver", 80);
        FaultLab.until(() -> lab.sapDocuments() >= 10, SETTLE);
        int before = lab.sapDocuments();
        lab.hub().kill9();
        long t0 = System.nanoTime();
        lab.sims().sap().faults().clear();
        lab.start();
        lab.awaitSettled(false, SETTLE);
        return lab.result(
                false,
                since(t0),
                "SIGKILL with " + before + " SAP documents created, 3 answers held; clock from the kill");
    }

    static RowResult erpDown(FaultLab lab) throws Exception {
        startWithContext(lab);
        lab.sims().sap().faults().down(true);
        lab.drop("erpdown", 60);
        Thread.sleep(20_000);
        lab.sims().sap().faults().down(false);
        long t0 = System.nanoTime();
        lab.awaitSettled(false, SETTLE);
        return lab.result(false, since(t0), "SAP answers 503 for 20 s; clock from SAP back");
    }

    static RowResult erpTimeoutAfterCommit(FaultLab lab) throws Exception {
        startWithContext(lab);
        // SAP commits the create, then answers nothing for 8 s; the hub's client gives up after 5 s
        lab.sims().sap().faults().timeoutAfterCreate(5, Duration.ofSeconds(8));
        long t0 = System.nanoTime();
        lab.drop("timeout", 40);
        lab.awaitSettled(false, SETTLE);
        return lab.result(
                false,
                since(t0),
                "5 creates committed by SAP, answer after the client's 5 s timeout; clock from the first file");
    }

    static RowResult csrfExpiry(FaultLab lab) throws Exception {
        startWithContext(lab);
        lab.drop("csrf", 60);
        FaultLab.until(() -> lab.sapDocuments() >= 15, SETTLE);
        lab.sims().sap().expireCsrfTokens();
        long t0 = System.nanoTime();
        lab.awaitSettled(false, SETTLE);
        return lab.result(false, since(t0), "SAP drops every CSRF session after 15 documents; clock from the expiry");
    }

    static RowResult tooManyRequests(FaultLab lab) throws Exception {
        startWithContext(lab);
        lab.sims().sap().faults().retryAfter(1).serverErrors(30, 429);
        long t0 = System.nanoTime();
        lab.drop("throttle", 40);
        lab.awaitSettled(false, SETTLE);
        return lab.result(false, since(t0), "30 answers 429 with Retry-After: 1; clock from the first file");
    }

    /** A subscriber with a persistent session on the row's broker: it counts each inspection event it gets. */
    private static MqttClient subscriber(FaultLab lab, String url) throws Exception {
        MqttClient c = new MqttClient(url, "faults-subscriber", new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(3600L);
        o.setAutomaticReconnect(true);
        o.setAutomaticReconnectDelay(1, 1);
        c.connect(o);
        IMqttMessageListener l = (topic, msg) -> lab.mqttEvent(msg.getPayload());
        c.subscribe(
                new MqttSubscription[] {new MqttSubscription("visionhub/+/+/" + FaultLab.STATION + "/inspection", 1)},
                new IMqttMessageListener[] {l});
        return c;
    }

    static RowResult brokerDown(FaultLab lab) throws Exception {
        if (MosquittoProcess.find().isEmpty()) {
            return RowResult.skipped(lab.row(), "mosquitto not installed");
        }
        try (MosquittoProcess broker = new MosquittoProcess(lab.dir().resolve("mosquitto"), List.of())) {
            broker.start();
            lab.hub().with("visionhub.mqtt.broker-url=" + broker.url());
            MqttClient sub = subscriber(lab, broker.url());
            try {
                startWithContext(lab, Duration.ofMinutes(10)); // the JVM starts many times slower under libfaketime
                lab.drop("before", 20);
                lab.awaitSettled(true, SETTLE);
                broker.stop();
                lab.drop("during", 40);
                Thread.sleep(20_000);
                broker.start();
                long t0 = System.nanoTime();
                lab.awaitSettled(true, SETTLE);
                return lab.result(true, since(t0), "Mosquitto stopped for 20 s; clock from the broker back");
            } finally {
                sub.disconnectForcibly(1000, 1000, false);
                sub.close(true);
            }
        }
    }

    static RowResult brokerHalfOpen(FaultLab lab) throws Exception {
        if (MosquittoProcess.find().isEmpty()) {
            return RowResult.skipped(lab.row(), "mosquitto not installed");
        }
        try (MosquittoProcess broker = new MosquittoProcess(lab.dir().resolve("mosquitto"), List.of());
                TcpProxy proxy = new TcpProxy(broker.port())) {
            broker.start();
            lab.hub().with("visionhub.mqtt.broker-url=tcp://127.0.0.1:" + proxy.port());
            MqttClient sub = subscriber(lab, broker.url());
            try {
                startWithContext(lab, Duration.ofMinutes(10)); // the JVM starts many times slower under libfaketime
                lab.drop("before", 20);
                lab.awaitSettled(true, SETTLE);
                proxy.stall();
                lab.drop("during", 40);
                Thread.sleep(20_000);
                proxy.restore();
                long t0 = System.nanoTime();
                lab.awaitSettled(true, SETTLE);
                return lab.result(
                        true, since(t0), "proxy forwards nothing for 20 s, connections left open; clock from the thaw");
            } finally {
                sub.disconnectForcibly(1000, 1000, false);
                sub.close(true);
            }
        }
    }

    static RowResult clockJump(FaultLab lab) throws Exception {
        Path lib = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
        if (!Files.exists(lib)) {
            return RowResult.skipped(lab.row(), "libfaketime not installed (apt-get install faketime)");
        }
        if (MosquittoProcess.find().isEmpty()) {
            return RowResult.skipped(
                    lab.row(), "mosquitto not installed (the embedded broker timed out under libfaketime)");
        }
        // the hub's wall clock is read from this file (libfaketime, re-read every second); the monotonic clock
        // (timeouts, backoff waits) is left alone, as NTP and a dead RTC leave it. The embedded HiveMQ broker timed
        // out at start under libfaketime, so the hub runs on an external Mosquitto, as a plant does.
        Path offset = lab.dir().resolve("faketime-offset");
        Files.writeString(offset, "+0\n");
        try (MosquittoProcess broker = new MosquittoProcess(lab.dir().resolve("mosquitto"), List.of())) {
            broker.start();
            lab.hub()
                    .with("visionhub.mqtt.broker-url=" + broker.url())
                    .env("LD_PRELOAD", lib.toString())
                    .env("FAKETIME_TIMESTAMP_FILE", offset.toString())
                    .env("FAKETIME_CACHE_DURATION", "1")
                    .env("FAKETIME_DONT_FAKE_MONOTONIC", "1");
            MqttClient sub = subscriber(lab, broker.url());
            try {
                startWithContext(lab, Duration.ofMinutes(10)); // the JVM starts many times slower under libfaketime
                lab.drop("before", 20);
                lab.awaitSettled(true, SETTLE);
                // SAP goes down and 20 parts come: their deliveries fail and get their next attempt on the hub's
                // clock; then NTP steps that clock 2 h back. An outbox that waited on the wall clock would sit 2 h.
                lab.sims().sap().faults().down(true);
                lab.drop("back", 20);
                FaultLab.until(() -> lab.recordedNow() >= 40, SETTLE);
                Thread.sleep(3_000);
                Files.writeString(offset, "-2h\n");
                Thread.sleep(5_000);
                lab.sims().sap().faults().down(false);
                long t0 = System.nanoTime();
                lab.awaitSettled(true, SETTLE);
                double back = since(t0);
                // and then 3 h forward (1 h ahead of the real time): leases and heads due at once, nothing twice
                Files.writeString(offset, "+1h\n");
                Thread.sleep(3_000);
                long t1 = System.nanoTime();
                lab.drop("forward", 20);
                lab.awaitSettled(true, SETTLE);
                double forward = since(t1);
                return lab.result(
                        true,
                        Math.max(back, forward),
                        String.format(
                                java.util.Locale.ROOT,
                                "SAP down, 20 parts, wall clock 2 h back, SAP back; then 3 h forward (libfaketime, hub"
                                        + " on Mosquitto); settled %.1f s after SAP back, %.1f s after the forward"
                                        + " jump; %s; %s; %s",
                                back,
                                forward,
                                lab.captureRange("before"),
                                lab.captureRange("back"),
                                lab.captureRange("forward")));
            } finally {
                sub.disconnectForcibly(1000, 1000, false);
                sub.close(true);
            }
        }
    }

    /**
     * data/ on a small tmpfs, filled while parts come. {@code ledgerOnly}: the images are on another disk, so the
     * inspections reach the H2 ledger, whose database H2 closes on the write error (the path of
     * H2ClosedDatabaseEviction); otherwise the image store refuses first and the ledger may never see the fault.
     */
    static RowResult diskFull(FaultLab lab, boolean ledgerOnly) throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            return RowResult.skipped(lab.row(), "mounting a tmpfs needs root");
        }
        Path data = Files.createDirectories(lab.hub().work().resolve("data"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", data.toString())
                .inheritIO()
                .start();
        if (mount.waitFor() != 0) {
            return RowResult.skipped(lab.row(), "mount -t tmpfs failed (no CAP_SYS_ADMIN here)");
        }
        Path filler = data.resolve("filler");
        if (ledgerOnly) {
            lab.hub().with("visionhub.images.root=" + lab.hub().work().resolve("images-elsewhere"));
        }
        try {
            startWithContext(lab);
            lab.drop("beforefull", 20);
            FaultLab.until(() -> lab.recordedNow() >= 20, SETTLE);
            // fill the file system of data/ (ledger H2 file, keys, failed/) to the last byte
            try (var out = Files.newOutputStream(filler)) {
                byte[] mb = new byte[1 << 16];
                while (true) {
                    out.write(mb);
                }
            } catch (java.io.IOException full) {
                // no space left on device
            }
            // ledger only: enough parts that H2 needs pages beyond the free ones inside its file
            int whileFull = ledgerOnly ? 200 : 20;
            lab.drop("whilefull", whileFull);
            // while full, health must say so: DOWN, naming the full disk (imageDisk) or the ledger's write failure
            boolean healthDown = FaultLab.until(
                    () -> {
                        String h = lab.health();
                        return h.startsWith("{\"status\":\"DOWN\"")
                                && (h.contains("disk full") || h.contains("write-failing"));
                    },
                    Duration.ofSeconds(15));
            Thread.sleep(5_000);
            Files.delete(filler);
            long t0 = System.nanoTime();
            lab.awaitSettled(false, Duration.ofSeconds(120));
            boolean byItself = lab.apiAnswers() && lab.tally().settled(false);
            if (!byItself) {
                // the hub did not come back within 2 minutes: restart it to count what it kept, and fail the row
                lab.hub().stop();
                lab.start();
                lab.awaitSettled(false, SETTLE);
            }
            String healthAfter = lab.health();
            boolean h2Closed =
                    !lab.hub().logLines("The database has been closed").isEmpty();
            boolean ledgerRefused =
                    !lab.hub().logLines("Ledger cannot write to its database").isEmpty();
            RowResult r = lab.result(
                    false,
                    since(t0),
                    (ledgerOnly ? "images on another disk, " : "")
                            + "data/ on a 64 MiB tmpfs filled for about 20 s while " + whileFull
                            + " parts came, then freed; health while full "
                            + (healthDown ? "DOWN naming the full disk" : "not DOWN")
                            + "; ledger " + (ledgerRefused ? "refused commits" : "saw no write failure")
                            + (h2Closed ? " (H2 closed the database)" : "")
                            + "; recovered " + (byItself ? "by itself, no restart" : "only after a restart")
                            + "; clock from the space freed");
            if (!byItself) {
                return r.failedCheck("the hub needed a restart after the disk was freed");
            }
            boolean writesFailed =
                    ledgerRefused || !lab.hub().logLines("cannot store image").isEmpty();
            if (!healthDown && writesFailed) {
                return r.failedCheck("health did not report the full disk");
            }
            return healthAfter.contains("disk full") || healthAfter.contains("write-failing")
                    ? r.failedCheck("health still names the full disk after recovery")
                    : r;
        } finally {
            lab.hub().stop();
            Files.deleteIfExists(filler);
            new ProcessBuilder("umount", "-l", data.toString())
                    .inheritIO()
                    .start()
                    .waitFor();
        }
    }

    static RowResult duplicateEvents(FaultLab lab) throws Exception {
        startWithContext(lab);
        lab.expectRecordsPerPart(2);
        List<String> parts = lab.drop("dup", 30);
        FaultLab.until(() -> lab.recordedNow() >= 30, SETTLE);
        // the smart camera sends the same 30 files again (an FTP retry): same names, same bytes, same part ids
        Path inspected = lab.drop().resolve(".inspected");
        long t0 = System.nanoTime();
        for (String p : parts) {
            Path tmp = lab.drop().resolve(p + ".writing");
            Files.copy(inspected.resolve(p + ".png"), tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, lab.drop().resolve(p + ".png"), StandardCopyOption.ATOMIC_MOVE);
        }
        lab.awaitSettled(false, SETTLE);
        return lab.result(
                false,
                since(t0),
                "30 files sent twice; each send is an inspection of its own (2 records per part), each delivered once");
    }

    static RowResult lateContext(FaultLab lab) throws Exception {
        lab.start();
        lab.drop("nocontext", 30);
        FaultLab.until(() -> lab.recordedNow() >= 30, SETTLE);
        int status = lab.pushContext("PO-LATE");
        long t0 = System.nanoTime();
        lab.drop("withcontext", 30);
        lab.awaitSettled(false, SETTLE);
        return lab.result(
                false,
                since(t0),
                "30 parts before the MES push (contextStatus MISSING), 30 after; push answered " + status);
    }

    static RowResult oversizedJson(FaultLab lab) throws Exception {
        startWithContext(lab);
        lab.drop("oversized", 40);
        StringBuilder big = new StringBuilder(17 << 20).append("{\"line\":\"line-1\",\"productionOrder\":\"");
        while (big.length() < 16 << 20) {
            big.append("0123456789abcdef");
        }
        big.append("\"}");
        HttpResponse<String> r = lab.hub()
                .http()
                .send(
                        "PUT",
                        "/api/context/line-1",
                        big.toString(),
                        "X-API-Key",
                        "demo-mes-key",
                        "Content-Type",
                        "application/json");
        long t0 = System.nanoTime();
        lab.awaitSettled(false, SETTLE);
        boolean refused = r.statusCode() == 413 || r.statusCode() == 400;
        RowResult res =
                lab.result(false, since(t0), "16 MiB context push answered " + r.statusCode() + " during the burst");
        return refused ? res : res.failedCheck("16 MiB push was not refused");
    }

    static RowResult badImages(FaultLab lab) throws Exception {
        startWithContext(lab);
        lab.drop("good", 20);
        Random r = new Random(7);
        byte[] garbage = new byte[5000];
        r.nextBytes(garbage);
        lab.dropRaw("bad-empty", ".png", new byte[0]);
        lab.dropRaw("bad-garbage", ".jpg", garbage);
        lab.dropRaw("bad-truncated", ".png", java.util.Arrays.copyOf(pngHeader(96, 96), 40));
        lab.dropRaw("bad-huge", ".png", pngHeader(60_000, 60_000));
        long t0 = System.nanoTime();
        lab.awaitSettled(false, SETTLE);
        return lab.result(
                false,
                since(t0),
                "4 bad files (empty, garbage, truncated, 60000x60000 header) among 20: each recorded (UNCERTAIN)");
    }

    static RowResult badRoute(FaultLab lab) throws Exception {
        startWithContext(lab);
        lab.drop("badroute", 30);
        Files.writeString(
                lab.hub().work().resolve("routes/broken.yaml"),
                "- route:\n    id: broken\n    from: [unclosed\n      uri: timer:x\n");
        long t0 = System.nanoTime();
        lab.drop("afterbadroute", 30);
        lab.awaitSettled(false, SETTLE);
        String health = lab.hub()
                .http()
                .sendAs("GET", "/actuator/health", null, "admin")
                .body();
        RowResult res = lab.result(
                false, since(t0), "broken.yaml saved mid-burst; health names it: " + health.contains("broken.yaml"));
        return health.contains("broken.yaml") ? res : res.failedCheck("health does not name broken.yaml");
    }

    static RowResult badModel(FaultLab lab) throws Exception {
        startWithContext(lab);
        Path model = Files.createDirectories(lab.hub().work().resolve("models/broken-model"));
        Files.write(model.resolve("model.onnx"), "not an onnx model".getBytes());
        lab.drop("badmodel", 30);
        Files.writeString(lab.hub().work().resolve("routes/bad-model.yaml"), """
                - route:
                    id: bad-model-station
                    from:
                      uri: vision:bad-model-station
                      parameters:
                        source: sim
                        line: line-2
                        model: models/broken-model
                      steps:
                        - to: log:bad-model
                """);
        long t0 = System.nanoTime();
        lab.drop("afterbadmodel", 30);
        lab.awaitSettled(false, SETTLE);
        String health = lab.hub()
                .http()
                .sendAs("GET", "/actuator/health", null, "admin")
                .body();
        return lab.result(
                false,
                since(t0),
                "route with a corrupt model.onnx saved mid-burst; health names it: " + health.contains("bad-model"));
    }

    /** The 8-byte PNG signature and an IHDR chunk of the given size (8-bit gray), no image data. */
    static byte[] pngHeader(int width, int height) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        DataOutputStream c = new DataOutputStream(chunk);
        c.writeBytes("IHDR");
        c.writeInt(width);
        c.writeInt(height);
        c.write(new byte[] {8, 0, 0, 0, 0});
        byte[] body = chunk.toByteArray();
        out.writeInt(body.length - 4);
        out.write(body);
        CRC32 crc = new CRC32();
        crc.update(body);
        out.writeInt((int) crc.getValue());
        return b.toByteArray();
    }
}
