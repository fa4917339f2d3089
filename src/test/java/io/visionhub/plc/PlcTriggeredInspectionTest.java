package io.visionhub.plc;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.InspectionEvent;
import io.visionhub.images.FileImageStore;
import io.visionhub.vision.component.VisionComponent;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.teach.AnomalyTeacher;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Triggered inspection end to end: the PLC simulator (Milo OPC UA server) raises a station's trigger with a part id,
 * {@link PlcHandshake} hands the {@link PlcTrigger} to {@code seda:plc-trigger}, the vision consumer in triggered mode
 * inspects the frame of that moment, and {@code bean:plcResultWriter} writes the result with the same part id back.
 */
class PlcTriggeredInspectionTest {

    static final String TRIGGERS = "seda:plc-trigger";

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
        new AnomalyTeacher().teach(LongStream.range(0, 20).mapToObj(i -> gen.good(i).image()).toList(),
                AnomalyTeacher.Spec.of("trigger-test", "1"), modelDir);
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

    /** The handshake as PlcConfiguration wires it: triggers go to the trigger endpoint. */
    void startHandshake() throws Exception {
        props = new PlcProperties();
        props.setEnabled(true);
        props.setEndpointUrl(plc.endpointUrl());
        props.setCycleBudgetMs(5000);
        props.setStations(Map.of(
                "st1", PlcHandshakeTest.mapping(plc, "st1", "ResultCode"),
                "st2", PlcHandshakeTest.mapping(plc, "st2", "ResultCode"),
                "st9", PlcHandshakeTest.mapping(plc, "st9", "ResultCode")));
        ProducerTemplate producer = camel.createProducerTemplate();
        handshake = new PlcHandshake(props, meters, t -> producer.asyncSendBody(props.getTriggerEndpoint(), t));
        handshake.start();
        camel.getRegistry().bind("plcResultWriter", new PlcResultWriter(handshake));
    }

    String stationUri(String station) {
        return "vision:" + station + "?source=sim&model=" + modelDir + "&fps=20&seed=5&defectRate=0.5&storeImages=false"
                + "&trigger=" + TRIGGERS;
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
                .mapToDouble(c -> c.count()).sum();
    }

    short expectedCode(InspectionEvent e) {
        return (short) switch (e.result()) {
            case OK -> props.getResultCodeOk();
            case NG -> props.getResultCodeNg();
            default -> props.getResultCodeUncertain();
        };
    }

    @Test
    void plcTriggerWithPartIdGetsTheResultOfThatMomentWithTheSamePartIdWrittenBackPerStation() throws Exception {
        startHandshake();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(stationUri("st1")).routeId("st1-triggered").to("bean:plcResultWriter").to("mock:events");
                // a second station on the same trigger endpoint takes only its own triggers
                from(stationUri("st2")).routeId("st2-triggered").to("bean:plcResultWriter").to("mock:events2");
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
        await().atMost(30, TimeUnit.SECONDS).until(() -> events.getReceivedCounter() == 1
                && "P-1".equals(plc.value("st1", "ResultPartId")) && Boolean.TRUE.equals(plc.value("st1", "ResultReady")));
        InspectionEvent first = events.getReceivedExchanges().get(0).getIn().getBody(InspectionEvent.class);
        assertThat(first.partId()).isEqualTo("P-1");
        assertThat(first.station()).isEqualTo("st1");
        assertThat(first.captureTime()).isAfterOrEqualTo(before);
        assertThat(plc.value("st1", "ResultCode")).isEqualTo(expectedCode(first));
        assertThat(plc.value("st1", "Reject")).isEqualTo(first.result() != InspectionEvent.Verdict.OK);

        // the PLC lowers the trigger and acknowledges; then the next part
        plc.set("st1", "Trigger", new Variant(false));
        plc.set("st1", "Ack", new Variant(true));
        await().atMost(10, TimeUnit.SECONDS).until(() -> Boolean.FALSE.equals(plc.value("st1", "ResultReady")));
        plc.set("st1", "Ack", new Variant(false));

        plc.trigger("st1", "P-2");
        await().atMost(30, TimeUnit.SECONDS).until(() -> events.getReceivedCounter() == 2
                && "P-2".equals(plc.value("st1", "ResultPartId")) && Boolean.TRUE.equals(plc.value("st1", "ResultReady")));
        InspectionEvent second = events.getReceivedExchanges().get(1).getIn().getBody(InspectionEvent.class);
        assertThat(second.partId()).isEqualTo("P-2");
        assertThat(second.captureTime()).isAfter(first.captureTime());
        assertThat(plc.value("st1", "ResultCode")).isEqualTo(expectedCode(second));
        assertThat(counter("visionhub.plc.writes", "station", "st1", "outcome", "confirmed")).isEqualTo(2);
        plc.set("st1", "Trigger", new Variant(false));

        // the other station on the same endpoint
        plc.trigger("st2", "Q-1");
        await().atMost(30, TimeUnit.SECONDS).until(() -> events2.getReceivedCounter() == 1
                && "Q-1".equals(plc.value("st2", "ResultPartId")) && Boolean.TRUE.equals(plc.value("st2", "ResultReady")));
        assertThat(events2.getReceivedExchanges().get(0).getIn().getBody(InspectionEvent.class).partId()).isEqualTo("Q-1");
        assertThat(events.getReceivedCounter()).isEqualTo(2);
        plc.set("st2", "Trigger", new Variant(false));

        // a trigger for a station no triggered route serves: logged, counted, nothing inspected
        plc.trigger("st9", "P-9");
        await().atMost(30, TimeUnit.SECONDS)
                .until(() -> counter("visionhub.vision.trigger.ignored", "station", "st9") == 1);
        assertThat(events.getReceivedCounter()).isEqualTo(2);
        assertThat(events2.getReceivedCounter()).isEqualTo(1);
        assertThat(counter("visionhub.vision.trigger.missed")).isZero();
        plc.set("st9", "Trigger", new Variant(false));
    }

