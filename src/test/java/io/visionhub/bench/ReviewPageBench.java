package io.visionhub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.VisionHubApplication;
import io.visionhub.event.Defect;
import io.visionhub.event.EventIds;
import io.visionhub.event.EventJson;
import io.visionhub.event.ImageRef;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.Latency;
import io.visionhub.event.ModelRef;
import io.visionhub.event.ProductionContext;
import io.visionhub.images.ImageStore;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.web.WebSession;
import io.visionhub.web.review.ReviewQueue;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The review queue page with a realistic backlog, on the whole hub (profiles isolated + api-only): records N
 * inspections through {@code ledger:record} (4 stations of line-1, 5 orders, lots of 500 parts; ~15 % NG or
 * UNCERTAIN with a defect class, so a few thousand parts await a disposition), then
 * <ol>
 * <li>server time per request (logged-in HTTP client, after a warm-up): /ui/review, /ui/review/items,
 * /ui/line/line-1, /ui/orders/PO-1, with the HTML size and the number of frame images the page asks for;</li>
 * <li>the query plans (EXPLAIN) of the queue's queries on this database;</li>
 * <li>page load in Debian's Chromium (navigation start to the load event; requests made before it).</li>
 * </ol>
 * Run: {@code bench/run ReviewPageBench [inspections=30000] [h2file|h2mem|postgres] [chromium=/usr/bin/chromium]}
 * (postgres: a fresh schema on 127.0.0.1:5432, db test, user postgres, dropped at the end).
 */
public final class ReviewPageBench {

    private static final String[] CLASSES = {"scratch", "dent", "stain", "crack"};

