package io.visionhub.onvif.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.api.ApiError;
import io.visionhub.onvif.OnvifCameras;
import io.visionhub.onvif.OnvifProperties;
import io.visionhub.onvif.OnvifTesting;
import io.visionhub.onvif.sim.OnvifDeviceSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The routes behind /api/cameras/onvif/** against the simulator (REST DSL left out: the api concern's
 * platform-http serves it; access (ADMIN) is the api concern's rule, see OnvifConfiguration): discovery lists the
 * simulator with its profiles, the profiles of one address, bad inputs and camera errors as API errors, no password
 * in any answer.
 */
class OnvifRestRoutesTest {

    static final String PASSWORD = "rest-s3cret";

    @TempDir
    Path dir;

    OnvifDeviceSimulator camera;
    DefaultCamelContext camel;
    ProducerTemplate api;

    @BeforeEach
    void start() throws Exception {
        camera = new OnvifDeviceSimulator(dir, "hub", PASSWORD);
        int port = OnvifTesting.freeUdpPort();
        camera.startDiscovery(port);
        OnvifProperties props = new OnvifProperties(
                true,
                new OnvifProperties.Discovery("lo", port, Duration.ofMillis(1500), Duration.ofSeconds(10)),
                Duration.ofSeconds(20),
                "someone",
                "other",
                List.of(new OnvifProperties.CameraCredentials("127.0.0.1:" + camera.port(), "hub", PASSWORD)));
        camel = new DefaultCamelContext();
        camel.addRoutes(new OnvifRestRoutes(new OnvifCameras(props::credentialsFor, props.requestTimeout()), props) {
            @Override
            protected void declareRest() {}
        });
        camel.start();
        api = camel.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        camel.stop();
        camera.close();
    }

    Exchange call(String route, Map<String, Object> headers) {
        return api.request("direct:" + route, e -> headers.forEach(e.getMessage()::setHeader));
    }

    static int status(Exchange e) {
        return e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
    }

