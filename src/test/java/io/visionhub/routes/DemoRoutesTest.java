package io.visionhub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.enterprise.TestEvents;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * routes/demo.yaml as written, with its endpoints advised to mocks: the route reads context → rules → ledger record
 * → OPC UA and MQTT, nothing goes out before the record, a record that fails sends the event to the dead-letter
 * route (kept as JSON, never published), and a failed output does not stop the other one.
 */
class DemoRoutesTest extends CamelTestSupport {

    private final List<String> order = new CopyOnWriteArrayList<>();

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withUseAdviceWith(true);
    }

    @BeforeEach
    void loadAndAdviseDemoRoutes() throws Exception {
        PluginHelper.getRoutesLoader(context)
                .loadRoutes(ResourceHelper.fromString("demo.yaml", Files.readString(Path.of("routes/demo.yaml"))));
        // the camera is not part of this test: the event enters where every station's camera hands it over
        AdviceWith.adviceWith(context, "station-1-camera", a -> a.replaceFromWith("direct:camera"));
        AdviceWith.adviceWith(context, "inspection", a -> {
            a.weaveByToUri("kamelet:production-context-action*").replace().to("mock:context");
            a.weaveByToUri("kamelet:enterprise-rules-action*").replace().to("mock:rules");
            a.weaveByToUri("ledger:record*").replace().to("mock:ledger");
            a.weaveByToUri("quality:*").replace().to("mock:quality");
        });
        AdviceWith.adviceWith(
                context, "plc-output", a -> a.weaveByToUri("plc:*").replace().to("mock:plc"));
        AdviceWith.adviceWith(
                context,
                "opcua-output",
                a -> a.weaveByToUri("opcua-station:*").replace().to("mock:opcua"));
        AdviceWith.adviceWith(
                context,
                "mqtt-output",
                a -> a.weaveByToUri("hub-mqtt:*").replace().to("mock:mqtt"));
        AdviceWith.adviceWith(
                context,
                "inspection-failed",
                a -> a.weaveByToUri("file:*").replace().to("mock:failed-file"));
        AdviceWith.adviceWith(
                context,
                "output-failed",
                a -> a.weaveByToUri("micrometer:*").replace().to("mock:output-failed"));
        for (String mock : List.of("context", "rules", "ledger", "opcua", "mqtt", "quality", "plc")) {
            getMockEndpoint("mock:" + mock).whenAnyExchangeReceived(e -> order.add(mock));
        }
        context.start();
        // the demo camera waits for the MES context (autoStartup false); what starts it is not under test here
        context.getRouteController().startRoute("station-1-camera");
    }

    @Test
    void anInspectionIsRecordedBeforeOpcUaAndMqttHearOfItAndThePlcLast() throws Exception {
        InspectionEvent event = TestEvents.ng("station-1", "crack");
        getMockEndpoint("mock:opcua").expectedBodiesReceived(event);
        getMockEndpoint("mock:mqtt").expectedBodiesReceived(event);
        getMockEndpoint("mock:quality").expectedBodiesReceived(event);
        getMockEndpoint("mock:plc").expectedBodiesReceived(event);
        getMockEndpoint("mock:failed-file").expectedMessageCount(0);

        template.sendBody("direct:camera", event);

        MockEndpoint.assertIsSatisfied(context);
        // the PLC write waits for the PLC's answer: it comes after the hand-offs that do not wait
        assertThat(order).containsExactly("context", "rules", "ledger", "opcua", "mqtt", "quality", "plc");
    }

    @Test
    void aRecordThatFailsIsKeptAsJsonAndNothingIsPublished() throws Exception {
        InspectionEvent event = TestEvents.ng("station-1", "crack");
        getMockEndpoint("mock:ledger").whenAnyExchangeReceived(e -> {
            order.add("ledger");
            throw new IllegalStateException("database is read-only");
        });
        MockEndpoint failed = getMockEndpoint("mock:failed-file");
        failed.expectedMessageCount(1);
        failed.expectedHeaderReceived(Exchange.FILE_NAME, event.id() + ".json");
        getMockEndpoint("mock:opcua").expectedMessageCount(0);
        getMockEndpoint("mock:mqtt").expectedMessageCount(0);
        getMockEndpoint("mock:quality").expectedMessageCount(0);

        template.sendBody("direct:camera", event);

        MockEndpoint.assertIsSatisfied(context);
        // the original event, redelivered twice, then kept in its one JSON form for re-import
        assertThat(order).filteredOn("ledger"::equals).hasSize(3);
        String kept = failed.getExchanges().get(0).getMessage().getBody(String.class);
        assertThat(EventJson.fromJson(kept).id()).isEqualTo(event.id());
    }

    @Test
    void aFailedOpcUaOutputDoesNotStopTheOtherOutputs() throws Exception {
        InspectionEvent event = TestEvents.ng("station-1", "crack");
        getMockEndpoint("mock:opcua").whenAnyExchangeReceived(e -> {
            order.add("opcua");
            throw new IllegalStateException("OPC UA server stopped");
        });
        getMockEndpoint("mock:mqtt").expectedBodiesReceived(event);
        getMockEndpoint("mock:quality").expectedBodiesReceived(event);
        getMockEndpoint("mock:plc").expectedBodiesReceived(event);
        MockEndpoint outputFailed = getMockEndpoint("mock:output-failed");
        outputFailed.expectedMessageCount(1);
        getMockEndpoint("mock:failed-file").expectedMessageCount(0);

        template.sendBody("direct:camera", event);

        MockEndpoint.assertIsSatisfied(context);
        assertThat(order).containsExactly("context", "rules", "ledger", "opcua", "opcua", "mqtt", "quality", "plc");
        // the output failure names the route and the cause (the output-failed route logs both)
        Exchange failure = outputFailed.getExchanges().get(0);
        assertThat(failure.getProperty(Exchange.FAILURE_ROUTE_ID)).isEqualTo("opcua-output");
        assertThat(failure.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class))
                .hasMessage("OPC UA server stopped");
    }

    @Test
    void aFailedMqttOutputDoesNotStopQualityAndThePlc() throws Exception {
        InspectionEvent event = TestEvents.ng("station-1", "crack");
        getMockEndpoint("mock:mqtt").whenAnyExchangeReceived(e -> {
            order.add("mqtt");
            throw new IllegalStateException("broker buffer full");
        });
        getMockEndpoint("mock:opcua").expectedBodiesReceived(event);
        getMockEndpoint("mock:quality").expectedBodiesReceived(event);
        getMockEndpoint("mock:plc").expectedBodiesReceived(event);
        getMockEndpoint("mock:output-failed").expectedMessageCount(1);
        getMockEndpoint("mock:failed-file").expectedMessageCount(0);

        template.sendBody("direct:camera", event);

        MockEndpoint.assertIsSatisfied(context);
        assertThat(order).containsExactly("context", "rules", "ledger", "opcua", "mqtt", "mqtt", "quality", "plc");
    }

    @Test
    void aFailedPlcWriteIsAnOutputFailureAndTheRecordedInspectionIsNotKeptForReimport() throws Exception {
        InspectionEvent event = TestEvents.ng("station-1", "crack");
        getMockEndpoint("mock:plc").whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("PLC refused the write");
        });
        getMockEndpoint("mock:opcua").expectedBodiesReceived(event);
        getMockEndpoint("mock:mqtt").expectedBodiesReceived(event);
        getMockEndpoint("mock:failed-file").expectedMessageCount(0);

        template.sendBody("direct:camera", event);

        MockEndpoint.assertIsSatisfied(context);
        assertThat(order).filteredOn("ledger"::equals).hasSize(1); // recorded once, not redelivered
        assertThat(getMockEndpoint("mock:plc").getReceivedCounter()).isEqualTo(2);
    }
}
