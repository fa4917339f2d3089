package io.visionhub.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hazelcast.core.HazelcastInstance;
import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.ProductionContext;
import io.visionhub.ledger.LedgerTestSupport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Pushes that would lock a line (validFrom far ahead, a huge version jump) are refused, and a line that an earlier hub
 * let lock is reset by a person: recorded in the history table, pushes work again, also after restarts. Each "hub"
 * is a real Hazelcast member with the store and the history table on H2 or PostgreSQL; a restart is a new member
 * that restores the map from the table.
 */
class ContextResetTest {

    @TempDir
    Path dir;

    static ProductionContext ctx(String order, long version, Instant from) {
        return new ProductionContext(null, order, "MAT", "1", null, "LOT", null, "A", null, null, version, from);
    }

    /** One hub: a single Hazelcast member, the store on it and the history table. */
    record Hub(HazelcastInstance member, ProductionContextStore store) implements AutoCloseable {
        static Hub start(HikariDataSource ds, Duration skew) {
            HazelcastInstance m = TestMembers.single();
            ProductionContextStore s = new ProductionContextStore(
                    m.getMap("ctx"),
                    new JdbcContextHistoryLog(new NamedParameterJdbcTemplate(ds)),
                    List.of("line-1"),
                    100,
                    null,
                    Clock.systemUTC(),
                    skew,
                    ContextProperties.DEFAULT_MAX_VERSION_STEP);
            s.start();
            return new Hub(m, s);
        }

        @Override
        public void close() {
            store.close();
            member.shutdown();
        }
    }

