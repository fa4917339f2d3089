package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.EventSchema;
import io.visionhub.event.InspectionEvent;
import io.visionhub.plc.component.PlcComponent;
import io.visionhub.plc.component.PlcConstants;
import io.visionhub.vision.component.VisionComponent;
import io.visionhub.vision.gige.FakeGvCamera;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18's trigger chain end to end, each link real: the PLC simulator (Milo OPC UA server) raises a station's
 * trigger with a part id, {@code from: plc:<station>} emits the trigger, {@code vision:<station>?triggered=true} with a
 * {@code gige://} source in software-trigger mode fires TriggerSoftware on Aravis' fake GigE Vision camera (its own
 * process, GVCP/GVSP on loopback), the one frame that exposure gives is inspected under that part id with its
 * trigger-to-exposure delay, and {@code to: plc:<station>} writes the result back. The camera sends nothing between
 * parts: one exposure per PLC trigger.
 */
class PlcGigeSoftwareTriggerTest {

    @TempDir
    Path dir;

    PlcSimulator plc;
    FakeGvCamera camera;
    DefaultCamelContext camel;
    PlcHandshake handshake;

    @AfterEach
    void stop() throws Exception {
        if (camel != null) {
            camel.stop();
        }
        if (handshake != null) {
            handshake.close();
        }
        if (camera != null) {
            camera.close();
        }
        if (plc != null) {
            plc.close();
        }
    }

    double gige(SimpleMeterRegistry meters, String kind) {
        var c = meters.find("visionhub.vision.gige.buffers").tag("kind", kind).functionCounter();
        return c == null ? -1 : c.count();
    }

    @Test
    void eachPlcTriggerFiresOneGenicamSoftwareTriggerWhoseFrameIsInspectedAsThatPartAndWrittenBack() throws Exception {
        camera = FakeGvCamera.start(dir); // skips, naming the package, without Aravis or aravis-tools
        plc = new PlcSimulator(List.of("st4"));
        Path model = dir.resolve("model");
        SimulatedPartGenerator gen = new SimulatedPartGenerator(3, 0.0);
        new AnomalyTeacher()
                .teach(
                        LongStream.range(0, 8)
                                .mapToObj(i -> gen.good(i).image())
                                .toList(),
                        AnomalyTeacher.Spec.of("plc-gige-test", "1"),
                        model);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        camel = new DefaultCamelContext();
        VisionComponent vision = new VisionComponent();
        vision.setMeterRegistry(meters);
        camel.addComponent("vision", vision);
        PlcProperties props = PlcProperties.defaults()
                .withEnabled(true)
                .withEndpointUrl(plc.endpointUrl())
                .withCycleBudgetMs(10_000)
                .withStations(Map.of("st4", PlcHandshakeTest.mapping(plc, "st4", "ResultCode")));
        handshake = new PlcHandshake(props, meters, null, PlcFailSafeRecorder.NONE);
        handshake.start();
        PlcComponent plcComponent = new PlcComponent();
        plcComponent.setHandshakes(PlcHandshakes.of(handshake));
        camel.addComponent("plc", plcComponent);
        String source = "gige://" + FakeGvCamera.ADDRESS + "?Width=320&Height=240&PixelFormat=Mono8"
                + "&TriggerSelector=FrameStart&TriggerMode=On&TriggerSource=Software";
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("plc:st4")
                        .routeId("st4-triggered")
                        .to("vision:st4?triggered=true&storeImages=false&model=" + model + "&source=RAW(" + source
                                + ")")
                        .to("plc:st4")
                        .to("mock:events");
            }
        });
        MockEndpoint events = camel.getEndpoint("mock:events", MockEndpoint.class);
        camel.start();
        await().atMost(60, TimeUnit.SECONDS)
                .until(() -> meters.find("visionhub.vision.connected").gauge() != null
                        && meters.find("visionhub.vision.connected").gauge().value() == 1);
        assertThat(gige(meters, "completed")).as("no exposure before a part").isLessThanOrEqualTo(0);

        for (int i = 1; i <= 2; i++) {
            String part = "G-" + i;
            Instant before = Instant.now();
            plc.trigger("st4", part);
            int n = i;
            await().atMost(60, TimeUnit.SECONDS)
                    .until(() -> events.getReceivedCounter() == n
                            && part.equals(plc.value("st4", "ResultPartId"))
                            && Boolean.TRUE.equals(plc.value("st4", "ResultReady")));
            InspectionEvent ev =
                    events.getReceivedExchanges().get(i - 1).getIn().getBody(InspectionEvent.class);
            assertThat(ev.partId()).isEqualTo(part);
            assertThat(ev.station()).isEqualTo("st4");
            assertThat(EventSchema.problems(ev)).isEmpty();
            assertThat(ev.captureTime()).isAfterOrEqualTo(before);
            // the PLC's trigger (its source time) to the exposure the hub fired for it
            assertThat(ev.latency().triggerToExposureMs()).isNotNull().isGreaterThanOrEqualTo(0.0);
            assertThat(events.getReceivedExchanges().get(i - 1).getIn().getHeader(PlcConstants.OUTCOME))
                    .isEqualTo("CONFIRMED");
            // one PLC trigger, one exposure
            assertThat(gige(meters, "completed")).isEqualTo(i);

            plc.set("st4", "Trigger", new Variant(false));
            plc.set("st4", "Ack", new Variant(true));
            await().atMost(10, TimeUnit.SECONDS).until(() -> Boolean.FALSE.equals(plc.value("st4", "ResultReady")));
            plc.set("st4", "Ack", new Variant(false));
        }
        await().during(1, TimeUnit.SECONDS).atMost(5, TimeUnit.SECONDS).until(() -> gige(meters, "completed") == 2);
    }
}