    @Test
    void triggerWhoseFrameCannotBeHadBeforeTheDeadlineIsCountedAndNothingIsEmitted() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(stationUri("st2")).routeId("st2-triggered").to("mock:late");
            }
        });
        MockEndpoint late = camel.getEndpoint("mock:late", MockEndpoint.class);
        camel.start();
        Instant past = Instant.now().minusSeconds(10);
        camel.createProducerTemplate().sendBody(TRIGGERS, new PlcTrigger("st2", "P-LATE", past, past.plusMillis(500)));
        await().atMost(30, TimeUnit.SECONDS)
                .until(() -> counter("visionhub.vision.trigger.missed", "station", "st2") == 1);
        assertThat(late.getReceivedCounter()).isZero();
    }

    @Test
    void badBodiesOnTheTriggerEndpointAreIgnoredAndOneStationCannotBeTriggeredTwice() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(stationUri("st3")).routeId("st3-triggered").to("mock:st3");
            }
        });
        camel.start();
        MockEndpoint st3 = camel.getEndpoint("mock:st3", MockEndpoint.class);
        ProducerTemplate producer = camel.createProducerTemplate();
        producer.sendBody(TRIGGERS, "not a trigger");
        producer.sendBody(TRIGGERS, new PlcTrigger(null, "P-X", Instant.now(), Instant.now().plusSeconds(5)));
        await().atMost(30, TimeUnit.SECONDS)
                .until(() -> counter("visionhub.vision.trigger.ignored", "reason", "not-a-trigger") == 1
                        && counter("visionhub.vision.trigger.ignored", "reason", "no-station") == 1);
        assertThat(st3.getReceivedCounter()).isZero();

        assertThatThrownBy(() -> camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(stationUri("st3") + "&camera=second").routeId("st3-again").to("mock:st3");
            }
        })).hasStackTraceContaining("already takes the triggers of station st3");
    }

    @Test
    void exampleRouteFileIsATriggeredStationThatWritesToThePlcAfterTheLedger() throws Exception {
        String yaml = Files.readString(Path.of("routes/examples/plc-triggered-station.yaml.example"));
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("plc-triggered-station.yaml", yaml));
        RouteDefinition route = ((ModelCamelContext) camel).getRouteDefinition("station-2-triggered");
        assertThat(route).isNotNull();
        assertThat(route.getInput().getEndpointUri()).startsWith("vision:station-2").contains("trigger=");
        assertThat(route.getInput().toString()).contains("plc-trigger");
        String steps = route.getOutputs().toString();
        assertThat(steps).contains("bean:ledgerRecord").contains("bean:plcResultWriter");
        assertThat(steps.indexOf("bean:ledgerRecord")).isLessThan(steps.indexOf("bean:plcResultWriter"));
        // the outputs that do not wait go first: MQTT subscribers do not wait for the PLC's answer
        assertThat(steps.indexOf("direct:mqtt-output")).isBetween(steps.indexOf("bean:ledgerRecord"),
                steps.indexOf("bean:plcResultWriter"));
    }
}
