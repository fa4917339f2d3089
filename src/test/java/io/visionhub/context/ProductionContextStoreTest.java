package io.visionhub.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import io.visionhub.event.ProductionContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The context store on real Hazelcast members: ordering rules, and sharing between the members of a cluster. */
class ProductionContextStoreTest {

    static ProductionContext ctx(String order, long version, Instant from) {
        return new ProductionContext(null, order, "MAT", "1", null, "LOT", null, "A", null, null, version, from);
    }

    @Test
    void twoHubsInOneClusterShareContextAndAHubOfAnotherClusterDoesNot() {
        String cluster = "share-" + UUID.randomUUID();
        int p1 = TestMembers.freePort();
        int p2 = TestMembers.freePort();
        List<String> members = List.of("127.0.0.1:" + p1, "127.0.0.1:" + p2);
        HazelcastInstance a =
                TestMembers.start(new ContextProperties.Hazelcast(cluster, p1, members, null, "127.0.0.1", true));
        HazelcastInstance b =
                TestMembers.start(new ContextProperties.Hazelcast(cluster, p2, members, null, "127.0.0.1", true));
        HazelcastInstance other = TestMembers.single();
        try {
            assertThat(a.getCluster().getMembers()).hasSize(2);
            assertThat(other.getCluster().getMembers()).hasSize(1);
            ProductionContextStore sa =
                    new ProductionContextStore(a.getMap("ctx"), null, List.of(), 10, null, Clock.systemUTC());
            ProductionContextStore sb =
                    new ProductionContextStore(b.getMap("ctx"), null, List.of(), 10, null, Clock.systemUTC());
            ProductionContextStore so =
                    new ProductionContextStore(other.getMap("ctx"), null, List.of(), 10, null, Clock.systemUTC());
            sa.start();
            sb.start();
            so.start();
            Instant t = Instant.parse("2026-04-01T00:00:00Z");
            sa.update("line-1", ctx("PO-1", 1, t), "TEST", "a");
            await().atMost(Duration.ofSeconds(20)).until(() -> sb.at("line-1", t.plusSeconds(1)) != null);
            assertThat(sb.at("line-1", t.plusSeconds(1)).productionOrder()).isEqualTo("PO-1");
            // the other hub refuses a stale push that the first one made stale
            sb.update("line-1", ctx("PO-2", 2, t.plusSeconds(60)), "TEST", "b");
            assertThatThrownBy(() -> sa.update("line-1", ctx("PO-3", 2, t.plusSeconds(120)), "TEST", "a"))
                    .isInstanceOf(ContextRefusedException.class)
                    .hasMessageContaining("version 2");
            assertThat(so.at("line-1", t.plusSeconds(1))).isNull();
        } finally {
            a.shutdown();
            b.shutdown();
            other.shutdown();
        }
    }

    @Test
    void refusesStaleUnknownAndInvalidPushesAndKeepsHistoryLimit() {
        HazelcastInstance m = TestMembers.single();
        try {
            ProductionContextStore s = new ProductionContextStore(
                    m.getMap("ctx"), null, List.of("line-1"), 3, Duration.ofHours(8), Clock.systemUTC());
            s.start();
            Instant t = Instant.parse("2026-04-01T00:00:00Z");
            assertThat(s.update("line-1", ctx("PO-1", 0, t), "TEST", "x").version())
                    .isEqualTo(1);
            assertThat(s.update("line-1", ctx("PO-2", 0, t.plusSeconds(10)), "TEST", "x")
                            .version())
                    .isEqualTo(2);
            assertThatThrownBy(() -> s.update("line-1", ctx("PO-3", 0, t.plusSeconds(5)), "TEST", "x"))
                    .isInstanceOfSatisfying(
                            ContextRefusedException.class,
                            e -> assertThat(e.reason()).isEqualTo(ContextRefusedException.Reason.STALE));
            assertThatThrownBy(() -> s.update("line-9", ctx("PO-3", 0, t), "TEST", "x"))
                    .isInstanceOfSatisfying(
                            ContextRefusedException.class,
                            e -> assertThat(e.reason()).isEqualTo(ContextRefusedException.Reason.UNKNOWN_LINE));
            assertThatThrownBy(() -> s.update("line-1", ctx(null, 0, t.plusSeconds(20)), "TEST", "x"))
                    .isInstanceOfSatisfying(
                            ContextRefusedException.class,
                            e -> assertThat(e.field()).isEqualTo("productionOrder"));
            assertThatThrownBy(() -> s.update("line-1", ctx("PO;DROP", 0, t.plusSeconds(20)), "TEST", "x"))
                    .isInstanceOfSatisfying(
                            ContextRefusedException.class,
                            e -> assertThat(e.field()).isEqualTo("productionOrder"));
            s.update("line-1", ctx("PO-3", 0, t.plusSeconds(20)), "TEST", "x");
            s.update("line-1", ctx("PO-4", 0, t.plusSeconds(30)), "TEST", "x");
            assertThat(s.recent("line-1"))
                    .extracting(ProductionContext::productionOrder)
                    .containsExactly("PO-4", "PO-3", "PO-2");
            assertThat(s.at("line-1", t.plusSeconds(25)).productionOrder()).isEqualTo("PO-3");
            // older than max-age: not applied
            assertThat(s.at("line-1", t.plusSeconds(30).plus(Duration.ofHours(9))))
                    .isNull();
        } finally {
            m.shutdown();
        }
    }
}
