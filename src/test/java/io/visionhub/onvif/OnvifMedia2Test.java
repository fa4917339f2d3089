package io.visionhub.onvif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.visionhub.onvif.OnvifException.Kind;
import io.visionhub.onvif.sim.OnvifDeviceSimulator;
import io.visionhub.onvif.sim.OnvifDeviceSimulator.MediaServices;
import io.visionhub.vision.TestModels;
import io.visionhub.vision.component.VisionConsumer;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ONVIF Media2 (ver20/media/wsdl, Profile T) against the device simulator in its three media modes: a camera that
 * offers only Media2 (no Media ver10 at all, as Profile T-only cameras), one that offers both (Media2 is preferred),
 * and one whose Media2 faults (the client falls back to Media). End to end: WS-Discovery on the loopback interface,
 * the camera's profiles from its XAddr (a device service at a path other than /onvif/device_service), the source
 * the discovery gives, and frames from the profile's RTSP stream (H.265 for the Media2-only camera) in a vision
 * route.
 */
class OnvifMedia2Test {

    static final String USER = "admin";
    static final String PASSWORD = "s3cr&t:pw";
    static final String MEDIA1 = "/onvif/media_service";
    static final String MEDIA2 = OnvifDeviceSimulator.MEDIA2_PATH;

    @TempDir
    Path dir;

    OnvifDeviceSimulator camera;
    CamelContext camel;

    @AfterEach
    void stop() {
        if (camel != null) {
            camel.stop();
        }
        if (camera != null) {
            camera.close();
        }
    }

    OnvifDeviceSimulator camera(MediaServices media, String devicePath, boolean h265) throws Exception {
        camera = new OnvifDeviceSimulator(dir, USER, PASSWORD, media, devicePath, h265);
        return camera;
    }

    OnvifClient client() {
        return new OnvifClient(URI.create(camera.deviceService()), USER, PASSWORD, Duration.ofSeconds(20));
    }

    List<String> callsAt(String path) {
        return camera.calls().stream()
                .filter(c -> c.startsWith(path + " "))
                .map(c -> c.substring(path.length() + 1))
                .toList();
    }

    @Test
    void aCameraWithOnlyMedia2GivesItsProfilesWithH265EncodersAndItsStreamAndSnapshotUris() throws Exception {
        camera(MediaServices.MEDIA2, "/onvif/device_service", true);
        OnvifClient c = client();
        assertThat(c.mediaVersion()).isEqualTo("Media2");
        assertThat(c.mediaService()).hasToString("http://" + camera.address() + MEDIA2);
        assertThat(c.profiles())
                .containsExactly(
                        new OnvifProfile("profile_main", "mainStream", "H265", 320, 240),
                        new OnvifProfile("profile_sub", "subStream", "H265", 320, 240));
        assertThat(c.streamUri("profile_sub")).isEqualTo(camera.rtsp().uri("/live/sub"));
        assertThat(c.snapshotUri("profile_main"))
                .hasToString("http://" + camera.address() + "/snapshot/profile_main.jpg");
        assertThat(c.get(c.snapshotUri("profile_main"))).startsWith(0xFF, 0xD8);
        assertThat(callsAt(MEDIA2)).containsExactly("GetProfiles", "GetStreamUri", "GetSnapshotUri", "GetSnapshotUri");
        assertThat(callsAt(MEDIA1)).isEmpty();
        assertThat(camera.operations()).as("GetServices found Media2").contains("GetServices");
    }

    @Test
    void aCameraWithBothMediaServicesIsReadThroughMedia2() throws Exception {
        camera(MediaServices.BOTH, "/onvif/device_service", false);
        OnvifClient c = client();
        assertThat(c.profile("subStream").encoding()).isEqualTo("MPEG4");
        assertThat(c.streamUri("profile_main")).isEqualTo(camera.rtsp().uri("/live/main"));
        assertThat(c.mediaVersion()).isEqualTo("Media2");
        assertThat(callsAt(MEDIA2)).containsExactly("GetProfiles", "GetStreamUri");
        assertThat(callsAt(MEDIA1)).isEmpty();
    }

