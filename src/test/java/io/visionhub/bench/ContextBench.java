package io.visionhub.bench;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.api.InspectionFilter;
import io.visionhub.api.InspectionPage;
import io.visionhub.api.InspectionQueries;
import io.visionhub.api.QualityQueries;
import io.visionhub.context.ContextConfiguration;
import io.visionhub.context.ContextEnricher;
import io.visionhub.context.ContextProperties;
import io.visionhub.context.ProductionContextStore;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.ModelRef;
import io.visionhub.event.ProductionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kamelet.KameletComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Figures for the production context and the inspection history API.
 * <ol>
 *   <li>Context lookup in the enrichment step ({@code contextEnricher.enrich}) on a real single-node Hazelcast
 *       member, line with 1,000 context versions, capture times spread over them: p50/p99/p99.9 per call, and
 *       per event through a Camel route calling the kamelet {@code production-context-action}. Target p99 &lt; 50 us.</li>
 *   <li>History query of one order with 100,000 stored inspections (plus 20,000 of another order): first page
 *       (50, newest first), a page deep in the order, filtered by result and defect class, and the order quality
 *       summary. H2 (file, as the hub runs by default) or PostgreSQL with {@code --postgres}. Target &lt; 200 ms.</li>
 * </ol>
 * Run: {@code bench/run ContextBench [--postgres] [--history-only]}
 */
public final class ContextBench {

    public static void main(String[] args) throws Exception {
        boolean postgres = Arrays.asList(args).contains("--postgres");
        if (!Arrays.asList(args).contains("--history-only")) {
            contextLookup();
        }
        history(postgres);
        System.exit(0);
    }

    // ------------------------------------------------------------------ context lookup