    @Configuration
    static class BenchRoute {
        @Bean
        RouteBuilder reviewBenchRoute() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:review-bench").to("ledger:record");
                }
            };
        }
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 30000;
        String db = args.length > 1 ? args[1] : "h2file";
        boolean pg = db.equals("postgres");
        String chromium = args.length > 2 ? args[2] : "/usr/bin/chromium";
        String schema = "review_bench_" + Long.toHexString(System.nanoTime());
        List<String> props = new ArrayList<>(List.of(
                "server.port=0",
                "visionhub.routes.dir=target/bench-no-routes",
                "logging.level.root=WARN",
                "logging.level.io.visionhub=WARN"));
        String pgUrl = "jdbc:postgresql://127.0.0.1:5432/test";
        if (db.equals("h2file")) {
            // the shipped settings (config/ledger.yaml: a file, a 2 MB page cache) on a fresh file under target/
            props.add("spring.datasource.url="
                    + LedgerTestSupport.shippedH2Url()
                            .replace(
                                    "./data/visionhub",
                                    Path.of("target", schema, "visionhub")
                                            .toAbsolutePath()
                                            .toString()));
        }
        if (pg) {
            try (Connection c = DriverManager.getConnection(pgUrl, "postgres", "");
                    Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA " + schema);
            }
            props.add("spring.datasource.url=" + pgUrl + "?currentSchema=" + schema);
            props.add("spring.datasource.username=postgres");
            props.add("spring.datasource.password=");
        }
        ConfigurableApplicationContext hub = new SpringApplicationBuilder(VisionHubApplication.class, BenchRoute.class)
                .profiles("isolated", "api-only")
                // as arguments: they win over application.yaml (default properties would not)
                .run(props.stream().map(x -> "--" + x).toArray(String[]::new));
        try {
            int port = ((WebServerApplicationContext) hub).getWebServer().getPort();
            ProducerTemplate template = hub.getBean(ProducerTemplate.class);
            String frame = hub.getBean(ImageStore.class).put(png());
            long t0 = System.nanoTime();
            seed(template, frame, n);
            JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
            if (pg) {
                jdbc.execute("ANALYZE");
            }
            Long awaiting = jdbc.queryForObject(
                    "SELECT COUNT(*) FROM inspection i WHERE i.result IN ('NG', 'UNCERTAIN') AND NOT EXISTS"
                            + " (SELECT 1 FROM disposition d WHERE d.target_id = i.id)",
                    Long.class);
            System.out.printf(
                    "database %s: %d inspections recorded in %.0f s, %d awaiting disposition%n",
                    pg ? "PostgreSQL" : db.equals("h2file") ? "H2 file (shipped settings)" : "H2 in memory",
                    n,
                    (System.nanoTime() - t0) / 1e9,
                    awaiting);

            MachineLoad load = MachineLoad.start();
            WebSession quality = new WebSession(() -> port);
            quality.login("quality", "quality-demo");
            for (String path : new String[] {"/ui/review", "/ui/review/items", "/ui/line/line-1", "/ui/orders/PO-1"}) {
                server(quality, path, 5, 10);
            }
            queue(hub.getBean(ReviewQueue.class));
            explain(jdbc, pg);
            browser(port, chromium, 5, "/ui/review", "/ui/line/line-1", "/ui/orders/PO-1");
            System.out.println("machine: " + load.summary());
        } finally {
            hub.close();
            if (pg) {
                try (Connection c = DriverManager.getConnection(pgUrl, "postgres", "");
                        Statement st = c.createStatement()) {
                    st.execute("DROP SCHEMA " + schema + " CASCADE");
                }
            }
        }
    }

    private static void seed(ProducerTemplate template, String frame, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Instant start = Instant.now().minusSeconds(n);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int station = t + 1;
            done.add(pool.submit(() -> {
                for (int i = station - 1; i < n; i += 4) {
                    template.requestBody("direct:review-bench", event(i, station, start.plusSeconds(i), frame));
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }

    private static void server(WebSession s, String path, int warmup, int runs) throws Exception {
        HttpResponse<String> r = null;
        for (int i = 0; i < warmup; i++) {
            r = s.get(path);
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + r.statusCode());
        }
        long[] ms = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            r = s.get(path);
            ms[i] = (System.nanoTime() - t) / 1_000_000;
        }
        Arrays.sort(ms);
        String body = r.body();
        System.out.printf(
                "server %-18s p50 %4d ms, max %4d ms (%d requests); %d KB of HTML, %d frame <img>%n",
                path, ms[runs / 2], ms[runs - 1], runs, body.length() / 1024, body.split("/ui/frames/", -1).length - 1);
    }

    /** The queue's queries alone (no HTTP, no template): what of the server time the database takes. */
    private static void queue(ReviewQueue queue) {
        ReviewQueue.Filter all = new ReviewQueue.Filter(null, null, null);
        for (int i = 0; i < 5; i++) {
            queue.page(all, 20);
        }
        long[] ms = new long[10];
        for (int i = 0; i < ms.length; i++) {
            long t = System.nanoTime();
            queue.page(all, 20);
            ms[i] = (System.nanoTime() - t) / 1_000_000;
        }
        Arrays.sort(ms);
        System.out.printf(
                "ReviewQueue.page (queries only, 20 cards) p50 %d ms, max %d ms (%d calls)%n",
                ms[ms.length / 2], ms[ms.length - 1], ms.length);
    }

    private static void explain(JdbcTemplate jdbc, boolean pg) {
        String awaiting = " FROM inspection i WHERE i.result IN ('NG', 'UNCERTAIN')"
                + " AND NOT EXISTS (SELECT 1 FROM disposition d WHERE d.target_type = 'INSPECTION'"
                + " AND d.target_id = i.id) AND (i.batch IS NULL OR NOT EXISTS (SELECT 1 FROM disposition l"
                + " WHERE l.target_type = 'LOT' AND l.target_id = i.batch))";
        String[][] queries = {
            {"count of awaiting parts", "SELECT COUNT(*)" + awaiting},
            {"newest page", "SELECT i.id" + awaiting + " ORDER BY i.capture_time DESC, i.ledger_seq DESC LIMIT 20"},
            {
                "counts per line/station/order",
                "SELECT i.line, i.station, i.production_order, COUNT(*)" + awaiting
                        + " GROUP BY i.line, i.station, i.production_order"
            },
        };
        for (String[] q : queries) {
            String plan = String.join(
                    "\n    ", jdbc.queryForList((pg ? "EXPLAIN ANALYZE " : "EXPLAIN ANALYZE ") + q[1], String.class));
            long t = System.nanoTime();
            jdbc.queryForList(q[1]);
            System.out.printf("EXPLAIN %s (%.1f ms):%n    %s%n", q[0], (System.nanoTime() - t) / 1e6, plan);
        }
    }

    private static void browser(int port, String chromium, int loads, String... paths) throws Exception {
        List<String> cmd = new ArrayList<>(
                List.of("node", "review-page-bench.js", "http://127.0.0.1:" + port, chromium, Integer.toString(loads)));
        cmd.addAll(List.of(paths));
        Process p = new ProcessBuilder(cmd)
                .directory(Path.of("src/test/browser").toFile())
                .redirectErrorStream(true)
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (!line.startsWith("{")) {
                System.err.println("node: " + line);
                continue;
            }
            JsonNode j = EventJson.mapper().readTree(line);
            if (j.has("failed")) {
                throw new IllegalStateException("browser failed: " + line);
            }
            if (j.path("step").asText().equals("loads")) {
                System.out.printf(
                        "browser %-16s load event p50 %4d ms, max %4d ms (%d loads); %d requests before load, %d of"
                                + " them frames%n",
                        j.path("path").asText(),
                        j.path("loadP50").asLong(),
                        j.path("loadMax").asLong(),
                        j.path("n").asInt(),
                        j.path("requestsBeforeLoad").asInt(),
                        j.path("framesBeforeLoad").asInt());
            }
        }
        p.waitFor(60, TimeUnit.SECONDS);
    }

    private static InspectionEvent event(int i, int station, Instant at, String frame) {
        int roll = Math.floorMod(i * 7919, 100);
        InspectionEvent.Verdict verdict = roll < 10
                ? InspectionEvent.Verdict.NG
                : roll < 15 ? InspectionEvent.Verdict.UNCERTAIN : InspectionEvent.Verdict.OK;
        List<Defect> defects = verdict == InspectionEvent.Verdict.NG
                ? List.of(new Defect(CLASSES[i % CLASSES.length], 0.9, new Defect.Box(1, 2, 10, 10)))
                : List.of();
        String order = "PO-" + (1 + (i / 2000) % 5);
        return new InspectionEvent(
                InspectionEvent.SCHEMA_VERSION,
                EventIds.newId(),
                "station-" + station,
                "cam-" + station,
                "line-1",
                at,
                at.plusMillis(20),
                new ModelRef("demo-anomaly", "1.0.0", "ab".repeat(32), "anomaly"),
                verdict,
                defects,
                verdict == InspectionEvent.Verdict.OK ? 0.1 : 0.9,
                new ImageRef(frame, "/api/images/" + frame, frame, "/api/images/" + frame, 64, 48),
                new ProductionContext(
                        "line-1", order, "P", "1", null, "LOT-" + (i / 500), null, "A", null, null, 1, at),
                InspectionEvent.ContextStatus.APPLIED,
                null,
                new Latency(1, 1, 10, 1, 13));
    }

    private static byte[] png() throws Exception {
        BufferedImage img = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ImageIO.write(img, "png", b);
        return b.toByteArray();
    }

    private ReviewPageBench() {}
}
