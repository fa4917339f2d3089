package io.visionhub.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import io.visionhub.event.ProductionContext;
import io.visionhub.opcua.client.OpcUaClientSessions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OPC UA context path against a real Milo server (MesOpcUaSimulator) and a real Hazelcast member. */
class OpcUaContextTest {

    MesOpcUaSimulator mes;
    HazelcastInstance member;
    ProductionContextStore store;
    OpcUaContextSubscriber subscriber;

    @BeforeEach
    void start() {
        mes = new MesOpcUaSimulator();
        member = TestMembers.single();
        store = new ProductionContextStore(
                member.getMap("ctx-" + UUID.randomUUID()), null, List.of("line-1"), 100, null, Clock.systemUTC());
        store.start();
    }

    @AfterEach
    void stop() {
        if (subscriber != null) {
            subscriber.stop();
        }
        store.close();
        member.shutdown();
        mes.close();
    }

    void writeContext(String order, String batch, int version) {
        mes.write("Line1/ProductionOrder", order);
        mes.write("Line1/Batch", batch);
        mes.write("Line1/Shift", "A");
        mes.write("Line1/ContextVersion", version);
    }

    ContextProperties.OpcUa config(Map<String, String> fields) {
        return new ContextProperties.OpcUa(
                true,
                mes.endpointUrl(),
                Duration.ofMillis(50),
                "version",
                Map.of("line-1", fields),
                Duration.ofMillis(200),
                "mes",
                MesOpcUaSimulator.PASSWORD,
                null,
                null,
                null,
                null,
                null);
    }

    static Map<String, String> lineOneNodes() {
        return Map.of(
                "productionOrder",
                MesOpcUaSimulator.nodeId("Line1/ProductionOrder"),
                "batch",
                MesOpcUaSimulator.nodeId("Line1/Batch"),
                "shift",
                MesOpcUaSimulator.nodeId("Line1/Shift"),
                "version",
                MesOpcUaSimulator.nodeId("Line1/ContextVersion"));
    }

    /** A subscriber on a session and a worker thread of its own (the hub gives it the shared ones). */
    static OpcUaContextSubscriber subscriber(ContextProperties.OpcUa config, ProductionContextStore store) {
        return new OpcUaContextSubscriber(
                config, store, new OpcUaClientSessions(), Executors.newSingleThreadExecutor());
    }

    String order() {
        return store.latest("line-1").map(ProductionContext::productionOrder).orElse(null);
    }

    @Test
    void mesWritesOverOpcUaBecomeTheLineContextAndStaleVersionsAreRefused() {
        writeContext("PO-1", "LOT-1", 1);
        subscriber = subscriber(config(lineOneNodes()), store);
        subscriber.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> "PO-1".equals(order()));
        ProductionContext first = store.latest("line-1").orElseThrow();
        assertThat(first.batch()).isEqualTo("LOT-1");
        assertThat(first.shift()).isEqualTo("A");
        assertThat(first.version()).isEqualTo(1);

        writeContext("PO-2", "LOT-2", 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> "PO-2".equals(order()));
        assertThat(store.latest("line-1").orElseThrow().batch()).isEqualTo("LOT-2");

        writeContext("PO-3", "LOT-3", 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> "PO-3".equals(order()));
        long refusedBefore = subscriber.refusedCount();
        writeContext("PO-STALE", "LOT-X", 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> subscriber.refusedCount() > refusedBefore);
        assertThat(order()).isEqualTo("PO-3");
        assertThat(store.recent("line-1"))
                .extracting(ProductionContext::productionOrder)
                .containsExactly("PO-3", "PO-2", "PO-1");
    }

    @Test
    void unreachableMesServerLeavesTheLineWithoutContextAndDoesNotFailStart() {
        String url = mes.endpointUrl();
        mes.close();
        subscriber = subscriber(
                new ContextProperties.OpcUa(
                        true,
                        url,
                        Duration.ofMillis(50),
                        "version",
                        Map.of("line-1", lineOneNodes()),
                        Duration.ofMillis(200),
                        "mes",
                        MesOpcUaSimulator.PASSWORD,
                        null,
                        null,
                        null,
                        null,
                        null),
                store);
        subscriber.start();
        assertThat(subscriber.isSubscribed()).isFalse();
        assertThat(store.latest("line-1")).isEmpty();
    }

    @Test
    void configurationWithoutTriggerOrOrderNodeIsRefusedAtStart() {
        assertThatThrownBy(() -> subscriber(config(Map.of("productionOrder", "ns=2;s=x")), store))
                .hasMessageContaining("trigger");
        assertThatThrownBy(() -> subscriber(config(Map.of("version", "ns=2;s=x")), store))
                .hasMessageContaining("productionOrder");
        assertThatThrownBy(() -> subscriber(
                        config(Map.of("version", "ns=2;s=x", "colour", "ns=2;s=y", "productionOrder", "ns=2;s=z")),
                        store))
                .hasMessageContaining("colour");
    }
}
