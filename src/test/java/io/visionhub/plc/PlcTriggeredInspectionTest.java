package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.PartTrigger;
import io.visionhub.images.FileImageStore;
import io.visionhub.outputs.mqtt.TestEvents;
import io.visionhub.plc.component.PlcComponent;
import io.visionhub.plc.component.PlcConstants;
import io.visionhub.vision.component.TriggerNotInspectedException;
import io.visionhub.vision.component.VisionComponent;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Triggered inspection end to end, as a route says it: the PLC simulator (Milo OPC UA server) raises a station's
 * trigger with a part id, {@code from: plc:<station>} emits the {@link PartTrigger}, {@code vision:<station>?triggered=true}
 * inspects the frame of that moment, and {@code to: plc:<station>} writes the result with the same part id back.
 */
class PlcTriggeredInspectionTest {

    @TempDir
    static Path modelDir;

    @TempDir
    Path imagesDir;

    static PlcSimulator plc;
    CamelContext camel;
    PlcHandshake handshake;
    PlcProperties props;
    SimpleMeterRegistry meters;

    @BeforeAll
    static void startPlcAndTeach() throws Exception {
        plc = new PlcSimulator(List.of("st1", "st2", "st9"));
        SimulatedPartGenerator gen = new SimulatedPartGenerator(3, 0.0);
        new AnomalyTeacher()
                .teach(
                        LongStream.range(0, 20)
                                .mapToObj(i -> gen.good(i).image())
                                .toList(),
                        AnomalyTeacher.Spec.of("trigger-test", "1"),
                        modelDir);
    }

    @AfterAll
    static void stopPlc() throws Exception {
        plc.close();
    }

    @BeforeEach
    void startCamel() {
        meters = new SimpleMeterRegistry();
        camel = new DefaultCamelContext();
        VisionComponent vision = new VisionComponent();
        vision.setImageStore(new FileImageStore(imagesDir));
        vision.setMeterRegistry(meters);
        camel.addComponent("vision", vision);
    }

    @AfterEach
    void stop() {
        camel.stop();
        if (handshake != null) {
            handshake.close();
        }
    }

    /** The handshake behind the plc: component; triggers of stations without a plc: route go nowhere (counted). */
    void startHandshake() throws Exception {
        props = PlcProperties.defaults()
                .withEnabled(true)
                .withEndpointUrl(plc.endpointUrl())
                .withCycleBudgetMs(5000);
        props = props.withStations(Map.of(
                "st1", PlcHandshakeTest.mapping(plc, "st1", "ResultCode"),
                "st2", PlcHandshakeTest.mapping(plc, "st2", "ResultCode"),
                "st9", PlcHandshakeTest.mapping(plc, "st9", "ResultCode")));
        handshake = new PlcHandshake(props, meters, null, PlcFailSafeRecorder.NONE);
        handshake.start();
        PlcComponent plcComponent = new PlcComponent();
        plcComponent.setHandshakes(PlcHandshakes.of(handshake));
        camel.addComponent("plc", plcComponent);
    }

    String stationUri(String station) {
        return "vision:" + station + "?source=sim&model=" + modelDir + "&fps=20&seed=5&defectRate=0.5&storeImages=false"
                + "&triggered=true";
    }

    double counter(String name, String... tags) {
        var search = meters.find(name);
        for (int i = 0; i < tags.length; i += 2) {
            search = search.tag(tags[i], tags[i + 1]);
        }
        return search.counters().stream().mapToDouble(c -> c.count()).sum();
    }

