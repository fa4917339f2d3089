package io.visionhub.onvif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.visionhub.event.InspectionEvent;
import io.visionhub.onvif.sim.OnvifDeviceSimulator;
import io.visionhub.vision.TestModels;
import io.visionhub.vision.component.CameraHealth;
import io.visionhub.vision.component.VisionConsumer;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code vision:<station>?source=onvif://...} against the ONVIF device simulator, whose profiles stream RTSP from a
 * real FFmpeg: frames flow; a camera that changes its stream URI is resolved again after the reconnect and frames
 * go on; a profile that disappears, and a wrong password, show as the camera's clear error in the station's health
 * (retried with backoff, the password nowhere in health or logs) and recover when the camera is right again.
 */
class OnvifFrameSourceTest {

    static final String USER = "operator";
    static final String PASSWORD = "Pa55&w:rd";

    @TempDir
    static Path shared;

    static Path model;

    @TempDir
    Path dir;

    OnvifDeviceSimulator camera;
    CamelContext camel;
    MockEndpoint out;
    ListAppender<ILoggingEvent> logs;

    @BeforeAll
    static void teach() {
        Assumptions.assumeTrue(OnvifTesting.ffmpegPresent(), "ffmpeg is not installed (apt-get install -y ffmpeg)");
        model = shared.resolve("model");
        new AnomalyTeacher().teach(TestModels.goodParts(1, 5), AnomalyTeacher.Spec.of("onvif-test", "1"), model);
    }

    @BeforeEach
    void start() throws Exception {
        camera = new OnvifDeviceSimulator(dir, USER, PASSWORD);
        logs = new ListAppender<>();
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        if (camel != null) {
            camel.stop();
        }
        if (camera != null) {
            camera.close();
        }
    }

    VisionConsumer station(String source, String password) throws Exception {
        camel = OnvifTesting.visionStation(
                "vision:onvif-station?camera=cam-onvif&source=" + source + "&username=" + USER + "&password=RAW("
                        + password + ")&fps=5&readTimeout=5000&reconnectDelay=100&reconnectMaxDelay=400"
                        + "&storeImages=false&model=" + model,
                "onvif");
        out = camel.getEndpoint("mock:onvif", MockEndpoint.class);
        camel.start();
        return (VisionConsumer) camel.getRoute("onvif").getConsumer();
    }

    void awaitEvents(int more) {
        int target = out.getReceivedCounter() + more;
        await().atMost(Duration.ofSeconds(60)).until(() -> out.getReceivedCounter() >= target);
    }

    void assertNoPasswordAnywhere(CameraHealth health, String password) {
        assertThat(String.valueOf(health.lastError())).doesNotContain(password);
        assertThat(logs.list)
                .allSatisfy(e -> assertThat(e.getFormattedMessage()
                                + (e.getThrowableProxy() == null
                                        ? ""
                                        : e.getThrowableProxy().getMessage()))
                        .doesNotContain(password)
                        .doesNotContain("Pa55%26w"));
    }

    @Test
    void theProfilesStreamIsResolvedAgainAfterTheCameraChangesItsStreamUriAndFramesGoOn() throws Exception {
        VisionConsumer consumer = station("onvif://" + camera.address() + "/profile_main", PASSWORD);
        awaitEvents(5);
        assertThat(out.getReceivedExchanges()
                        .get(0)
                        .getIn()
                        .getBody(InspectionEvent.class)
                        .camera())
                .isEqualTo("cam-onvif");
        assertThat(camera.rtsp().described()).containsOnly("/live/main");

        camera.changeStreamPath("profile_main", "/live/main-v2");
        await().atMost(Duration.ofSeconds(60)).until(() -> consumer.health().reconnects() >= 1);
        awaitEvents(5);
        assertThat(camera.rtsp().described()).contains("/live/main-v2");
        assertThat(camera.operations()).filteredOn("GetStreamUri"::equals).hasSizeGreaterThanOrEqualTo(2);
        assertNoPasswordAnywhere(consumer.health(), PASSWORD);
    }

    @Test
    void aProfileThatDisappearsIsReportedWithTheProfilesThatRemainAndComesBackWhenItIsThereAgain() throws Exception {
        VisionConsumer consumer = station("onvif://" + camera.address() + "/profile_sub", PASSWORD);
        awaitEvents(3);
        camera.removeProfile("profile_sub");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> String.valueOf(consumer.health().lastError()).contains("no media profile"));
        assertThat(consumer.health().lastError())
                .contains("cam-onvif")
                .contains("has no media profile 'profile_sub'")
                .contains("its profiles are profile_main (mainStream, MPEG4 320x240)");
        assertThat(consumer.health().connected()).isFalse();
        assertNoPasswordAnywhere(consumer.health(), PASSWORD);
    }

    @Test
    void aWrongPasswordIsAnAuthenticationErrorRetriedWithBackoffAndFramesComeOnceItIsRight() throws Exception {
        String wrong = "Wr0ng&pa55";
        VisionConsumer consumer = station("onvif://" + camera.address() + "/profile_main", wrong);
        // three refusals seen by the station: it retried (with backoff) and is still running
        await().atMost(Duration.ofSeconds(60))
                .until(() -> camera.refusedLogins() >= 3
                        && consumer.health().sourceErrors() >= 3
                        && String.valueOf(consumer.health().lastError()).contains("refused the credentials"));
        assertThat(consumer.health().lastError())
                .contains("refused the credentials of user '" + USER + "'")
                .contains("authentication failed");
        assertThat(out.getReceivedCounter()).isZero();
        assertThat(camel.getRouteController().getRouteStatus("onvif").isStarted())
                .isTrue();
        assertNoPasswordAnywhere(consumer.health(), wrong);

        camera.setPassword(wrong); // the camera's password is changed to what the station has
        awaitEvents(3);
    }

    @Test
    void aSnapshotProfileIsPolledWithHttpDigestFromACameraThatOnlyTakesHttpDigestWithCredentialsInTheUri()
            throws Exception {
        camera.httpDigestOnly(true);
        // credentials in the source URI this time (percent-encoded): masked wherever the source is shown
        VisionConsumer consumer = station(
                "RAW(onvif://" + USER + ":Pa55%26w%3Ard@" + camera.address() + "/profile_main/snapshot)", "unused");
        awaitEvents(3);
        assertThat(camera.operations()).contains("GetSnapshotUri").doesNotContain("GetStreamUri");
        assertThat(camera.rtsp().described()).isEmpty();
        assertNoPasswordAnywhere(consumer.health(), PASSWORD);
    }
}
