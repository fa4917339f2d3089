package io.visionhub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.VisionHubApplication;
import io.visionhub.event.EventIds;
import io.visionhub.event.EventJson;
import io.visionhub.event.ImageRef;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.Latency;
import io.visionhub.event.ModelRef;
import io.visionhub.event.ProductionContext;
import io.visionhub.images.ImageStore;
import io.visionhub.web.LineBoard;
import io.visionhub.web.LiveStream;
import io.visionhub.web.WebSession;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The line screen under load, on the whole hub (profiles isolated + api-only; each inspection goes through
 * {@code ledger:record} then {@code quality:inspection}, as the inspection route does):
 * <ol>
 * <li>page load: Chromium loads /ui/line/line-1 N times (to the load event, and to the live stream open);</li>
 * <li>result-to-screen latency: 4 stations at 10 fps each for S seconds, one Chromium page open; the page measures
 * now − capture time of each new row (same machine clock); p50/p99;</li>
 * <li>inspection throughput: 4 threads record inspections as fast as they can for S seconds, with no screen
 * connected, then with 10 SSE clients on the line's stream (HTTP clients logged in as operator that read every event),
 * alternated (in both orders) four times after a warm-up round, on an H2 file database as the demo runs it (the figures say how many messages the clients read, and whether any
 * was too slow and told to reload).</li>
 * </ol>
 * Run: {@code bench/run LineScreenBench [seconds=20] [pageLoads=20] [chromium=/usr/bin/chromium]}
 */
public final class LineScreenBench {

