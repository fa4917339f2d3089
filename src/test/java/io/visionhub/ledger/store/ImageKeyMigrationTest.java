package io.visionhub.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.LedgerTestSupport;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Flyway V73: inspection's image hashes are indexed by a 64-bit key, which the writer stores with each inspection and
 * the migration computes, in the database's SQL, for the rows of an upgraded database; the table stays append-only. H2 here, PostgreSQL in
 * {@link PostgresImageKeyMigrationTest}.
 */
class ImageKeyMigrationTest {

    static final String FRAME = "0123456789abcdef" + "f".repeat(48);
    static final String ANNOTATED = "fedcba9876543210" + "0".repeat(48);

    @TempDir
    Path dir;

    private HikariDataSource ds;

    /** An empty database, not migrated. */
    protected HikariConfig emptyDatabase(Path dir) {
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(LedgerTestSupport.h2Url(dir));
        cfg.setUsername("sa");
        cfg.setPassword("");
        return cfg;
    }

    protected HikariDataSource migratedDatabase(Path dir) {
        return LedgerTestSupport.h2(dir);
    }

    protected void dropDatabase(HikariDataSource ds) {}

    @AfterEach
    void close() {
        if (ds != null) {
            dropDatabase(ds);
            ds.close();
        }
    }

    private Flyway flyway(String target) {
        var c = Flyway.configure()
                .dataSource(ds)
                .locations("classpath:db/migration")
                .javaMigrations(AppendOnlyMigration.all())
                .outOfOrder(true);
        if (ds.getSchema() != null) {
            c = c.schemas(ds.getSchema());
        }
        return (target == null ? c : c.target(target)).load();
    }

    @Test
    void theKeyIsTheHashsFirst60Bits() {
        assertThat(ImageKey.of(FRAME)).isEqualTo(0x0123456789abcdeL);
        assertThat(ImageKey.of(ANNOTATED)).isEqualTo(0xfedcba987654321L);
        assertThat(ImageKey.of("f".repeat(64))).isEqualTo(0xfffffffffffffffL).isPositive();
        // what the image store never writes has no key: such a row is found by its hash alone
        assertThat(ImageKey.of(null)).isNull();
        assertThat(ImageKey.of("0123456789ABCDEF" + "0".repeat(48))).isNull();
        assertThat(ImageKey.of("not-a-hash")).isNull();
        assertThat(ImageKey.of("0123456789abcd")).isNull();
    }

    @Test
    void recordedInspectionsGetTheKeysOfTheirFrameAndAnnotatedCopy() {
        ds = migratedDatabase(dir);
        LedgerFixture f = new LedgerFixture(dir, ds);
        try {
            InspectionEvent e = LedgerTestSupport.withImage(LedgerTestSupport.event(), FRAME, ANNOTATED);
            InspectionEvent plain = LedgerTestSupport.event();
            // bad input: a hash that is not lower-case hex is still recorded (the schema refuses it at the MQTT input,
            // other writers are not refused by the key): it gets no key
            InspectionEvent odd = LedgerTestSupport.withImage(LedgerTestSupport.event(), "NOT-A-HASH", null);
            f.ledger.append(e, List.of());
            f.ledger.append(plain, List.of());
            f.ledger.append(odd, List.of());

            JdbcTemplate jdbc = new JdbcTemplate(ds);
            assertThat(keys(jdbc, e.id())).containsExactly(0x0123456789abcdeL, 0xfedcba987654321L);
            assertThat(keys(jdbc, plain.id())).containsExactly(null, null);
            assertThat(keys(jdbc, odd.id())).containsExactly(null, null);
            assertThat(jdbc.queryForObject(
                            "SELECT id FROM inspection WHERE image_key = ? AND image_sha256 = ?",
                            String.class,
                            ImageKey.of(FRAME),
                            FRAME))
                    .isEqualTo(e.id());
            if (DatabaseKind.of(jdbc) == DatabaseKind.H2) { // the pruner's look-up goes through the key's index
                assertThat(String.join(
                                "\n",
                                jdbc.queryForList(
                                        "EXPLAIN SELECT ledger_seq FROM inspection WHERE image_key = ? "
                                                + "AND image_sha256 = ?",
                                        String.class,
                                        ImageKey.of(FRAME),
                                        FRAME)))
                        .contains("ix_inspection_image_key");
            }
        } finally {
            f.ledger.close();
        }
    }

    @Test
    void anUpgradedDatabaseGetsTheKeysOfItsRowsAndStaysAppendOnly() {
        ds = new HikariDataSource(emptyDatabase(dir));
        flyway("72").migrate();
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        jdbc.update(
                "INSERT INTO inspection (id, ledger_seq, station, result, image_sha256, annotated_sha256, event_json) "
                        + "VALUES ('before-v73', 0, 'station-1', 'NG', ?, ?, '{}')",
                FRAME,
                ANNOTATED);

        List<String> hashes = new java.util.ArrayList<>();
        java.util.Random random = new java.util.Random(73);
        for (int i = 1; i <= 40; i++) {
            byte[] b = new byte[32];
            random.nextBytes(b);
            hashes.add(java.util.HexFormat.of().formatHex(b));
            jdbc.update(
                    "INSERT INTO inspection (id, ledger_seq, station, result, image_sha256, event_json) "
                            + "VALUES (?, ?, 'station-1', 'OK', ?, '{}')",
                    "random-" + i,
                    i,
                    hashes.get(i - 1));
        }

        flyway(null).migrate();

        // the migration's SQL computed what ImageKey.of does, for every hash
        for (int i = 1; i <= 40; i++) {
            assertThat(keys(jdbc, "random-" + i)).containsExactly(ImageKey.of(hashes.get(i - 1)), null);
        }

        assertThat(keys(jdbc, "before-v73")).containsExactly(0x0123456789abcdeL, 0xfedcba987654321L);
        assertThat(indexes(jdbc))
                .hasEntrySatisfying(
                        "ix_inspection_image_key", d -> assertThat(d).contains("image_key"))
                .hasEntrySatisfying(
                        "ix_inspection_annotated_key", d -> assertThat(d).contains("annotated_key"))
                .doesNotContainKeys("ix_inspection_image_sha", "ix_inspection_annotated_sha");
        assertThatThrownBy(() -> jdbc.update("UPDATE inspection SET result = 'OK'"))
                .isInstanceOfSatisfying(
                        DataAccessException.class,
                        e -> assertThat(e.getMostSpecificCause().getMessage())
                                .contains("ledger table inspection is append-only"));
    }

    private static List<Long> keys(JdbcTemplate jdbc, String id) {
        return jdbc.queryForObject(
                "SELECT image_key, annotated_key FROM inspection WHERE id = ?",
                (rs, n) ->
                        java.util.Arrays.asList((Long) rs.getObject(1, Long.class), (Long) rs.getObject(2, Long.class)),
                id);
    }

    /** The inspection table's indexes: name -> a text that names its first column. */
    protected Map<String, String> indexes(JdbcTemplate jdbc) {
        Map<String, String> out = new java.util.TreeMap<>();
        jdbc.query(
                "SELECT index_name, column_name FROM information_schema.index_columns "
                        + "WHERE table_name = 'inspection' AND ordinal_position = 1",
                rs -> {
                    out.put(rs.getString(1), rs.getString(2));
                });
        return out;
    }
}
