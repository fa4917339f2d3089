package io.visionhub.outputs.opcua.station;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.TestEvents;
import io.visionhub.outputs.opcua.HubOpcUaServer;
import io.visionhub.outputs.opcua.OpcUaServerProperties;
import io.visionhub.outputs.opcua.OpcUaTestClients;
import io.visionhub.outputs.opcua.StationNamespace;
import io.visionhub.quality.alarm.QualityAlarm;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.subscriptions.EventFilterBuilder;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code opcua-station:} with Camel's test support against the hub's real OPC UA server: the producer writes the
 * station's nodes (read back by an independent Milo client) and passes the event on; a shared route reaches each
 * station with {@code toD}; a body that is not an inspection event or an event of another station is refused with
 * an error that names the problem, and nothing is written.
 */
class OpcUaStationComponentTest extends CamelTestSupport {

    @TempDir
    static Path dir;

    static HubOpcUaServer server;
    static OpcUaClient client;
    static int ns;

    @BeforeAll
    static void startServer() throws Exception {
        OpcUaServerProperties props = OpcUaTestClients.demoServer(dir.resolve("pki"), "station-1");
        server = new HubOpcUaServer(props, "site-c");
        server.start();
        client = OpcUaTestClients.connectAnonymous(server.endpointUrl());
        ns = OpcUaTestClients.namespaceIndex(client, StationNamespace.NAMESPACE_URI);
    }

    @AfterAll
    static void stopServer() throws Exception {
        OpcUaTestClients.stop(client, server);
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getRegistry().bind("hubOpcUaServer", server); // found by type, as in the application
        return context;
    }

    @Override
    protected RouteBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:shared").toD("opcua-station:${body.station}").to("mock:after");
            }
        };
    }

    private static Object read(String station, String path) throws Exception {
        return client.readValue(0, TimestampsToReturn.Both, new NodeId(ns, "Stations/" + station + "/" + path))
                .getValue()
                .getValue();
    }

    @Test
    void producerWritesTheStationsNodesAndPassesTheEventOn() throws Exception {
        InspectionEvent event = TestEvents.event("station-1", "PART-C1", InspectionEvent.Verdict.NG);
        long before = ((ULong) read("station-1", "Counters/NG")).longValue();

        Object out = template.requestBody("opcua-station:station-1", event);

        assertThat(out).isSameAs(event);
        assertThat(read("station-1", "LastResult/ResultId")).isEqualTo(event.id());
        assertThat(read("station-1", "LastResult/PartId")).isEqualTo("PART-C1");
        assertThat(read("station-1", "LastResult/Verdict")).isEqualTo("NG");
        assertThat(((ULong) read("station-1", "Counters/NG")).longValue()).isEqualTo(before + 1);
        assertThat(read("station-1", "ProductionContext/ProductId")).isEqualTo("WIDGET-A");
    }

    @Test
    void sharedRouteReachesEachStationWithToD() throws Exception {
        MockEndpoint after = getMockEndpoint("mock:after");
        after.expectedMessageCount(2);
        InspectionEvent a = TestEvents.event("station-7", "PART-A", InspectionEvent.Verdict.OK);
        InspectionEvent b = TestEvents.event("station-8", "PART-B", InspectionEvent.Verdict.OK);

        template.sendBody("direct:shared", a);
        template.sendBody("direct:shared", b);

        after.assertIsSatisfied();
        assertThat(read("station-7", "LastResult/PartId")).isEqualTo("PART-A");
        assertThat(read("station-8", "LastResult/PartId")).isEqualTo("PART-B");
    }

    @Test
    void bodyThatIsNotAnInspectionEventIsRefusedNamingTheType() throws Exception {
        Object lastBefore = read("station-1", "LastResult/ResultId");

        assertThatThrownBy(() -> template.requestBody("opcua-station:station-1", "{\"station\":\"station-1\"}"))
                .isInstanceOf(CamelExecutionException.class)
                .cause()
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("InspectionEvent")
                .hasMessageContaining("java.lang.String");
        assertThatThrownBy(() -> template.requestBody("opcua-station:station-1", (Object) null))
                .cause()
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("got no body");
        assertThat(read("station-1", "LastResult/ResultId")).isEqualTo(lastBefore);
    }

    @Test
    void eventOfAnotherStationIsRefusedAndWritesNothing() throws Exception {
        InspectionEvent other = TestEvents.event("station-2", "PART-X", InspectionEvent.Verdict.OK);

        assertThatThrownBy(() -> template.requestBody("opcua-station:station-1", other))
                .cause()
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is of station 'station-2', not of opcua-station:station-1");
        assertThat(server.namespace().hasStation("station-2")).isFalse();
    }

    @Test
    void alarmEndpointFiresTheStationsQualityAlarmEventAndRefusesOtherBodies() throws Exception {
        BlockingQueue<Variant[]> events = new LinkedBlockingQueue<>();
        OpcUaSubscription subscription = new OpcUaSubscription(client, 50.0);
        subscription.create();
        OpcUaMonitoredItem item = OpcUaMonitoredItem.newEventItem(
                NodeIds.Server,
                new EventFilterBuilder()
                        .select(NodeIds.BaseEventType, new QualifiedName(0, "SourceName"))
                        .select(NodeIds.BaseEventType, new QualifiedName(0, "Message"))
                        .select(NodeIds.BaseEventType, new QualifiedName(0, "Severity"))
                        .build());
        item.setEventValueListener((i, values) -> {
            if (String.valueOf(values[1].getValue()).contains("QualityAlarm")) {
                events.add(values);
            }
        });
        subscription.addMonitoredItem(item);
        subscription.synchronizeMonitoredItems();
        try {
            QualityAlarm alarm = new QualityAlarm(
                    UUID.randomUUID().toString(),
                    "NELSON_5",
                    "MEDIUM",
                    "line-1",
                    "station-1",
                    null,
                    "p",
                    "two of three beyond 2 sigma",
                    Instant.now(),
                    null,
                    12L);
            assertThat(template.requestBody("opcua-station:station-1?publish=alarm", alarm))
                    .isSameAs(alarm);
            Variant[] v = events.poll(10, TimeUnit.SECONDS);
            assertThat(v).isNotNull();
            assertThat(v[0].getValue()).isEqualTo("station-1");
            assertThat(((LocalizedText) v[1].getValue()).text())
                    .isEqualTo("QualityAlarm RAISED rule=NELSON_5 id=" + alarm.id() + ": two of three beyond 2 sigma");
            assertThat(v[2].getValue().toString()).isEqualTo("500");

            assertThatThrownBy(() -> template.requestBody(
                            "opcua-station:station-1?publish=alarm",
                            TestEvents.event("station-1", "P", InspectionEvent.Verdict.OK)))
                    .cause()
                    .isInstanceOf(InvalidPayloadException.class)
                    .hasMessageContaining("fires quality alarms");
            assertThatThrownBy(() -> template.requestBody("opcua-station:station-2?publish=alarm", alarm))
                    .cause()
                    .hasMessageContaining("is of station 'station-1', not of opcua-station:station-2");
            assertThatThrownBy(() -> context.getEndpoint("opcua-station:station-1?publish=alarms"))
                    .hasStackTraceContaining("use publish=result (default) or publish=alarm");
        } finally {
            subscription.delete();
        }
    }
}
