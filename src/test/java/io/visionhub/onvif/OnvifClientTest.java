package io.visionhub.onvif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.onvif.OnvifException.Kind;
import io.visionhub.onvif.sim.OnvifDeviceSimulator;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ONVIF client against the device simulator (real SOAP over HTTP, the token's digest checked): device, media
 * and capability calls, WS-UsernameToken and HTTP digest logins, refused logins, missing profiles and every kind of
 * malformed answer, each a clear error naming the camera and the operation, never the password.
 */
class OnvifClientTest {

    static final String USER = "admin";
    static final String PASSWORD = "s3cr&t:pw";

    @TempDir
    Path dir;

    OnvifDeviceSimulator camera;

    @BeforeEach
    void start() throws Exception {
        camera = new OnvifDeviceSimulator(dir, USER, PASSWORD);
    }

    @AfterEach
    void stop() {
        if (camera != null) {
            camera.close();
        }
    }

    OnvifClient client(String password) {
        return new OnvifClient(
                URI.create("http://" + camera.address() + "/onvif/device_service"),
                USER,
                password,
                Duration.ofSeconds(20));
    }

    @Test
    void deviceInformationProfilesStreamAndSnapshotUrisComeFromTheCamera() {
        OnvifClient c = client(PASSWORD);
        assertThat(c.syncClock().abs()).isLessThan(Duration.ofMinutes(1));
        assertThat(c.deviceInformation().model()).isEqualTo("ONVIF simulator");
        assertThat(c.mediaService()).hasToString("http://" + camera.address() + "/onvif/media_service");
        assertThat(c.eventsService()).contains(URI.create("http://" + camera.address() + "/onvif/events_service"));
        List<OnvifProfile> profiles = c.profiles();
        assertThat(profiles).extracting(OnvifProfile::token).containsExactly("profile_main", "profile_sub");
        assertThat(profiles.get(0)).isEqualTo(new OnvifProfile("profile_main", "mainStream", "MPEG4", 320, 240));
        assertThat(c.streamUri("profile_main")).isEqualTo(camera.rtsp().uri("/live/main"));
        assertThat(c.snapshotUri("profile_sub"))
                .hasToString("http://" + camera.address() + "/snapshot/profile_sub.jpg");
        assertThat(c.profile("subStream").token()).as("by name").isEqualTo("profile_sub");
        assertThat(c.profile("").token()).as("empty: the first").isEqualTo("profile_main");
        // the snapshot wants HTTP digest: the client answers the challenge
        assertThat(c.get(c.snapshotUri("profile_main"))).startsWith(0xFF, 0xD8);
    }

    @Test
    void aWrongPasswordIsAnAuthenticationErrorNamingTheUserNotThePassword() {
        assertThatThrownBy(() -> client("wrong-pw").profiles())
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTH))
                .hasMessageContaining("camera " + camera.address() + " refused the credentials of user 'admin'")
                .hasMessageContaining("ter:NotAuthorized")
                .hasMessageContaining("authentication failed")
                .hasMessageNotContaining("wrong-pw");
        assertThat(camera.refusedLogins()).isEqualTo(1);
    }

    @Test
    void aCameraThatWantsHttpDigestGetsItAfterThe401() {
        camera.httpDigestOnly(true);
        assertThat(client(PASSWORD).profiles()).hasSize(2);
        assertThatThrownBy(() -> client("wrong-pw").deviceInformation())
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTH))
                .hasMessageContaining("HTTP 401 after HTTP digest authentication")
                .hasMessageNotContaining("wrong-pw");
    }

    @Test
    void aProfileThatIsNotThereIsNamedWithTheOnesThatAre() {
        camera.removeProfile("profile_main");
        assertThatThrownBy(() -> client(PASSWORD).profile("profile_main"))
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NO_SUCH_PROFILE))
                .hasMessageContaining("has no media profile 'profile_main'")
                .hasMessageContaining("its profiles are profile_sub (subStream, MPEG4 320x240)");
    }

    @Test
    void aCameraThatFaultsOnGetCapabilitiesIsReadThroughGetServicesWhichIsAskedFirst() {
        camera.rawAnswer(
                "GetCapabilities",
                normal -> SoapXml.envelope(
                        "",
                        "<s:Fault><s:Code><s:Value>s:Receiver"
                                + "</s:Value><s:Subcode><s:Value>ter:ActionNotSupported</s:Value></s:Subcode></s:Code><s:Reason>"
                                + "<s:Text xml:lang=\"en\">not here</s:Text></s:Reason></s:Fault>"));
        OnvifClient c = client(PASSWORD);
        assertThat(c.mediaService()).hasToString("http://" + camera.address() + "/onvif/media_service");
        assertThat(camera.operations()).contains("GetServices").doesNotContain("GetCapabilities");
    }

    @Test
    void anAnswerThatIsNotXmlIsAMalformedAnswerNamingTheOperation() {
        camera.rawAnswer("GetProfiles", normal -> "<html><body>Login</body></html");
        assertThatThrownBy(() -> client(PASSWORD).profiles())
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED))
                .hasMessageContaining("answered GetProfiles (HTTP 200) with something that is not a SOAP envelope")
                .hasMessageContaining("<html><body>Login");
    }

    @Test
    void aStreamUriAnswerWithoutItsUriIsNamed() {
        camera.rawAnswer("GetStreamUri", normal -> normal.replaceAll("<tt:Uri>.*</tt:Uri>", ""));
        assertThatThrownBy(() -> client(PASSWORD).streamUri("profile_main"))
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED))
                .hasMessageContaining("answered GetStreamUri of profile profile_main without MediaUri/Uri");
    }

    @Test
    void aBadUriOrAProfileWithoutTokenOrTheWrongResponseElementAreNamed() {
        camera.rawAnswer(
                "GetStreamUri", normal -> normal.replaceAll("<tt:Uri>.*</tt:Uri>", "<tt:Uri>not a uri</tt:Uri>"));
        assertThatThrownBy(() -> client(PASSWORD).streamUri("profile_main")).hasMessageContaining("with a bad URI");
        camera.rawAnswer("GetProfiles", normal -> normal.replace("token=\"profile_main\"", ""));
        assertThatThrownBy(() -> client(PASSWORD).profiles()).hasMessageContaining("a profile without a token");
        camera.rawAnswer("GetDeviceInformation", normal -> SoapXml.envelope("", "<tds:Other/>"));
        assertThatThrownBy(() -> client(PASSWORD).deviceInformation())
                .hasMessageContaining("with <Other> instead of GetDeviceInformationResponse");
    }

    @Test
    void aSoapFaultIsReportedWithItsCodeAndReason() {
        camera.rawAnswer(
                "GetSnapshotUri",
                normal -> SoapXml.envelope(
                        "",
                        "<s:Fault><s:Code><s:Value>s:Receiver"
                                + "</s:Value><s:Subcode><s:Value>ter:Action</s:Value><s:Subcode><s:Value>ter:NoSnapshot</s:Value>"
                                + "</s:Subcode></s:Subcode></s:Code><s:Reason><s:Text xml:lang=\"en\">snapshots are off</s:Text>"
                                + "</s:Reason></s:Fault>"));
        assertThatThrownBy(() -> client(PASSWORD).snapshotUri("profile_main"))
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FAULT))
                .hasMessageContaining("answered GetSnapshotUri with SOAP fault ter:NoSnapshot (snapshots are off)");
    }

    @Test
    void aDoctypeInAnAnswerIsRefusedNotExpanded() {
        camera.rawAnswer(
                "GetDeviceInformation",
                normal -> "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM " + "\"file:///etc/passwd\">]>"
                        + normal.substring(normal.indexOf("<s:Envelope")).replace("SIM-0001", "&e;"));
        assertThatThrownBy(() -> client(PASSWORD).deviceInformation())
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED))
                .hasMessageNotContaining("root:");
    }

    @Test
    void aCameraThatIsNotThereIsUnreachableNamingTheAddress() throws Exception {
        int port = OnvifTesting.freePort();
        OnvifClient c = new OnvifClient(
                URI.create("http://127.0.0.1:" + port + "/onvif/device_service"),
                USER,
                PASSWORD,
                Duration.ofSeconds(2));
        assertThatThrownBy(c::deviceInformation)
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
                .hasMessageContaining("camera 127.0.0.1:" + port + " did not answer GetDeviceInformation")
                .hasMessageContaining("check the address and port");
    }
}
