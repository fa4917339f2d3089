package io.visionhub.context;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.core.HazelcastInstance;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.ModelRef;
import io.visionhub.event.ProductionContext;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kamelet.KameletComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exact changeover through a real Camel route that uses the kamelet {@code production-context-action}
 * (kamelets/ folder) and a real Hazelcast member: the inference step of a frame captured before the change
 * ends only after the change is applied, and the frame still carries the old order.
 */
class ContextChangeoverTest {

    static HazelcastInstance member;
    static ProductionContextStore store;
    static CamelContext camel;
    static ProducerTemplate producer;
    static final CountDownLatch changeoverApplied = new CountDownLatch(1);
    static final CountDownLatch inferenceStarted = new CountDownLatch(1);

    @BeforeAll
    static void start() throws Exception {
        member = TestMembers.single();
        store = new ProductionContextStore(
                member.getMap("ctx-" + UUID.randomUUID()), null, List.of(), 100, null, Clock.systemUTC());
        store.start();
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("contextEnricher", new ContextEnricher(store));
        camel.getComponent("kamelet", KameletComponent.class).setLocation("file:kamelets");
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:frame")
                        .routeId("test-station")
                        // simulated inference: a frame marked "slow" finishes only after the changeover is applied
                        .process(ex -> {
                            InspectionEvent e = ex.getMessage().getBody(InspectionEvent.class);
                            if ("slow".equals(e.partId())) {
                                inferenceStarted.countDown();
                                assertThat(changeoverApplied.await(30, TimeUnit.SECONDS))
                                        .isTrue();
                            }
                            ex.getMessage().setBody(withInferenceTime(e, Instant.now()));
                        })
                        .to("kamelet:production-context-action");
            }
        });
        camel.start();
        producer = camel.createProducerTemplate();
    }

    @AfterAll
    static void stop() {
        if (camel != null) {
            camel.stop();
        }
        if (store != null) {
            store.close();
        }
        if (member != null) {
            member.shutdown();
        }
    }

    static InspectionEvent frame(String line, Instant capture, String partId) {
        return new InspectionEvent(
                InspectionEvent.SCHEMA_VERSION,
                UUID.randomUUID().toString(),
                "station-1",
                "cam-1",
                line,
                capture,
                null,
                new ModelRef("demo", "1", "00", "anomaly"),
                InspectionEvent.Verdict.OK,
                List.of(),
                null,
                null,
                null,
                null,
                partId,
                null);
    }

    static InspectionEvent withInferenceTime(InspectionEvent e, Instant t) {
        return new InspectionEvent(
                e.schemaVersion(),
                e.id(),
                e.station(),
                e.camera(),
                e.line(),
                e.captureTime(),
                t,
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

    static ProductionContext order(String line, String order, Instant from) {
        return new ProductionContext(
                line, order, "MAT-1", "1", null, "LOT-" + order, "WC-1", "A", "OS-1", null, 0, from);
    }

    @Test
    void frameCapturedBeforeChangeoverKeepsOldOrderEvenWhenInferenceEndsAfter() throws Exception {
        Instant start = Instant.now().minusSeconds(60);
        store.update("line-c", order("line-c", "PO-OLD", start), "TEST", "test");
        Instant capturedBefore = Instant.now();

        CompletableFuture<InspectionEvent> slow = producer.asyncRequestBody(
                "direct:frame", frame("line-c", capturedBefore, "slow"), InspectionEvent.class);
        assertThat(inferenceStarted.await(30, TimeUnit.SECONDS)).isTrue();

        Instant changeover = capturedBefore.plusMillis(1);
        store.update("line-c", order("line-c", "PO-NEW", changeover), "TEST", "test");
        changeoverApplied.countDown();

        InspectionEvent before = slow.get(30, TimeUnit.SECONDS);
        assertThat(before.inferenceTime()).isAfter(changeover);
        assertThat(before.contextStatus()).isEqualTo(InspectionEvent.ContextStatus.APPLIED);
        assertThat(before.context().productionOrder()).isEqualTo("PO-OLD");

        InspectionEvent after =
                producer.requestBody("direct:frame", frame("line-c", changeover, "fast"), InspectionEvent.class);
        assertThat(after.context().productionOrder()).isEqualTo("PO-NEW");
        assertThat(after.context().batch()).isEqualTo("LOT-PO-NEW");
    }

    @Test
    void frameOfALineWithoutContextIsMarkedMissing() {
        InspectionEvent e = producer.requestBody(
                "direct:frame", frame("line-without-context", Instant.now(), "x"), InspectionEvent.class);
        assertThat(e.contextStatus()).isEqualTo(InspectionEvent.ContextStatus.MISSING);
        assertThat(e.context()).isNull();
    }

    @Test
    void frameCapturedBeforeTheFirstContextIsMarkedMissingNotGivenALaterOne() {
        Instant first = Instant.parse("2026-05-01T06:00:00Z");
        store.update("line-first", order("line-first", "PO-1", first), "TEST", "test");
        InspectionEvent early = producer.requestBody(
                "direct:frame", frame("line-first", first.minusMillis(1), "x"), InspectionEvent.class);
        assertThat(early.contextStatus()).isEqualTo(InspectionEvent.ContextStatus.MISSING);
        InspectionEvent onTime =
                producer.requestBody("direct:frame", frame("line-first", first, "x"), InspectionEvent.class);
        assertThat(onTime.context().productionOrder()).isEqualTo("PO-1");
    }

    @Test
    void frameCapturedAfterEndOfProductionIsMarkedMissing() {
        Instant from = Instant.parse("2026-05-02T06:00:00Z");
        store.update("line-ended", order("line-ended", "PO-9", from), "TEST", "test");
        store.end("line-ended", 0, from.plusSeconds(3600), "TEST", "test");
        assertThat(producer.requestBody(
                                "direct:frame", frame("line-ended", from.plusSeconds(10), "x"), InspectionEvent.class)
                        .context()
                        .productionOrder())
                .isEqualTo("PO-9");
        assertThat(producer.requestBody(
                                "direct:frame", frame("line-ended", from.plusSeconds(3601), "x"), InspectionEvent.class)
                        .contextStatus())
                .isEqualTo(InspectionEvent.ContextStatus.MISSING);
    }
}
