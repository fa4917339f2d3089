package io.visionhub.context;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.ProductionContext;
import io.visionhub.ledger.LedgerTestSupport;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Context across cluster nodes (issue 20) on PostgreSQL: two nodes cut apart (two Hazelcast clusters that do not see
 * each other, as during a partition) share the history table; a push acknowledged on one side is in the table at once
 * (write-through), and the other side has it after the merge re-read ({@link ProductionContextStore#resyncFromHistory}).
 */
class ContextAcrossNodesTest {

    private String schema;
    private HikariDataSource ds;

    @BeforeEach
    void open() {
        Assumptions.assumeTrue(
                LedgerTestSupport.postgresAvailable(), "PostgreSQL at 127.0.0.1:5432 not reachable: test skipped");
        schema = LedgerTestSupport.uniqueSchema();
        ds = LedgerTestSupport.postgres(schema);
    }

    @AfterEach
    void close() {
        if (ds != null) {
            LedgerTestSupport.dropSchema(ds, schema);
            ds.close();
        }
    }

    private ProductionContextStore store(HazelcastInstance member) {
        ProductionContextStore s = new ProductionContextStore(
                member.getMap("ctx"),
                new JdbcContextHistoryLog(new NamedParameterJdbcTemplate(ds)),
                List.of("line-1"),
                100,
                null,
                Clock.systemUTC(),
                ContextProperties.DEFAULT_MAX_CLOCK_SKEW,
                ContextProperties.DEFAULT_MAX_VERSION_STEP);
        s.start();
        return s;
    }

    static ProductionContext ctx(String order, long version, Instant from) {
        return new ProductionContext(null, order, "MAT", "1", null, "LOT", null, "A", null, null, version, from);
    }

    @Test
    void aPushAcknowledgedOnOneSideOfAPartitionReachesTheOtherSideAfterTheMergeAndSurvivesItsNodesDeath() {
        HazelcastInstance sideA = TestMembers.single();
        HazelcastInstance sideB = TestMembers.single();
        HazelcastInstance later = null;
        try {
            ProductionContextStore a = store(sideA);
            ProductionContextStore b = store(sideB);
            Instant t = Instant.now().minusSeconds(600);
            b.update("line-1", ctx("PO-OLD", 1, t), "TEST", "mes");
            a.resyncFromHistory();
            a.update("line-1", ctx("PO-NEW", 2, t.plusSeconds(60)), "TEST", "mes"); // acknowledged on side A
            assertThat(b.latest("line-1").orElseThrow().productionOrder())
                    .as("cut off: side B still has the old version")
                    .isEqualTo("PO-OLD");

            b.resyncFromHistory(); // what the MERGED listener does
            assertThat(b.latest("line-1").orElseThrow().productionOrder()).isEqualTo("PO-NEW");
            assertThat(b.latest("line-1").orElseThrow().version()).isEqualTo(2);

            // side A dies right after acknowledging; a node starting afresh (empty map) has the push from the table
            a.close();
            sideA.shutdown();
            b.close();
            sideB.shutdown();
            later = TestMembers.single();
            ProductionContextStore c = store(later);
            assertThat(c.latest("line-1").orElseThrow().productionOrder()).isEqualTo("PO-NEW");
        } finally {
            for (HazelcastInstance m : new HazelcastInstance[] {sideA, sideB, later}) {
                if (m != null && m.getLifecycleService().isRunning()) {
                    m.shutdown();
                }
            }
        }
    }
}