    double framesRead(String station) {
        return meters.find("visionhub.vision.frames.read").tag("station", station).functionCounters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    short expectedCode(InspectionEvent e) {
        return (short) (int)
                switch (e.result()) {
                    case OK -> props.resultCodeOk();
                    case NG -> props.resultCodeNg();
                    default -> props.resultCodeUncertain();
                };
    }

    @Test
    void plcTriggerWithPartIdGetsTheResultOfThatMomentWithTheSamePartIdWrittenBackPerStation() throws Exception {
        startHandshake();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("plc:st1")
                        .routeId("st1-triggered")
                        .to(stationUri("st1"))
                        .to("plc:st1")
                        .to("mock:events");
                // a second station of the same PLC takes only its own triggers
                from("plc:st2")
                        .routeId("st2-triggered")
                        .to(stationUri("st2"))
                        .to("plc:st2")
                        .to("mock:events2");
            }
        });
        MockEndpoint events = camel.getEndpoint("mock:events", MockEndpoint.class);
        MockEndpoint events2 = camel.getEndpoint("mock:events2", MockEndpoint.class);
        camel.start();

        // the camera runs, but nothing is inspected without a trigger
        await().atMost(30, TimeUnit.SECONDS).until(() -> framesRead("st1") >= 10);
        assertThat(events.getReceivedCounter()).isZero();
        assertThat(events2.getReceivedCounter()).isZero();

        Instant before = Instant.now();
        plc.trigger("st1", "P-1");
        await().atMost(30, TimeUnit.SECONDS)
                .until(() -> events.getReceivedCounter() == 1
                        && "P-1".equals(plc.value("st1", "ResultPartId"))
                        && Boolean.TRUE.equals(plc.value("st1", "ResultReady")));
        InspectionEvent first = events.getReceivedExchanges().get(0).getIn().getBody(InspectionEvent.class);
        assertThat(first.partId()).isEqualTo("P-1");
        assertThat(first.station()).isEqualTo("st1");
        assertThat(first.captureTime()).isAfterOrEqualTo(before);
        var firstHeaders = events.getReceivedExchanges().get(0).getIn().getHeaders();
        assertThat(firstHeaders)
                .containsEntry(PlcConstants.PART_ID, "P-1")
                .containsEntry(PlcConstants.STATION, "st1")
                .containsEntry(PlcConstants.OUTCOME, "CONFIRMED")
                .containsKeys(PlcConstants.CYCLE, PlcConstants.DEADLINE);
        assertThat(plc.value("st1", "ResultCode")).isEqualTo(expectedCode(first));
        assertThat(plc.value("st1", "Reject")).isEqualTo(first.result() != InspectionEvent.Verdict.OK);

        // the PLC lowers the trigger and acknowledges; then the next part
        plc.set("st1", "Trigger", new Variant(false));
        plc.set("st1", "Ack", new Variant(true));
        await().atMost(10, TimeUnit.SECONDS).until(() -> Boolean.FALSE.equals(plc.value("st1", "ResultReady")));
        plc.set("st1", "Ack", new Variant(false));

        plc.trigger("st1", "P-2");
        await().atMost(30, TimeUnit.SECONDS)
                .until(() -> events.getReceivedCounter() == 2
                        && "P-2".equals(plc.value("st1", "ResultPartId"))
                        && Boolean.TRUE.equals(plc.value("st1", "ResultReady")));
        InspectionEvent second = events.getReceivedExchanges().get(1).getIn().getBody(InspectionEvent.class);
        assertThat(second.partId()).isEqualTo("P-2");
        assertThat(second.captureTime()).isAfter(first.captureTime());
        assertThat(plc.value("st1", "ResultCode")).isEqualTo(expectedCode(second));
        assertThat(counter("visionhub.plc.writes", "station", "st1", "outcome", "confirmed"))
                .isEqualTo(2);
        plc.set("st1", "Trigger", new Variant(false));

        // the other station on the same endpoint
        plc.trigger("st2", "Q-1");
        await().atMost(30, TimeUnit.SECONDS)
                .until(() -> events2.getReceivedCounter() == 1
                        && "Q-1".equals(plc.value("st2", "ResultPartId"))
                        && Boolean.TRUE.equals(plc.value("st2", "ResultReady")));
        assertThat(events2.getReceivedExchanges()
                        .get(0)
                        .getIn()
                        .getBody(InspectionEvent.class)
                        .partId())
                .isEqualTo("Q-1");
        assertThat(events.getReceivedCounter()).isEqualTo(2);
        plc.set("st2", "Trigger", new Variant(false));

        // a trigger for a station no plc: route takes: logged, counted, nothing inspected (the fail-safe follows)
        plc.trigger("st9", "P-9");
        await().atMost(30, TimeUnit.SECONDS)
                .until(() -> counter("visionhub.plc.triggers.unrouted", "station", "st9") == 1);
        assertThat(events.getReceivedCounter()).isEqualTo(2);
        assertThat(events2.getReceivedCounter()).isEqualTo(1);
        assertThat(counter("visionhub.vision.trigger.missed")).isZero();
        plc.set("st9", "Trigger", new Variant(false));
    }

    @Test
    void triggerWhoseFrameCannotBeHadBeforeTheDeadlineFailsTheExchangeAndIsCounted() throws Exception {
        camel.start();
        Instant past = Instant.now().minusSeconds(10);
        ProducerTemplate producer = camel.createProducerTemplate();
        assertThatThrownBy(() -> producer.sendBody(
                        stationUri("st2"), new PartTrigger("st2", "P-LATE", 0, past, past.plusMillis(500))))
                .isInstanceOf(CamelExecutionException.class)
                .hasCauseInstanceOf(TriggerNotInspectedException.class)
                .hasStackTraceContaining("no frame captured between the trigger of part P-LATE and its deadline");
        assertThat(counter("visionhub.vision.trigger.missed", "station", "st2")).isEqualTo(1);
    }

    @Test
    void badBodiesAndUnmappedOrDoubledStationsAreRefusedWithTheirReason() throws Exception {
        startHandshake();
        camel.start();
        ProducerTemplate producer = camel.createProducerTemplate();
        assertThatThrownBy(() -> producer.sendBody(stationUri("st3"), "not a trigger"))
                .hasCauseInstanceOf(InvalidPayloadException.class)
                .hasStackTraceContaining("PartTrigger");
        assertThatThrownBy(() -> producer.sendBody(
                        stationUri("st3"),
                        new PartTrigger(
                                "st1", "P-X", 0, Instant.now(), Instant.now().plusSeconds(5))))
                .hasStackTraceContaining("got a trigger of station st1");
        assertThatThrownBy(() -> producer.sendBody("plc:st1", "not an event"))
                .hasCauseInstanceOf(InvalidPayloadException.class)
                .hasStackTraceContaining("InspectionEvent");
        assertThatThrownBy(() -> producer.sendBody("plc:st1", TestEvents.event("st2", "P", InspectionEvent.Verdict.OK)))
                .hasStackTraceContaining("got the result of station st2");
        // a station no PLC maps: the result passes, UNMAPPED
        InspectionEvent nowhere = TestEvents.event("nowhere", "P", InspectionEvent.Verdict.OK);
        assertThat(producer.send("plc:nowhere", e -> e.getIn().setBody(nowhere))
                        .getIn()
                        .getHeader(PlcConstants.OUTCOME))
                .isEqualTo("UNMAPPED");

        assertThatThrownBy(() -> camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("plc:nowhere").routeId("unmapped").to("mock:nowhere");
                    }
                }))
                .hasStackTraceContaining("no PLC maps station nowhere");
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("plc:st1").routeId("st1-once").to("mock:once");
            }
        });
        assertThatThrownBy(() -> camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("plc:st1").routeId("st1-twice").to("mock:twice");
                    }
                }))
                .hasStackTraceContaining("Multiple consumers for the same endpoint is not allowed: plc://st1");
    }

    @Test
    void exampleRouteFileTakesTheTriggerInspectsThenHandsToTheInspectionRouteWhichWritesToThePlcAfterTheLedger()
            throws Exception {
        String yaml = Files.readString(Path.of("routes/examples/plc-triggered-station.yaml.example"));
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("plc-triggered-station.yaml", yaml));
        RouteDefinition route = ((ModelCamelContext) camel).getRouteDefinition("station-2-triggered");
        assertThat(route).isNotNull();
        assertThat(route.getInput().getEndpointUri()).isEqualTo("plc:station-2");
        String steps = route.getOutputs().toString();
        assertThat(steps)
                .contains("vision:station-2")
                .contains("triggered=true")
                .contains("direct:inspection");
        assertThat(steps.indexOf("vision:station-2")).isLessThan(steps.indexOf("direct:inspection"));

        String demo = Files.readString(Path.of("routes/demo.yaml"));
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("demo.yaml", demo));
        String inspection = ((ModelCamelContext) camel)
                .getRouteDefinition("inspection")
                .getOutputs()
                .toString();
        assertThat(inspection).contains("ledger:record").contains("direct:plc-output");
        // the outputs that do not wait go first: MQTT subscribers do not wait for the PLC's answer
        assertThat(inspection.indexOf("ledger:record")).isLessThan(inspection.indexOf("direct:mqtt-output"));
        assertThat(inspection.indexOf("direct:mqtt-output")).isLessThan(inspection.indexOf("direct:plc-output"));
        assertThat(((ModelCamelContext) camel)
                        .getRouteDefinition("plc-output")
                        .getOutputs()
                        .toString())
                .contains("plc:${header.CamelVisionStation}");
    }
}
