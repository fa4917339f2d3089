package io.visionhub.enterprise.outbox;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** An H2 database (PostgreSQL mode) with the hub's schema, and a way to record as the ledger does. */
public final class OutboxTestDb {

    private static final AtomicLong SEQ = new AtomicLong();
    private final DataSource dataSource;
    private final JdbcTemplate jdbc;

    private OutboxTestDb(DataSource ds) {
        this.dataSource = ds;
        this.jdbc = new JdbcTemplate(ds);
    }

    public static OutboxTestDb inMemory() {
        return at("jdbc:h2:mem:outbox-" + UUID.randomUUID() + ";MODE=PostgreSQL;DB_CLOSE_DELAY=-1");
    }

    public static OutboxTestDb at(String url) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser("sa");
        migrate(ds);
        return new OutboxTestDb(ds);
    }

    /**
     * A fresh schema with the hub's tables on the PostgreSQL at 127.0.0.1:5432 (db test, user postgres), the data
     * source set to it; the calling test is skipped (assumption) when no PostgreSQL answers. Drop it with
     * {@link #dropPostgresSchema}.
     */
    public static PGSimpleDataSource postgresSchema() throws SQLException {
        PGSimpleDataSource ds = postgresEmptySchema();
        migrate(ds);
        return ds;
    }

    /** {@link #postgresSchema} without the hub's tables (a test that migrates step by step). */
    public static PGSimpleDataSource postgresEmptySchema() throws SQLException {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setURL("jdbc:postgresql://127.0.0.1:5432/test");
        ds.setUser("postgres");
        ds.setConnectTimeout(2);
        boolean up;
        try (Connection c = ds.getConnection()) {
            up = c.isValid(2);
        } catch (SQLException e) {
            up = false;
        }
        assumeTrue(up, "PostgreSQL not reachable on 127.0.0.1:5432 (db test, user postgres)");
        String schema =
                "outbox_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        new JdbcTemplate(ds).execute("CREATE SCHEMA " + schema);
        ds.setCurrentSchema(schema);
        return ds;
    }

    /** Drops the schema of {@link #postgresSchema} (null: the test was skipped, nothing to drop). */
    public static void dropPostgresSchema(PGSimpleDataSource ds) {
        if (ds != null && ds.getCurrentSchema() != null) {
            new JdbcTemplate(ds).execute("DROP SCHEMA " + ds.getCurrentSchema() + " CASCADE");
        }
    }

    /** The hub's own schema (the ledger's V1 tables, the outbox audit of V30 …), as Flyway builds it at start. */
    public static void migrate(DataSource ds) {
        Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** What the ledger's append does: the inspection row and its outbox rows. */
    public void record(InspectionEvent e, String target, String documentType, String key) {
        jdbc.update(
                "MERGE INTO inspection (id, ledger_seq, station, line, production_order, result, event_json) KEY (id) "
                        + "VALUES (?,?,?,?,?,?,?)",
                e.id(),
                SEQ.incrementAndGet() + System.nanoTime(),
                e.station(),
                e.line(),
                e.context() == null ? null : e.context().productionOrder(),
                e.result().name(),
                EventJson.toJson(e));
        new OutboxRepository(dataSource).insert(e.id(), target, documentType, key, Instant.now());
    }

    public long count(String status) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM outbox WHERE status = ?", Long.class, status);
    }
}
