package io.visionhub.ledger.camel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.DeliveryRequest;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerProperties;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.SignedTreeHead;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code ledger:} component on a real ledger (H2 file, Flyway, Ed25519 heads): ledger:record appends and sets
 * the receipt headers, refuses what it cannot record with an error that names the problem, and ledger:heads emits
 * each signed head; routes/ledger.yaml sends the heads to the MQTT step.
 */
class LedgerComponentTest extends CamelTestSupport {

    @TempDir
    Path dir;

    private HikariDataSource ds;
    private LedgerProperties props;
    private KeystoreTreeHeadSigner signer;
    private JdbcInspectionLedger ledger;
    private final AtomicInteger redeliveries = new AtomicInteger();

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        // routes/ledger.yaml is loaded and advised in the test that needs it, before the context starts
        configuration.withUseAdviceWith(true);
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        ds = LedgerTestSupport.h2(dir);
        props = LedgerTestSupport.props(dir);
        signer = LedgerTestSupport.signer(props);
        ledger = LedgerTestSupport.ledger(ds, props, signer);
        registry.bind("inspectionLedger", ledger);
        registry.bind("meters", new SimpleMeterRegistry());
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:record")
                        .routeId("record")
                        .errorHandler(deadLetterChannel("mock:failed"))
                        .to("ledger:record?deliveries=webhook:INSPECTION_RESULT")
                        .to("mock:recorded");
                from("ledger:heads").routeId("heads").to("mock:heads");
                // as routes/demo.yaml's inspection route: redelivery, then the dead-letter channel
                from("direct:pipelined")
                        .routeId("pipelined")
                        .errorHandler(deadLetterChannel("mock:pipelined-failed")
                                .maximumRedeliveries(2)
                                .redeliveryDelay(0)
                                .onRedelivery(e -> redeliveries.incrementAndGet()))
                        .to("ledger:record")
                        .process(e -> e.getMessage()
                                .setHeader("ranOn", Thread.currentThread().getName()))
                        .to("mock:pipelined");
            }
        };
    }

    @AfterEach
    void closeLedger() {
        ledger.close();
        ds.close();
    }

    @Test
    void recordAppendsTheEventWithItsOutboxRowsAndSetsTheReceiptHeaders() throws Exception {
        context.start();
        InspectionEvent event = LedgerTestSupport.event();
        MockEndpoint recorded = getMockEndpoint("mock:recorded");
        recorded.expectedMessageCount(1);
        recorded.expectedBodiesReceived(event);
        recorded.expectedHeaderReceived(LedgerConstants.SEQUENCE, 0L);

        template.sendBodyAndHeader(
                "direct:record",
                event,
                LedgerConstants.DELIVERIES,
                List.of(new DeliveryRequest("sap-qm", "QUALITY_NOTIFICATION", event.id())));

        recorded.assertIsSatisfied();
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        String leafHash = jdbc.queryForObject("SELECT leaf_hash FROM ledger_leaf WHERE seq = 0", String.class);
        assertThat(recorded.getExchanges().get(0).getMessage().getHeader(LedgerConstants.LEAF_HASH))
                .isEqualTo(leafHash);
        assertThat(jdbc.queryForObject("SELECT record_id FROM ledger_leaf WHERE seq = 0", String.class))
                .isEqualTo(event.id());
        // the header's delivery and the endpoint's, both keyed by the inspection id, in the same transaction
        assertThat(jdbc.queryForList("SELECT target, document_type, delivery_key FROM outbox ORDER BY target"))
                .containsExactly(
                        Map.of("target", "sap-qm", "document_type", "QUALITY_NOTIFICATION", "delivery_key", event.id()),
                        Map.of("target", "webhook", "document_type", "INSPECTION_RESULT", "delivery_key", event.id()));
        assertThat(context.getRegistry()
                        .findSingleByType(SimpleMeterRegistry.class)
                        .find("visionhub.flow.record")
                        .timer()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void withAContinuationExecutorTheRouteGoesOnThereOnceCommittedAndAFailureIsNotRedelivered() throws Exception {
        context.start();
        ExecutorService lane = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-lane"));
        try {
            InspectionEvent event = LedgerTestSupport.event();
            Exchange recorded = template.send("direct:pipelined", e -> {
                e.getMessage().setBody(event);
                e.setProperty(LedgerConstants.CONTINUE_ON, lane);
            });
            assertThat(recorded.getException()).isNull();
            assertThat(recorded.getMessage().getHeader("ranOn")).isEqualTo("test-lane");
            assertThat(recorded.getMessage().getHeader(LedgerConstants.SEQUENCE))
                    .isEqualTo(0L);
            assertThat(ledger.size()).isEqualTo(1);

            // the same id again: refused by the database; straight to the dead-letter channel, not retried (a
            // retry of a pipelined record would be committed behind the caller's later records)
            MockEndpoint failed = getMockEndpoint("mock:pipelined-failed");
            failed.expectedMessageCount(1);
            template.send("direct:pipelined", e -> {
                e.getMessage().setBody(event);
                e.setProperty(LedgerConstants.CONTINUE_ON, lane);
            });
            failed.assertIsSatisfied();
            Exchange dead = failed.getExchanges().get(0);
            assertThat(dead.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class))
                    .hasMessageContaining(event.id());
            assertThat(redeliveries.get()).as("redeliveries").isZero();
            assertThat(getMockEndpoint("mock:pipelined").getReceivedCounter()).isEqualTo(1);
            assertThat(ledger.size()).isEqualTo(1);
        } finally {
            lane.shutdownNow();
        }
    }

    @Test
    void aContinuationPropertyThatIsNoExecutorIsIgnoredAndTheStepWaitsOnTheCallersThread() throws Exception {
        context.start();
        InspectionEvent event = LedgerTestSupport.event();
        Exchange recorded = template.send("direct:pipelined", e -> {
            e.getMessage().setBody(event);
            e.setProperty(LedgerConstants.CONTINUE_ON, "not an executor");
        });
        assertThat(recorded.getException()).isNull();
        assertThat(recorded.getMessage().getHeader("ranOn", String.class)).isNotEqualTo("test-lane");
        assertThat(recorded.getMessage().getHeader(LedgerConstants.SEQUENCE)).isEqualTo(0L);

        // synchronous: a refused record is redelivered by the error handler as before
        MockEndpoint failed = getMockEndpoint("mock:pipelined-failed");
        failed.expectedMessageCount(1);
        template.sendBody("direct:pipelined", event);
        failed.assertIsSatisfied();
        assertThat(redeliveries.get()).as("redeliveries").isEqualTo(2);
    }

    @Test
    void aBodyThatIsNotAnInspectionEventGoesToTheDeadLetterNamingTheTypesAndNothingIsRecorded() throws Exception {
        context.start();
        MockEndpoint failed = getMockEndpoint("mock:failed");
        failed.expectedMessageCount(1);
        getMockEndpoint("mock:recorded").expectedMessageCount(0);

        template.sendBody("direct:record", "{\"id\":\"not an event object\"}");

        failed.assertIsSatisfied();
        MockEndpoint.assertIsSatisfied(context);
        Exception cause = failed.getExchanges().get(0).getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        assertThat(cause)
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining(InspectionEvent.class.getName())
                .hasMessageContaining("java.lang.String");
        assertThat(ledger.size()).isZero();
    }

    @Test
    void aDeliveriesHeaderOfTheWrongTypeIsRefusedNamingTheHeader() throws Exception {
        context.start();
        MockEndpoint failed = getMockEndpoint("mock:failed");
        failed.expectedMessageCount(1);
        InspectionEvent event = LedgerTestSupport.event();

        template.sendBodyAndHeader("direct:record", event, LedgerConstants.DELIVERIES, "sap-qm");

        failed.assertIsSatisfied();
        Exception cause = failed.getExchanges().get(0).getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        assertThat(cause)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(event.id())
                .hasMessageContaining("VisionHubDeliveries")
                .hasMessageContaining("java.lang.String");
        assertThat(ledger.size()).isZero();
    }

    @Test
    void aMalformedDeliveriesOptionOrUnknownKindFailsWhenTheEndpointIsMadeNamingIt() {
        assertThatThrownBy(() -> context.getEndpoint("ledger:record?deliveries=sap-qm"))
                .hasStackTraceContaining("delivery 'sap-qm' is not target:DOCUMENT_TYPE");
        assertThatThrownBy(() -> context.getEndpoint("ledger:records"))
                .hasStackTraceContaining("unknown kind 'records'");
    }

    @Test
    void headsConsumerEmitsEachSignedHeadAsJsonOnceDurable() throws Exception {
        context.start();
        MockEndpoint heads = getMockEndpoint("mock:heads");
        heads.expectedMessageCount(1);
        heads.expectedHeaderReceived(LedgerConstants.TREE_SIZE, 2L);

        template.sendBody("direct:record", LedgerTestSupport.event());
        template.sendBody("direct:record", LedgerTestSupport.event());
        SignedTreeHead signed = ledger.signNow();

        heads.assertIsSatisfied();
        assertThat(signed.treeSize()).isEqualTo(2);
        JsonNode json = new ObjectMapper()
                .readTree(heads.getExchanges().get(0).getMessage().getBody(String.class));
        assertThat(json.get("treeSize").asLong()).isEqualTo(2);
        assertThat(json.get("rootHash").asText()).isEqualTo(signed.rootHash());
        assertThat(json.get("signature").asText()).isEqualTo(signed.signature());
        assertThat(signer.verify(signed)).isTrue();
        assertThat(heads.getExchanges().get(0).getMessage().getHeader(LedgerConstants.KEY_ID))
                .isEqualTo(signer.keyId());
    }

    @Test
    void routesLedgerYamlSendsEachHeadToTheMqttStep() throws Exception {
        PluginHelper.getRoutesLoader(context)
                .loadRoutes(ResourceHelper.fromString("ledger.yaml", Files.readString(Path.of("routes/ledger.yaml"))));
        AdviceWith.adviceWith(
                context,
                "ledger-heads",
                a -> a.weaveByToUri("hub-mqtt:*").replace().to("mock:mqtt"));
        context.start();
        MockEndpoint mqtt = getMockEndpoint("mock:mqtt");
        mqtt.expectedMessageCount(1);

        template.sendBody("direct:record", LedgerTestSupport.event());
        SignedTreeHead signed = ledger.signNow();

        mqtt.assertIsSatisfied();
        assertThat(mqtt.getExchanges().get(0).getMessage().getBody(String.class))
                .contains("\"treeSize\":1")
                .contains(signed.signature());
    }
}