    private HikariDataSource database(String engine, List<String> schemaOut) {
        if ("postgres".equals(engine)) {
            Assumptions.assumeTrue(LedgerTestSupport.postgresAvailable(), "PostgreSQL at 127.0.0.1:5432 not reachable");
            String schema = LedgerTestSupport.uniqueSchema();
            schemaOut.add(schema);
            return LedgerTestSupport.postgres(schema);
        }
        return LedgerTestSupport.h2(dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aValidFromBeyondTheClockSkewAndAHugeVersionJumpAreRefusedNamingFieldAndLimit(String engine) {
        List<String> schema = new ArrayList<>();
        HikariDataSource ds = database(engine, schema);
        try (Hub hub = Hub.start(ds, ContextProperties.DEFAULT_MAX_CLOCK_SKEW)) {
            ProductionContextStore s = hub.store();
            assertThatThrownBy(() ->
                            s.update("line-1", ctx("PO-FAR", 0, Instant.parse("2999-01-01T00:00:00Z")), "TEST", "mes"))
                    .isInstanceOfSatisfying(ContextRefusedException.class, e -> {
                        assertThat(e.reason()).isEqualTo(ContextRefusedException.Reason.INVALID);
                        assertThat(e.field()).isEqualTo("validFrom");
                    })
                    .hasMessageContaining("2999-01-01T00:00:00Z")
                    .hasMessageContaining("PT5M")
                    .hasMessageContaining("visionhub.context.max-clock-skew");
            // within the skew: accepted
            Instant soon = Instant.now().plusSeconds(60);
            assertThat(s.update("line-1", ctx("PO-1", 20261205000000L, soon), "TEST", "mes")
                            .version())
                    .isEqualTo(20261205000000L);
            // the README's example version right after a timestamp-style version: refused, nothing stored
            assertThatThrownBy(
                            () -> s.update("line-1", ctx("PO-2", 99999999999999L, soon.plusSeconds(1)), "TEST", "mes"))
                    .isInstanceOfSatisfying(ContextRefusedException.class, e -> {
                        assertThat(e.reason()).isEqualTo(ContextRefusedException.Reason.INVALID);
                        assertThat(e.field()).isEqualTo("version");
                    })
                    .hasMessageContaining("99999999999999")
                    .hasMessageContaining("visionhub.context.max-version-step");
            assertThatThrownBy(
                            () -> s.update("line-1", ctx("PO-2", Long.MAX_VALUE, soon.plusSeconds(1)), "TEST", "mes"))
                    .isInstanceOfSatisfying(
                            ContextRefusedException.class,
                            e -> assertThat(e.field()).isEqualTo("version"));
            // the next timestamp version still goes in: the line is not locked
            assertThat(s.update("line-1", ctx("PO-3", 20261205001000L, soon.plusSeconds(2)), "TEST", "mes")
                            .version())
                    .isEqualTo(20261205001000L);
            assertThat(new JdbcTemplate(ds)
                            .queryForObject(
                                    "SELECT COUNT(*) FROM production_context_change WHERE line = 'line-1'",
                                    Integer.class))
                    .isEqualTo(2);
        } finally {
            schema.forEach(sc -> LedgerTestSupport.dropSchema(ds, sc));
            ds.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aLockedLineIsResetByAPersonRecordedAndTakesPushesAgainAlsoAfterRestarts(String engine) {
        List<String> schema = new ArrayList<>();
        HikariDataSource ds = database(engine, schema);
        try {
            // a hub that let a far-future validFrom in (as the hub did before max-clock-skew) locks the line
            try (Hub old = Hub.start(ds, Duration.ofDays(400_000))) {
                old.store().update("line-1", ctx("PO-LOCK", 0, Instant.parse("2999-01-01T00:00:00Z")), "REST", "mes");
            }
            // restarted with today's settings: still locked (409 on every push) until someone resets the line
            try (Hub hub = Hub.start(ds, ContextProperties.DEFAULT_MAX_CLOCK_SKEW)) {
                assertThat(hub.store().latest("line-1"))
                        .get()
                        .extracting(ProductionContext::productionOrder)
                        .isEqualTo("PO-LOCK");
                assertThatThrownBy(() -> hub.store().update("line-1", ctx("PO-1", 0, null), "REST", "mes"))
                        .isInstanceOfSatisfying(
                                ContextRefusedException.class,
                                e -> assertThat(e.reason()).isEqualTo(ContextRefusedException.Reason.STALE));
                assertThatThrownBy(() -> hub.store().reset("line-1", " ", "integrator.ann"))
                        .isInstanceOfSatisfying(
                                ContextRefusedException.class,
                                e -> assertThat(e.field()).isEqualTo("reason"));

                ProductionContextStore.ContextReset r = hub.store()
                        .reset("line-1", "MES pushed validFrom 2999-01-01 by mistake (ticket 4711)", "integrator.ann");
                assertThat(r.epoch()).isEqualTo(1);
                assertThat(r.discarded().productionOrder()).isEqualTo("PO-LOCK");
                assertThat(hub.store().at("line-1", Instant.now())).isNull();
                ProductionContext first = hub.store().update("line-1", ctx("PO-1", 0, null), "REST", "mes");
                assertThat(first.version()).isEqualTo(1);
                assertThat(hub.store().at("line-1", Instant.now()).productionOrder())
                        .isEqualTo("PO-1");
            }
            // after another restart: the reset holds, the new order applies and pushes go on
            try (Hub hub = Hub.start(ds, ContextProperties.DEFAULT_MAX_CLOCK_SKEW)) {
                assertThat(hub.store().at("line-1", Instant.now()).productionOrder())
                        .isEqualTo("PO-1");
                assertThat(hub.store()
                                .update("line-1", ctx("PO-2", 0, null), "REST", "mes")
                                .version())
                        .isEqualTo(2);
                List<ContextChange> history = hub.store().historyLog().history("line-1", null, null, 10);
                assertThat(history)
                        .extracting(c -> c.epoch() + "/" + c.context().version() + "/" + c.source())
                        .containsExactly("1/2/REST", "1/1/REST", "1/0/RESET", "0/1/REST");
                ContextChange reset = history.get(2);
                assertThat(reset.principal()).isEqualTo("integrator.ann");
                assertThat(reset.reason()).isEqualTo("MES pushed validFrom 2999-01-01 by mistake (ticket 4711)");
                assertThat(reset.context().productionOrder()).isNull();
            }
        } finally {
            schema.forEach(sc -> LedgerTestSupport.dropSchema(ds, sc));
            ds.close();
        }
    }
}