    static void contextLookup() throws Exception {
        HazelcastInstance member = Hazelcast.newHazelcastInstance(ContextConfiguration.memberConfig(
                new ContextProperties.Hazelcast("bench-" + UUID.randomUUID(), 0, List.of(), null, "127.0.0.1", true)));
        ProductionContextStore store =
                new ProductionContextStore(member.getMap("bench"), null, List.of(), 1000, null, Clock.systemUTC());
        store.start();
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        for (int v = 1; v <= 1000; v++) {
            store.update(
                    "line-1",
                    new ProductionContext(
                            "line-1",
                            "PO-" + v,
                            "MAT-1",
                            "1",
                            null,
                            "LOT-" + v,
                            "WC-1",
                            "A",
                            "OS-1",
                            null,
                            v,
                            t0.plusSeconds(60L * v)),
                    "BENCH",
                    "bench");
        }
        ContextEnricher enricher = new ContextEnricher(store);
        int n = 2_000_000;
        InspectionEvent[] events = new InspectionEvent[4096];
        for (int i = 0; i < events.length; i++) {
            events[i] = new InspectionEvent(
                    InspectionEvent.SCHEMA_VERSION,
                    UUID.randomUUID().toString(),
                    "station-1",
                    "cam-1",
                    "line-1",
                    t0.plusSeconds(60 + (long) (i * 14.6)),
                    null,
                    new ModelRef("demo", "1", "00", "anomaly"),
                    InspectionEvent.Verdict.OK,
                    List.of(),
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
        }
        long sink = 0;
        for (int i = 0; i < 500_000; i++) { // warm-up
            sink += enricher.enrich(events[i & 4095]).context().version();
        }
        long[] nanos = new long[n];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long a = System.nanoTime();
            InspectionEvent e = enricher.enrich(events[i & 4095]);
            nanos[i] = System.nanoTime() - a;
            sink += e.context().version();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        print("context lookup: contextEnricher.enrich (1,000 versions on the line)", nanos, 1e3, "us");
        System.out.printf("  throughput %.0f events/s (with timing overhead), checksum %d%n", n / seconds, sink);

        CamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("contextEnricher", enricher);
        camel.getComponent("kamelet", KameletComponent.class).setLocation("file:kamelets");
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:bench").to("kamelet:production-context-action");
            }
        });
        camel.start();
        ProducerTemplate producer = camel.createProducerTemplate();
        for (int i = 0; i < 100_000; i++) {
            producer.requestBody("direct:bench", events[i & 4095]);
        }
        int m = 300_000;
        long[] route = new long[m];
        for (int i = 0; i < m; i++) {
            long a = System.nanoTime();
            producer.requestBody("direct:bench", events[i & 4095]);
            route[i] = System.nanoTime() - a;
        }
        print(
                "enrichment step through Camel (direct -> kamelet production-context-action -> context:enrich)",
                route,
                1e3,
                "us");
        camel.stop();
        store.close();
        member.shutdown();
    }

    // ------------------------------------------------------------------ history

    static void history(boolean postgres) throws Exception {
        DataSource ds;
        String where;
        if (postgres) {
            String schema = "api_bench_" + Long.toHexString(System.nanoTime());
            ds = pool("jdbc:postgresql://127.0.0.1:5432/test?currentSchema=" + schema, "postgres");
            Flyway.configure()
                    .dataSource(ds)
                    .schemas(schema)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            where = "PostgreSQL 127.0.0.1:5432/test schema " + schema;
        } else {
            Path dir = Files.createTempDirectory("context-bench");
            // OPTIMIZE_REUSE_RESULTS=FALSE: H2 would otherwise answer a repeated query from its result cache
            ds = pool(
                    "jdbc:h2:file:" + dir.resolve("bench") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
                            + "DEFAULT_NULL_ORDERING=HIGH;OPTIMIZE_REUSE_RESULTS=FALSE",
                    "sa");
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            where = "H2 file " + dir;
        }
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        int perOrder = 100_000;
        long loadStart = System.nanoTime();
        int others = perOrder / 5;
        insert(jdbc, "PO-OTHER", others, 0);
        insert(jdbc, "PO-BENCH", perOrder, others);
        System.out.printf(
                "%nhistory: loaded %,d inspections (%,d in order PO-BENCH) into %s in %.1f s%n",
                others + perOrder, perOrder, where, (System.nanoTime() - loadStart) / 1e9);
        if (postgres) {
            jdbc.execute("ANALYZE");
        }
        NamedParameterJdbcTemplate named = new NamedParameterJdbcTemplate(ds);
        InspectionQueries queries = new InspectionQueries(named);
        QualityQueries quality = new QualityQueries(named);
        time("order PO-BENCH, first page of 50, newest first", 200, () -> check(queries.list(filter(null, null, 0))));
        time("order PO-BENCH, page at offset 50,000", 50, () -> check(queries.list(filter(null, null, 50_000))));
        time("order PO-BENCH, result NG, first page", 200, () -> check(queries.list(filter("NG", null, 0))));
        time(
                "order PO-BENCH, defect class scratch, first page",
                200,
                () -> check(queries.list(filter(null, "scratch", 0))));
        time(
                "order PO-BENCH quality summary (100,000 inspections)",
                20,
                () -> quality.orderSummary("PO-BENCH").orElseThrow());
        time(
                "lot trace of one batch (1,000 inspections)",
                50,
                () -> quality.lotTrace("LOT-BENCH-7", 1000).orElseThrow());
        if (postgres) {
            jdbc.execute("DROP SCHEMA " + where.substring(where.lastIndexOf(' ') + 1) + " CASCADE");
        }
    }

    /** A connection pool as the hub has (HikariCP): an H2 file database closes when its last connection does. */
    static DataSource pool(String url, String user) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(url);
        ds.setUsername(user);
        ds.setPassword("");
        ds.setMaximumPoolSize(4);
        return ds;
    }

    static InspectionFilter filter(String result, String defectClass, int offset) {
        return new InspectionFilter(null, null, "PO-BENCH", null, result, defectClass, null, null, offset, 50);
    }

    static Object check(InspectionPage page) {
        if (page.items().size() != 50) {
            throw new IllegalStateException(
                    "expected a full page, got " + page.items().size());
        }
        return page;
    }

    static void insert(JdbcTemplate jdbc, String order, int count, long seqBase) {
        Instant t0 = Instant.parse("2026-02-01T00:00:00Z");
        int batch = 2000;
        for (int from = 0; from < count; from += batch) {
            List<Object[]> rows = new ArrayList<>();
            List<Object[]> defects = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + batch); i++) {
                String id = UUID.randomUUID().toString();
                boolean ng = i % 20 == 0;
                Instant capture = t0.plusMillis(500L * i + (seqBase > 0 ? 1 : 0));
                rows.add(new Object[] {
                    id,
                    seqBase + i + 1,
                    "station-" + (i % 4),
                    "cam-1",
                    "line-1",
                    order,
                    (order.equals("PO-BENCH") ? "LOT-BENCH-" : "LOT-OTHER-") + (i / 1000),
                    i % 3 == 0 ? "A" : "B",
                    "MAT-1",
                    ng ? "NG" : "OK",
                    Timestamp.from(capture),
                    Timestamp.from(capture.plusMillis(80)),
                    "demo",
                    "1",
                    (double) (i % 100) / 100,
                    "part-" + i,
                    "{\"id\":\"" + id + "\"}"
                });
                if (ng) {
                    defects.add(new Object[] {id, 0, i % 40 == 0 ? "scratch" : "dent", 0.9});
                }
            }
            jdbc.batchUpdate(
                    "INSERT INTO inspection (id, ledger_seq, station, camera, line, production_order, batch, shift,"
                            + " product, result, capture_time, inference_time, model_name, model_version, anomaly_score, part_id,"
                            + " event_json) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    rows);
            jdbc.batchUpdate(
                    "INSERT INTO inspection_defect (inspection_id, idx, defect_class, confidence)"
                            + " VALUES (?,?,?,?)",
                    defects);
        }
    }

    interface Work {
        Object run() throws Exception;
    }

    static void time(String what, int runs, Work work) throws Exception {
        for (int i = 0; i < Math.max(3, runs / 10); i++) {
            work.run();
        }
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long a = System.nanoTime();
            work.run();
            nanos[i] = System.nanoTime() - a;
        }
        print(what, nanos, 1e6, "ms");
    }

    static void print(String what, long[] nanos, double unit, String unitName) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf(
                "%s%n  n=%,d  p50 %.3f %s  p99 %.3f %s  p99.9 %.3f %s  max %.3f %s%n",
                what,
                s.length,
                s[s.length / 2] / unit,
                unitName,
                s[(int) (s.length * 0.99)] / unit,
                unitName,
                s[Math.min(s.length - 1, (int) (s.length * 0.999))] / unit,
                unitName,
                s[s.length - 1] / unit,
                unitName);
    }

    static OffsetDateTime utc(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