    @Configuration
    static class BenchRoute {
        @Bean
        RouteBuilder benchInspectionRoute() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:bench-inspection").to("ledger:record").to("quality:inspection");
                }
            };
        }
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int pageLoads = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        String chromium = args.length > 2 ? args[2] : "/usr/bin/chromium";
        ConfigurableApplicationContext hub = new SpringApplicationBuilder(VisionHubApplication.class, BenchRoute.class)
                .profiles("isolated", "api-only")
                .properties(
                        "server.port=0",
                        // an H2 file, as the demo runs it (in memory, hundreds of thousands of records fill the heap
                        // and slow every later round)
                        "spring.datasource.url=jdbc:h2:file:./target/bench-web/hub-" + System.nanoTime()
                                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;"
                                + "DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;CACHE_SIZE=2048",
                        "visionhub.routes.dir=target/bench-no-routes",
                        "logging.level.root=WARN",
                        "logging.level.io.visionhub=WARN")
                .run();
        try {
            int port = ((WebServerApplicationContext) hub).getWebServer().getPort();
            ProducerTemplate template = hub.getBean(ProducerTemplate.class);
            String frame = hub.getBean(ImageStore.class).put(png());
            pushContext(port);
            for (int s = 1; s <= 4; s++) {
                template.requestBody("direct:bench-inspection", event("station-" + s, frame));
            }
            MachineLoad load = MachineLoad.start();

            // 1 and 2: Chromium
            Process p = new ProcessBuilder(
                            "node",
                            "line-screen-bench.js",
                            "http://127.0.0.1:" + port,
                            chromium,
                            Integer.toString(pageLoads))
                    .directory(Path.of("src/test/browser").toFile())
                    .redirectErrorStream(true)
                    .start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
            JsonNode loads = step(out, "loads");
            System.out.printf(
                    "page load /ui/line/line-1 (%d loads): load event p50 %d ms, max %d ms; live stream open p50 %d ms,"
                            + " max %d ms (target < 1 s)%n",
                    loads.path("n").asInt(),
                    loads.path("loadP50").asLong(),
                    loads.path("loadMax").asLong(),
                    loads.path("liveP50").asLong(),
                    loads.path("liveMax").asLong());
            step(out, "ready");
            long sent = paced(template, frame, 4, 10, seconds);
            Thread.sleep(1500);
            in.write("report\n");
            in.flush();
            JsonNode lat = step(out, "latency");
            System.out.printf(
                    "result-to-screen, 4 stations x 10 fps for %d s (%d sent, %d seen): p50 %d ms, p99 %d ms, max %d ms"
                            + " (target p99 < 1000 ms)%n",
                    seconds,
                    sent,
                    lat.path("n").asInt(),
                    lat.path("p50").asLong(),
                    lat.path("p99").asLong(),
                    lat.path("max").asLong());
            in.write("end\n");
            in.flush();
            p.waitFor(30, TimeUnit.SECONDS);
            p.destroy();

            // 3: throughput without and with 10 SSE clients, alternated
            LiveStream stream = hub.getBean(LiveStream.class);
            LineBoard board = hub.getBean(LineBoard.class);
            flat(template, frame, seconds); // JIT warm-up of the whole path, not counted
            int rounds = 4;
            double[] none = new double[rounds];
            double[] ten = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                // alternated order (none first, then the clients first, ...): the database grows with every
                // round, and whichever goes second would otherwise always see a larger one
                boolean clientsFirst = round % 2 == 1;
                if (!clientsFirst) {
                    none[round] = flat(template, frame, seconds);
                }
                List<SseClient> clients = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    clients.add(new SseClient(port));
                }
                Thread.sleep(500);
                long droppedBefore = stream.dropped();
                ten[round] = flat(template, frame, seconds);
                long events = clients.stream().mapToLong(c -> c.events.get()).sum();
                int connected = stream.clients();
                clients.forEach(SseClient::close);
                Thread.sleep(500);
                if (clientsFirst) {
                    none[round] = flat(template, frame, seconds);
                }
                System.out.printf(
                        "throughput round %d: no screen %.0f inspections/s; 10 SSE clients %.0f inspections/s (%d"
                                + " inspection messages read by the clients, %d of 10 still connected, %d told to"
                                + " reload; renderer drops so far %d)%n",
                        round + 1,
                        none[round],
                        ten[round],
                        events,
                        connected,
                        stream.dropped() - droppedBefore,
                        board.renderDropped());
            }
            double a = java.util.Arrays.stream(none).sum() / rounds;
            double b = java.util.Arrays.stream(ten).sum() / rounds;
            System.out.printf(
                    "throughput: no screen %.0f/s, 10 SSE clients %.0f/s: %.1f %% lower (target < 5 %%)%n",
                    a, b, (a - b) / a * 100);
            System.out.println("machine: " + load.summary());
        } finally {
            hub.close();
        }
        System.exit(0); // the hub's non-daemon threads (Hazelcast, brokers) would keep the JVM alive
    }

    /** stations x fps inspections per second, one scheduled sender per station; returns how many were sent. */
    private static long paced(ProducerTemplate template, String frame, int stations, int fps, int seconds)
            throws InterruptedException {
        ScheduledExecutorService pool = Executors.newScheduledThreadPool(stations);
        AtomicLong sent = new AtomicLong();
        for (int s = 1; s <= stations; s++) {
            String station = "station-" + s;
            pool.scheduleAtFixedRate(
                    () -> {
                        template.requestBody("direct:bench-inspection", event(station, frame));
                        sent.incrementAndGet();
                    },
                    s * 20L,
                    1000 / fps,
                    TimeUnit.MILLISECONDS);
        }
        Thread.sleep(seconds * 1000L);
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        return sent.get();
    }

    /** Inspections per second recorded by 4 threads going as fast as they can. */
    private static double flat(ProducerTemplate template, String frame, int seconds) throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int s = 1; s <= 4; s++) {
            String station = "station-" + s;
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    template.requestBody("direct:bench-inspection", event(station, frame));
                    done.incrementAndGet();
                }
            });
            t.start();
            threads.add(t);
        }
        Thread.sleep(2000); // warm-up
        long from = done.get();
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long n = done.get() - from;
        double rate = n / ((System.nanoTime() - t0) / 1e9);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        return rate;
    }

    /** A logged-in operator reading /ui/stream?line=line-1 to the end, counting events. */
    static final class SseClient {
        final AtomicLong events = new AtomicLong();
        final Thread reader;
        volatile InputStream body;

        SseClient(int port) throws Exception {
            WebSession session = new WebSession(() -> port);
            session.login("operator", "operator-demo");
            HttpClient http = session.client();
            HttpResponse<InputStream> r = http.send(
                    HttpRequest.newBuilder(session.uri("/ui/stream?line=line-1"))
                            .header("Accept", "text/event-stream")
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            body = r.body();
            reader = new Thread(() -> {
                try (BufferedReader b = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = b.readLine()) != null) {
                        if (line.startsWith("event:inspection")) {
                            events.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        void close() {
            try {
                body.close();
            } catch (Exception e) {
                // gone
            }
        }
    }

    private static void pushContext(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/api/context/line-1"))
                                .header("X-API-Key", "demo-mes-key")
                                .header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString(
                                        "{\"productionOrder\":\"PO-BENCH\",\"product\":\"P\",\"batch\":\"L1\","
                                                + "\"shift\":\"A\",\"specVersion\":\"1\",\"version\":1}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException("context push failed: " + r.statusCode() + " " + r.body());
        }
    }

    private static JsonNode step(BufferedReader out, String name) throws Exception {
        String line;
        while ((line = out.readLine()) != null) {
            if (!line.startsWith("{")) {
                System.err.println("node: " + line);
                continue;
            }
            JsonNode n = EventJson.mapper().readTree(line);
            if (n.has("failed")) {
                throw new IllegalStateException("browser failed: " + line);
            }
            if (name.equals(n.path("step").asText())) {
                return n;
            }
        }
        throw new IllegalStateException("browser script ended before " + name);
    }

    private static InspectionEvent event(String station, String frame) {
        Instant at = Instant.now();
        boolean ng = Math.random() < 0.1;
        return new InspectionEvent(
                InspectionEvent.SCHEMA_VERSION,
                EventIds.newId(),
                station,
                "cam-" + station,
                "line-1",
                at,
                at.plusMillis(20),
                new ModelRef("demo-anomaly", "1.0.0", "ab".repeat(32), "anomaly"),
                ng ? InspectionEvent.Verdict.NG : InspectionEvent.Verdict.OK,
                List.of(),
                ng ? 0.9 : 0.1,
                new ImageRef(frame, "/api/images/" + frame, null, null, 64, 48),
                new ProductionContext(
                        "line-1", "PO-BENCH", "P", "1", null, "L1", null, "A", null, null, 1, at.minusSeconds(60)),
                InspectionEvent.ContextStatus.APPLIED,
                null,
                new Latency(1, 1, 10, 1, 13));
    }

    private static byte[] png() throws Exception {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(img, "png", b);
        return b.toByteArray();
    }

    private LineScreenBench() {}
}
