package io.visionhub.onvif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.onvif.OnvifException.Kind;
import io.visionhub.onvif.sim.OnvifDeviceSimulator;
import io.visionhub.onvif.sim.OnvifDeviceSimulator.MediaServices;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device service is where the camera says it is: the XAddrs of its ProbeMatch (several, other paths, other
 * ports, https), not an assumed http://host/onvif/device_service. The simulator serves its device service at
 * /vendor/onvif/dev on a random port and answers 404 (a web server's answer) everywhere else. Malformed XAddrs,
 * addresses that do not answer or answer a web page, SOAP faults and refused logins each give an error naming the
 * address and the problem.
 */
class OnvifDeviceAddressTest {

    static final String PATH = "/vendor/onvif/dev";

    @TempDir
    Path dir;

    OnvifDeviceSimulator camera;
    int discoveryPort;

    @BeforeEach
    void start() throws Exception {
        camera = new OnvifDeviceSimulator(dir, "admin", "pw", MediaServices.MEDIA, PATH, false);
        discoveryPort = OnvifTesting.freeUdpPort();
        camera.startDiscovery(discoveryPort);
    }

    @AfterEach
    void stop() {
        camera.close();
    }

    OnvifCameras.Camera discovered(String password) {
        OnvifCameras cameras = new OnvifCameras(a -> new String[] {"admin", password}, Duration.ofSeconds(5));
        OnvifCameras.Discovery d = cameras.discover("lo", discoveryPort, Duration.ofMillis(1500), true);
        return d.cameras().stream()
                .filter(c -> c.endpointReference().equals(camera.endpointReference()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the simulator is not among " + d.cameras()));
    }

    @Test
    void theProfilesComeFromTheFirstXAddrThatAnswersSoapPassingOverDeadOnesWebPagesAndMalformedOnes() throws Exception {
        int dead = OnvifTesting.freePort();
        String good = camera.deviceService();
        camera.xaddrs("http://127.0.0.1:" + dead + "/onvif/device_service "
                + "not:a:url "
                + "http://" + camera.address() + "/onvif/device_service " // the usual path: 404 on this camera
                + good);
        OnvifCameras.Camera c = discovered("pw");
        assertThat(c.xaddrs())
                .as("the malformed XAddr is left out")
                .containsExactly(
                        "http://127.0.0.1:" + dead + "/onvif/device_service",
                        "http://" + camera.address() + "/onvif/device_service",
                        good);
        assertThat(c.details().error()).isNull();
        assertThat(c.details().deviceService()).isEqualTo(good);
        assertThat(c.details().profiles())
                .extracting(OnvifCameras.Profile::source)
                .containsExactly(
                        "onvif://" + camera.address() + "/profile_main?path=" + PATH,
                        "onvif://" + camera.address() + "/profile_sub?path=" + PATH);
        // the source the discovery gives opens the camera at that path
        OnvifCameraUri source =
                OnvifCameraUri.parse(c.details().profiles().get(0).source());
        assertThat(source.deviceService()).hasToString(good);
        OnvifClient client = new OnvifClient(source.deviceService(), "admin", "pw", Duration.ofSeconds(5));
        assertThat(client.streamUri("profile_main")).isEqualTo(camera.rtsp().uri("/live/main"));
    }

    @Test
    void aCameraWhoseXAddrsAreAllMalformedIsListedWithAnErrorNamingThem() {
        camera.xaddrs("ftp://127.0.0.1/onvif/device_service http:// http//127.0.0.1/x");
        OnvifCameras.Camera c = discovered("pw");
        assertThat(c.xaddrs()).isEmpty();
        assertThat(c.details().errorKind()).isEqualTo("MALFORMED");
        assertThat(c.details().error())
                .contains("announced no usable device service address")
                .contains("'ftp://127.0.0.1/onvif/device_service' (not an http or https URL)")
                .contains("'http://' (not a URL")
                .contains("'http//127.0.0.1/x' (not an http or https URL)");
    }

    @Test
    void whenNoXAddrAnswersTheErrorNamesEachAddressAndWhatItDid() throws Exception {
        int dead = OnvifTesting.freePort();
        List<URI> xaddrs = List.of(
                URI.create("http://127.0.0.1:" + dead + "/onvif/device_service"),
                URI.create("http://" + camera.address() + "/onvif/device_service"));
        assertThatThrownBy(() -> OnvifClient.firstAnswering(xaddrs, "admin", "pw", Duration.ofSeconds(3)))
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FAULT))
                .hasMessageContaining("none of the camera's 2 device service addresses answered")
                .hasMessageContaining("http://127.0.0.1:" + dead + "/onvif/device_service: camera 127.0.0.1:" + dead
                        + " did not answer GetSystemDateAndTime")
                .hasMessageContaining("http://" + camera.address() + "/onvif/device_service: camera "
                        + camera.address() + " answered GetSystemDateAndTime (HTTP 404) with something that is not a"
                        + " SOAP envelope");
        assertThatThrownBy(() -> OnvifClient.firstAnswering(List.of(), "admin", "pw", Duration.ofSeconds(3)))
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_INPUT));
    }

    @Test
    void anHttpsXAddrOfACameraThatServesPlainHttpIsAnErrorAboutTls() {
        OnvifClient c =
                new OnvifClient(URI.create("https://" + camera.address() + PATH), "admin", "pw", Duration.ofSeconds(3));
        assertThatThrownBy(c::deviceInformation)
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE))
                .hasMessageContaining("camera " + camera.address() + " did not answer GetDeviceInformation at " + PATH)
                .hasMessageContaining("HTTPS: check that the camera serves HTTPS on this port");
    }

    @Test
    void aRefusedLoginAtTheDiscoveredAddressIsAnAuthErrorNamingTheUser() {
        // a camera that wants a login even for GetSystemDateAndTime is still its device service
        camera.rawAnswer(
                "GetSystemDateAndTime",
                normal -> SoapXml.envelope(
                        "",
                        "<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>ter:NotAuthorized"
                                + "</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang=\"en\">Sender not "
                                + "Authorized</s:Text></s:Reason></s:Fault>"));
        OnvifCameras.Camera c = discovered("wrong-pw");
        assertThat(c.details().errorKind()).isEqualTo("AUTH");
        assertThat(c.details().error())
                .contains("camera " + camera.address() + " refused the credentials of user 'admin' for "
                        + "GetDeviceInformation: SOAP fault ter:NotAuthorized (Sender not Authorized)")
                .doesNotContain("wrong-pw");
    }

    @Test
    void aDeviceServiceAnswerInAnotherNamespaceIsNamed() {
        camera.rawAnswer(
                "GetDeviceInformation",
                normal -> normal.replace(
                                "<tds:GetDeviceInformationResponse>",
                                "<x:GetDeviceInformationResponse xmlns:x=\"http://example.com/not-onvif\">")
                        .replace("</tds:GetDeviceInformationResponse>", "</x:GetDeviceInformationResponse>"));
        OnvifClient c = new OnvifClient(URI.create(camera.deviceService()), "admin", "pw", Duration.ofSeconds(5));
        assertThatThrownBy(c::deviceInformation)
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.MALFORMED))
                .hasMessageContaining("answered GetDeviceInformation with a GetDeviceInformationResponse of namespace "
                        + "http://example.com/not-onvif instead of " + SoapXml.TDS);
    }
}