    @Test
    void discoveryListsTheSimulatorWithItsProfilesAndSourcesButNoPassword() {
        Exchange e = call("onvif-discover", Map.of("timeout", "1500ms"));
        assertThat(status(e)).isEqualTo(200);
        OnvifCameras.Discovery d = e.getMessage().getBody(OnvifCameras.Discovery.class);
        OnvifCameras.Camera c = d.cameras().stream()
                .filter(x -> x.endpointReference().equals(camera.endpointReference()))
                .findFirst()
                .orElseThrow();
        assertThat(c.name()).isEqualTo("Vision Hub Simulator");
        assertThat(c.details().error()).isNull();
        assertThat(c.details().device().serialNumber()).isEqualTo("SIM-0001");
        assertThat(c.details().profiles())
                .extracting(OnvifCameras.Profile::token, OnvifCameras.Profile::source)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "profile_main", "onvif://" + camera.address() + "/profile_main"),
                        org.assertj.core.groups.Tuple.tuple(
                                "profile_sub", "onvif://" + camera.address() + "/profile_sub"));
        assertThat(c.details().profiles().get(0).streamUri())
                .isEqualTo(camera.rtsp().uri("/live/main").toString());
        assertThat(d.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void profilesOfOneAddressAndTheCamerasErrorsAsApiErrors() {
        Exchange ok = call("onvif-profiles", Map.of("address", camera.address()));
        assertThat(status(ok)).isEqualTo(200);
        assertThat(ok.getMessage().getBody(OnvifCameras.CameraProfiles.class).profiles())
                .hasSize(2);

        camera.setPassword("changed");
        Exchange refused = call("onvif-profiles", Map.of("address", camera.address()));
        assertThat(status(refused)).isEqualTo(502);
        ApiError err = refused.getMessage().getBody(ApiError.class);
        assertThat(err.code()).isEqualTo("camera_refused_login");
        assertThat(err.message())
                .contains("refused the credentials of user 'hub'")
                .doesNotContain(PASSWORD);

        camera.setPassword(PASSWORD);
        camera.rawAnswer("GetProfiles", normal -> "garbage");
        Exchange broken = call("onvif-profiles", Map.of("address", camera.address()));
        assertThat(status(broken)).isEqualTo(502);
        assertThat(broken.getMessage().getBody(ApiError.class).code()).isEqualTo("camera_error");
    }

    @Test
    void badAddressesAndTimeoutsAre400NamingTheField() throws Exception {
        for (String bad : List.of("http://x/y", "a b", "host:port", "")) {
            Exchange e = call("onvif-profiles", Map.of("address", bad));
            assertThat(status(e)).as(bad).isEqualTo(400);
            assertThat(e.getMessage().getBody(ApiError.class).field()).isEqualTo("address");
        }
        for (String bad : List.of("soon", "5m", "10ms")) {
            Exchange e = call("onvif-discover", Map.of("timeout", bad));
            assertThat(status(e)).as(bad).isEqualTo(400);
            assertThat(e.getMessage().getBody(ApiError.class).field()).isEqualTo("timeout");
        }
        for (String bad : List.of("yes", "1", "TRUE")) {
            Exchange e = call("onvif-discover", Map.of("timeout", "100ms", "profiles", bad));
            assertThat(status(e)).as(bad).isEqualTo(400);
            assertThat(e.getMessage().getBody(ApiError.class).field()).isEqualTo("profiles");
        }
        Exchange gone = call("onvif-profiles", Map.of("address", "127.0.0.1:" + OnvifTesting.freePort()));
        assertThat(status(gone)).isEqualTo(504);
        assertThat(gone.getMessage().getBody(ApiError.class).code()).isEqualTo("camera_unreachable");
    }

    @Test
    void aCameraWhoseDeviceServiceIsElsewhereIsAskedAtThePathGivenAndBadPathOrHttpsAre400() throws Exception {
        try (OnvifDeviceSimulator media2 = new OnvifDeviceSimulator(
                dir.resolve("media2"),
                "someone",
                "other",
                OnvifDeviceSimulator.MediaServices.MEDIA2,
                "/vendor/onvif/dev",
                false)) {
            Exchange ok = call("onvif-profiles", Map.of("address", media2.address(), "path", "/vendor/onvif/dev"));
            assertThat(status(ok)).isEqualTo(200);
            OnvifCameras.CameraProfiles p = ok.getMessage().getBody(OnvifCameras.CameraProfiles.class);
            assertThat(p.mediaService()).isEqualTo("Media2");
            assertThat(p.deviceService()).isEqualTo(media2.deviceService());
            assertThat(p.profiles())
                    .extracting(OnvifCameras.Profile::source)
                    .containsExactly(
                            "onvif://" + media2.address() + "/profile_main?path=/vendor/onvif/dev",
                            "onvif://" + media2.address() + "/profile_sub?path=/vendor/onvif/dev");

            // at the usual path this camera's web server says 404: the error says it is not the device service
            Exchange usual = call("onvif-profiles", Map.of("address", media2.address()));
            assertThat(status(usual)).isEqualTo(502);
            assertThat(usual.getMessage().getBody(ApiError.class).message())
                    .contains("(HTTP 404) with something that is not a SOAP envelope");
        }
        Exchange badPath = call("onvif-profiles", Map.of("address", camera.address(), "path", "onvif dev"));
        assertThat(status(badPath)).isEqualTo(400);
        assertThat(badPath.getMessage().getBody(ApiError.class).field()).isEqualTo("path");
        Exchange badHttps = call("onvif-profiles", Map.of("address", camera.address(), "https", "yes"));
        assertThat(status(badHttps)).isEqualTo(400);
        assertThat(badHttps.getMessage().getBody(ApiError.class).field()).isEqualTo("https");
    }
}
