package io.visionhub.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.Defect;
import io.visionhub.event.EventIds;
import io.visionhub.event.ImageRef;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.Latency;
import io.visionhub.event.ModelRef;
import io.visionhub.event.ProductionContext;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.store.AppendOnlyMigration;
import io.visionhub.ledger.store.DatabaseKind;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.core.JdbcTemplate;

/** Test helpers: an H2 file database migrated by Flyway, events, and a ledger wired like the application. */
public final class LedgerTestSupport {

    private LedgerTestSupport() {}

    /** The H2 URL the hub ships with (config/ledger.yaml), file ./data/visionhub. */
    public static String shippedH2Url() {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("config/ledger.yaml"));
        return yaml.getObject().getProperty("spring.datasource.url");
    }

    /** The shipped H2 URL, with its settings, on a database file in this folder. */
    public static String h2Url(Path dir) {
        return shippedH2Url()
                .replace(
                        "./data/visionhub",
                        dir.resolve("visionhub").toAbsolutePath().toString());
    }

    public static HikariDataSource h2(Path dir) {
        return dataSource(h2Url(dir), "sa", "", null);
    }

    /** As {@link #h2}, with the pool settings the hub ships (config/ledger.yaml's spring.datasource.hikari.*). */
    public static HikariDataSource h2AsShipped(Path dir) {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("config/ledger.yaml"));
        String override = yaml.getObject().getProperty("spring.datasource.hikari.exception-override-class-name");
        return dataSource(h2Url(dir), "sa", "", null, c -> {
            if (override != null) {
                c.setExceptionOverrideClassName(override);
            }
        });
    }

    public static final String PG_URL = System.getProperty(
            "visionhub.test.pg-url", "jdbc:postgresql://127.0.0.1:5432/test?reWriteBatchedInserts=true");

    /** Whether the test PostgreSQL (127.0.0.1:5432, db test, user postgres) answers. */
    public static boolean postgresAvailable() {
        try (Connection c = DriverManager.getConnection(PG_URL + "&connectTimeout=2", "postgres", "")) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    /** A fresh schema on the test PostgreSQL, migrated; drop it with {@link #dropSchema}. */
    public static HikariDataSource postgres(String schema) {
        return dataSource(PG_URL, "postgres", "", schema);
    }

    public static void dropSchema(DataSource ds, String schema) {
        new JdbcTemplate(ds).execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    public static String uniqueSchema() {
        return "ledger_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    public static HikariDataSource dataSource(String url, String user, String password, String schema) {
        return dataSource(url, user, password, schema, c -> {});
    }

    static HikariDataSource dataSource(
            String url, String user, String password, String schema, java.util.function.Consumer<HikariConfig> more) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        c.setUsername(user);
        c.setPassword(password);
        c.setMaximumPoolSize(4);
        if (schema != null) {
            c.setSchema(schema);
        }
        more.accept(c);
        HikariDataSource ds = new HikariDataSource(c);
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .javaMigrations(AppendOnlyMigration.all())
                .schemas(schema == null ? new String[0] : new String[] {schema})
                .load()
                .migrate();
        return ds;
    }

    /** What an attacker with database admin rights does first: remove the append-only triggers. */
    public static void removeProtection(DataSource ds) {
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        boolean pg = DatabaseKind.of(jdbc) == DatabaseKind.POSTGRESQL;
        for (String t : AppendOnlyMigration.TABLES) {
            if (pg) {
                jdbc.execute("ALTER TABLE " + t + " DISABLE TRIGGER USER");
            } else {
                jdbc.execute("DROP TRIGGER IF EXISTS " + t + "_append_only");
            }
        }
    }

    public static LedgerProperties props(Path dir) {
        LedgerProperties p = LedgerProperties.defaults();
        p = p.withHeads(p.heads()
                .withFiles(
                        dir.resolve("keys/ledger.p12").toString(),
                        "test-password",
                        dir.resolve("heads.jsonl").toString())
                .withEveryRecords(10)
                .withEvery(Duration.ofHours(1)));
        return p;
    }

    public static KeystoreTreeHeadSigner signer(LedgerProperties p) {
        return KeystoreTreeHeadSigner.openOrCreate(
                Path.of(p.heads().keystore()),
                p.heads().keystorePassword().toCharArray(),
                p.heads().keyAlias());
    }

    public static JdbcInspectionLedger ledger(DataSource ds, LedgerProperties p) {
        return ledger(ds, p, signer(p));
    }

    public static JdbcInspectionLedger ledger(DataSource ds, LedgerProperties p, KeystoreTreeHeadSigner signer) {
        JdbcInspectionLedger l = new JdbcInspectionLedger(ds, p, signer, Clock.systemUTC());
        l.addHeadListener(new HeadsFile(Path.of(p.heads().file())));
        l.start();
        return l;
    }

    /** An NG inspection with two defects and an id as the hub makes them (time-ordered, {@link EventIds}). */
    public static InspectionEvent event() {
        return event(EventIds.newId(), InspectionEvent.Verdict.NG, null);
    }

    /** As {@link #event()}, at another station (the cluster tests give each node's stations their own names). */
    public static InspectionEvent eventAt(String station) {
        InspectionEvent e = event();
        return new InspectionEvent(
                e.schemaVersion(),
                e.id(),
                station,
                e.camera(),
                e.line(),
                e.captureTime(),
                e.inferenceTime(),
                e.model(),
                e.result(),
                e.defects(),
                e.anomalyScore(),
                e.image(),
                e.context(),
                e.contextStatus(),
                e.partId(),
                e.latency());
    }

    /** {@code e} with a stored frame {@code sha} and an annotated copy {@code annotatedSha} (null: none). */
    public static InspectionEvent withImage(InspectionEvent e, String sha, String annotatedSha) {
        return e.withImage(new ImageRef(
                sha,
                "/api/images/" + sha,
                annotatedSha,
                annotatedSha == null ? null : "/api/images/" + annotatedSha,
                64,
                48));
    }

    public static InspectionEvent event(String id, InspectionEvent.Verdict verdict, String imageSha) {
        Instant t = Instant.parse("2026-11-25T01:00:00.123456Z");
        ProductionContext ctx = new ProductionContext(
                "line-1",
                "PO-1001",
                "P-42",
                "S-3",
                Map.of("width", new ProductionContext.Limit(9.9, 10.0, 10.1, "mm")),
                "LOT-7",
                "WC-1",
                "A",
                "OS-1",
                "8900001",
                3,
                t.minusSeconds(3600));
        return new InspectionEvent(
                InspectionEvent.SCHEMA_VERSION,
                id,
                "station-1",
                "cam-1",
                "line-1",
                t,
                t.plusMillis(40),
                new ModelRef("demo-anomaly", "1.0", "ab".repeat(32), "anomaly"),
                verdict,
                verdict == InspectionEvent.Verdict.NG
                        ? List.of(
                                new Defect("scratch", 0.91, new Defect.Box(10, 20, 30, 40)),
                                new Defect("dent", 0.55, null))
                        : List.of(),
                0.87,
                imageSha == null ? null : new ImageRef(imageSha, "/api/images/" + imageSha, null, null, 64, 48),
                ctx,
                InspectionEvent.ContextStatus.APPLIED,
                "part-" + id.substring(0, Math.min(4, id.length())),
                new Latency(1, 2, 30, 3, 36));
    }
}