    @Test
    void aCameraWhoseMedia2FaultsIsReadThroughMediaVer10() throws Exception {
        camera(MediaServices.BOTH, "/onvif/device_service", false);
        camera.rawAnswer(
                MEDIA2 + " GetProfiles",
                normal -> SoapXml.envelope(
                        "",
                        "<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>ter:ActionNotSupported"
                                + "</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang=\"en\">not implemented"
                                + "</s:Text></s:Reason></s:Fault>"));
        OnvifClient c = client();
        assertThat(c.profiles()).extracting(OnvifProfile::token).containsExactly("profile_main", "profile_sub");
        assertThat(c.mediaVersion()).isEqualTo("Media");
        assertThat(c.streamUri("profile_main")).isEqualTo(camera.rtsp().uri("/live/main"));
        assertThat(callsAt(MEDIA2)).as("asked once, then not again").containsExactly("GetProfiles");
        assertThat(callsAt(MEDIA1)).containsExactly("GetProfiles", "GetStreamUri");
    }

    @Test
    void aMedia2OnlyCameraWhoseMedia2FaultsIsAnErrorNamingTheFault() throws Exception {
        camera(MediaServices.MEDIA2, "/onvif/device_service", false);
        camera.rawAnswer(
                MEDIA2 + " GetProfiles",
                normal -> SoapXml.envelope(
                        "",
                        "<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>ter:ActionNotSupported"
                                + "</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang=\"en\">broken"
                                + "</s:Text></s:Reason></s:Fault>"));
        assertThatThrownBy(() -> client().profiles())
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FAULT))
                .hasMessageContaining("answered GetProfiles with SOAP fault ter:ActionNotSupported (broken)");
    }

    @Test
    void aMediaVer10AnswerToAMedia2CallIsAWrongNamespaceErrorNotReadAsProfiles() throws Exception {
        camera(MediaServices.MEDIA2, "/onvif/device_service", false);
        camera.rawAnswer(
                MEDIA2 + " GetProfiles",
                normal -> normal.replace("<tr2:GetProfilesResponse>", "<trt:GetProfilesResponse>")
                        .replace("</tr2:GetProfilesResponse>", "</trt:GetProfilesResponse>"));
        assertThatThrownBy(() -> client().profiles())
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED))
                .hasMessageContaining("camera " + camera.address() + " answered GetProfiles with a "
                        + "GetProfilesResponse of namespace " + SoapXml.TRT + " instead of " + SoapXml.TR2)
                .hasMessageContaining("a Media ver10 answer to a Media2 call");
    }

    @Test
    void aCameraWithoutGetServicesIsAskedGetCapabilitiesForItsMediaVer10Service() throws Exception {
        camera(MediaServices.MEDIA, "/onvif/device_service", false);
        camera.rawAnswer(
                "GetServices",
                normal -> SoapXml.envelope(
                        "",
                        "<s:Fault><s:Code><s:Value>s:Receiver</s:Value><s:Subcode><s:Value>ter:ActionNotSupported"
                                + "</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang=\"en\">old firmware"
                                + "</s:Text></s:Reason></s:Fault>"));
        OnvifClient c = client();
        assertThat(c.mediaVersion()).isEqualTo("Media");
        assertThat(c.mediaService()).hasToString("http://" + camera.address() + MEDIA1);
        assertThat(camera.operations()).containsSubsequence("GetServices", "GetCapabilities");
    }

    @Test
    void aMedia2XAddrThatIsNotAnHttpUrlIsNamed() throws Exception {
        camera(MediaServices.MEDIA2, "/onvif/device_service", false);
        camera.rawAnswer(
                "GetServices",
                normal -> normal.replace("http://" + camera.address() + MEDIA2, "ftp://" + camera.address() + MEDIA2));
        assertThatThrownBy(() -> client().profiles())
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED))
                .hasMessageContaining("answered GetServices (Media2) with a bad XAddr 'ftp://")
                .hasMessageContaining("not an http or https URL");
    }

    // ---- end to end: discovery -> profiles from the XAddr -> the source it gives -> frames ----------------------

    @Test
    void aMedia2OnlyH265CameraAtAnotherPathIsFoundAndStreamsFramesIntoAStation() throws Exception {
        Assumptions.assumeTrue(OnvifTesting.ffmpegPresent(), "ffmpeg is not installed (apt-get install -y ffmpeg)");
        Assumptions.assumeTrue(
                OnvifTesting.ffmpegEncoder("libx265"), "this ffmpeg has no libx265 encoder (Debian's ffmpeg has)");
        camera(MediaServices.MEDIA2, "/cam/onvif/device", true);
        OnvifCameras.CameraProfiles details = discover();
        assertThat(details.error()).isNull();
        assertThat(details.mediaService()).isEqualTo("Media2");
        assertThat(details.deviceService()).isEqualTo(camera.deviceService());
        OnvifCameras.Profile main = details.profiles().get(0);
        assertThat(main.encoding()).isEqualTo("H265");
        assertThat(main.source()).isEqualTo("onvif://" + camera.address() + "/profile_main?path=/cam/onvif/device");
        streamsFrames(main.source());
        assertThat(callsAt(MEDIA2)).contains("GetStreamUri");
        assertThat(callsAt(MEDIA1)).isEmpty();
        assertThat(callsAt("/onvif/device_service"))
                .as("the usual path is never assumed")
                .isEmpty();
    }

    @Test
    void aCameraWithBothMediaServicesIsFoundAndStreamsFramesThroughMedia2() throws Exception {
        Assumptions.assumeTrue(OnvifTesting.ffmpegPresent(), "ffmpeg is not installed (apt-get install -y ffmpeg)");
        camera(MediaServices.BOTH, "/onvif/device_service", false);
        OnvifCameras.CameraProfiles details = discover();
        assertThat(details.error()).isNull();
        assertThat(details.mediaService()).isEqualTo("Media2");
        OnvifCameras.Profile sub = details.profiles().get(1);
        assertThat(sub.source()).isEqualTo("onvif://" + camera.address() + "/profile_sub");
        assertThat(sub.streamUri()).isEqualTo(camera.rtsp().uri("/live/sub").toString());
        streamsFrames(sub.source());
        assertThat(callsAt(MEDIA2)).contains("GetProfiles", "GetStreamUri");
        assertThat(callsAt(MEDIA1)).isEmpty();
    }

    OnvifCameras.CameraProfiles discover() throws Exception {
        int port = OnvifTesting.freeUdpPort();
        camera.startDiscovery(port);
        OnvifCameras cameras = new OnvifCameras(a -> new String[] {USER, PASSWORD}, Duration.ofSeconds(20));
        OnvifCameras.Discovery d = cameras.discover("lo", port, Duration.ofSeconds(2), true);
        return d.cameras().stream()
                .filter(c -> c.endpointReference().equals(camera.endpointReference()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the simulator is not among " + d.cameras()))
                .details();
    }

    void streamsFrames(String source) throws Exception {
        Path model = dir.resolve("model");
        new AnomalyTeacher().teach(TestModels.goodParts(1, 5), AnomalyTeacher.Spec.of("onvif-media2", "1"), model);
        camel = OnvifTesting.visionStation(
                "vision:media2-station?camera=cam-media2&source=RAW(" + source + ")&username=" + USER
                        + "&password=RAW(" + PASSWORD + ")&fps=5&readTimeout=10000&reconnectDelay=100"
                        + "&reconnectMaxDelay=400&storeImages=false&model=" + model,
                "media2");
        MockEndpoint out = camel.getEndpoint("mock:media2", MockEndpoint.class);
        camel.start();
        VisionConsumer consumer = (VisionConsumer) camel.getRoute("media2").getConsumer();
        await().atMost(Duration.ofSeconds(90))
                .failFast(() -> out.getReceivedCounter() == 0
                        && String.valueOf(consumer.health().lastError()).contains("has no media profile"))
                .until(() -> out.getReceivedCounter() >= 3);
        assertThat(String.valueOf(consumer.health().lastError())).doesNotContain(PASSWORD);
    }
}
