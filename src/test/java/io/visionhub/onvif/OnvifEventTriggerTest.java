package io.visionhub.onvif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visionhub.event.InspectionEvent;
import io.visionhub.onvif.component.OnvifEventsComponent;
import io.visionhub.onvif.component.OnvifEventsConstants;
import io.visionhub.onvif.component.OnvifEventsConsumer;
import io.visionhub.onvif.sim.OnvifDeviceSimulator;
import io.visionhub.vision.TestModels;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONVIF events as capture triggers, as a PLC trigger is: {@code onvif-events:cam} (PullPoint on the simulator)
 * feeds {@code vision:station?triggered=true} reading the camera's ONVIF stream; a digital input that closes or a
 * motion alarm becomes one inspection with the event's part id; the initial state, an input that opens and other
 * topics trigger nothing. A refused login and a malformed notification are clear errors, and the subscription is made
 * again.
 */
class OnvifEventTriggerTest {

    static final String USER = "admin";
    static final String PASSWORD = "ev3nt&pw";

    @TempDir
    Path dir;

    OnvifDeviceSimulator camera;
    CamelContext camel;

    @BeforeEach
    void start() throws Exception {
        camera = new OnvifDeviceSimulator(dir, USER, PASSWORD);
    }

    @AfterEach
    void stop() {
        if (camel != null) {
            camel.stop();
        }
        camera.close();
    }

    OnvifEventsConsumer events(String password, boolean withStation) throws Exception {
        camel = withStation ? OnvifTesting.visionContext() : new DefaultCamelContext();
        camel.addComponent("onvif-events", new OnvifEventsComponent());
        String trigger = "onvif-events:cam-1?address=" + camera.address() + "&username=" + USER + "&password=RAW("
                + password + ")&station=onvif-station&pullTimeout=1000&captureWindow=30s&reconnectDelay=100"
                + "&reconnectMaxDelay=400";
        if (withStation) {
            Path model = dir.resolve("model");
            new AnomalyTeacher().teach(TestModels.goodParts(1, 5), AnomalyTeacher.Spec.of("onvif-ev", "1"), model);
        }
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                if (withStation) {
                    from(trigger)
                            .routeId("trigger")
                            .to("vision:onvif-station?triggered=true&source=onvif://" + camera.address()
                                    + "/profile_main&username=" + USER + "&password=RAW(" + PASSWORD
                                    + ")&readTimeout=5000&storeImages=false&model=" + dir.resolve("model"))
                            .to("mock:inspected");
                } else {
                    from(trigger).routeId("trigger").to("mock:inspected");
                }
            }
        });
        camel.start();
        return (OnvifEventsConsumer) camel.getRoute("trigger").getConsumer();
    }

    @Test
    void aDigitalInputThatClosesTriggersOneInspectionOfTheCamerasFrame() throws Exception {
        Assumptions.assumeTrue(OnvifTesting.ffmpegPresent(), "ffmpeg is not installed (apt-get install -y ffmpeg)");
        camera.initialDigitalInput(true); // the input was already closed: its initial state is no trigger
        OnvifEventsConsumer consumer = events(PASSWORD, true);
        MockEndpoint inspected = camel.getEndpoint("mock:inspected", MockEndpoint.class);
        await().atMost(Duration.ofSeconds(60)).until(consumer::subscribed);

        camera.digitalInput(false); // opens: no trigger
        camera.otherEvent(); // another topic: no trigger
        camera.digitalInput(true); // closes: the part is there
        await().atMost(Duration.ofSeconds(60)).until(() -> inspected.getReceivedCounter() >= 1);
        assertThat(consumer.triggers()).isEqualTo(1);
        InspectionEvent first = inspected.getReceivedExchanges().get(0).getIn().getBody(InspectionEvent.class);
        assertThat(first.station()).isEqualTo("onvif-station");
        assertThat(first.partId()).startsWith("cam-1@");
        assertThat(inspected.getReceivedExchanges().get(0).getIn().getHeader(OnvifEventsConstants.TOPIC, String.class))
                .isEqualTo("tns1:Device/Trigger/DigitalInput");

        camera.motion(true);
        await().atMost(Duration.ofSeconds(60)).until(() -> inspected.getReceivedCounter() >= 2);
        assertThat(inspected.getReceivedExchanges().get(1).getIn().getHeader(OnvifEventsConstants.TOPIC, String.class))
                .isEqualTo("tns1:VideoSource/MotionAlarm");
        assertThat(consumer.triggers()).isEqualTo(2);
    }

    @Test
    void aRefusedLoginIsAnAuthenticationErrorAndTheSubscriptionIsMadeOnceThePasswordIsRight() throws Exception {
        OnvifEventsConsumer consumer = events("wrong&pw", false);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> camera.refusedLogins() >= 2
                        && String.valueOf(consumer.lastError()).contains("refused the credentials"));
        assertThat(consumer.lastError())
                .contains("refused the credentials of user 'admin'")
                .doesNotContain("wrong&pw");
        assertThat(consumer.subscribed()).isFalse();
        camera.setPassword("wrong&pw");
        await().atMost(Duration.ofSeconds(60)).until(consumer::subscribed);
        camera.digitalInput(true);
        MockEndpoint inspected = camel.getEndpoint("mock:inspected", MockEndpoint.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> inspected.getReceivedCounter() >= 1);
    }

    @Test
    void aMalformedNotificationIsNamedAndTheSubscriptionIsMadeAgain() throws Exception {
        camera.rawAnswer("PullMessages", normal -> normal.replaceAll("<wsnt:Topic[^>]*>[^<]*</wsnt:Topic>", ""));
        OnvifEventsConsumer consumer = events(PASSWORD, false);
        // the initial-state notification comes without its topic
        await().atMost(Duration.ofSeconds(60))
                .until(() -> String.valueOf(consumer.lastError()).contains("NotificationMessage without Topic"));
        await().atMost(Duration.ofSeconds(60)).until(() -> consumer.subscriptions() >= 2);
        assertThat(consumer.triggers()).isZero();
    }
}
