package io.visionhub.onvif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.onvif.sim.OnvifDeviceSimulator;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WS-Discovery against the simulator's responder. The responder joins 239.255.255.250 on the loopback interface,
 * on a free port the test picks (not 3702, so parallel builds and real cameras on the network do not interfere);
 * the probe goes out of the loopback interface to the group, as the hub sends it out of a configured interface.
 * The unicast path (a probe to one address) is tested too.
 */
class WsDiscoveryTest {

    @TempDir
    Path dir;

    OnvifDeviceSimulator camera;
    int port;

    @BeforeEach
    void start() throws Exception {
        camera = new OnvifDeviceSimulator(dir, "admin", "pw");
        port = OnvifTesting.freeUdpPort();
        camera.startDiscovery(port);
    }

    @AfterEach
    void stop() {
        camera.close();
    }

    DiscoveredDevice ours(WsDiscovery.Result r) {
        return r.devices().stream()
                .filter(d -> d.endpointReference().equals(camera.endpointReference()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the simulator is not among " + r.devices()));
    }

    @Test
    void aMulticastProbeOnTheLoopbackInterfaceFindsTheSimulatorWithItsScopesAndDeviceService() {
        WsDiscovery.Result r = WsDiscovery.probe("lo", WsDiscovery.multicastTarget(port), Duration.ofSeconds(2));
        DiscoveredDevice d = ours(r);
        assertThat(r.devices())
                .filteredOn(x -> x.endpointReference().equals(camera.endpointReference()))
                .as("two probes (NetworkVideoTransmitter, Device), one entry")
                .hasSize(1);
        assertThat(d.types()).contains("dn:NetworkVideoTransmitter");
        assertThat(d.name()).isEqualTo("Vision Hub Simulator");
        assertThat(d.hardware()).isEqualTo("SIM-1");
        assertThat(d.scope("location")).isEqualTo("line-1");
        assertThat(d.deviceService()).isEqualTo(URI.create("http://" + camera.address() + "/onvif/device_service"));
        assertThat(d.address()).isEqualTo(camera.address());
        assertThat(r.unreadable()).isZero();
    }

    @Test
    void aUnicastProbeToOneAddressFindsTheSimulatorToo() {
        WsDiscovery.Result r =
                WsDiscovery.probe(null, new InetSocketAddress("127.0.0.1", port), Duration.ofMillis(1500));
        assertThat(ours(r).address()).isEqualTo(camera.address());
    }

    @Test
    void anUnreadableAnswerIsCountedAndTheGoodOnesAreStillFound() {
        camera.discoveryGarbageFirst(true);
        WsDiscovery.Result r = WsDiscovery.probe("127.0.0.1", WsDiscovery.multicastTarget(port), Duration.ofSeconds(2));
        assertThat(ours(r)).isNotNull();
        assertThat(r.unreadable()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void anUnknownInterfaceOrTimeoutIsRefusedNamingIt() {
        assertThatThrownBy(() -> WsDiscovery.probe("nosuch0", WsDiscovery.multicastTarget(port), Duration.ofSeconds(1)))
                .isInstanceOf(OnvifException.class)
                .hasMessageContaining("no network interface 'nosuch0'")
                .hasMessageContaining("lo");
        assertThatThrownBy(() -> WsDiscovery.probe(null, WsDiscovery.multicastTarget(port), Duration.ofMinutes(5)))
                .hasMessageContaining("out of range");
    }

    @Test
    void matchesIgnoresAnswersToOtherProbesAndRefusesBrokenOnes() {
        String pm = "<s:Envelope xmlns:s=\"" + SoapXml.SOAP_NS + "\" xmlns:a=\"" + WsDiscovery.WSA_NS + "\" xmlns:d=\""
                + WsDiscovery.WSD_NS + "\"><s:Header><a:RelatesTo>uuid:1</a:RelatesTo></s:Header><s:Body>"
                + "<d:ProbeMatches><d:ProbeMatch>%s<d:XAddrs>http://10.0.0.5/onvif/device_service</d:XAddrs>"
                + "</d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>";
        String epr = "<a:EndpointReference><a:Address>urn:uuid:x</a:Address></a:EndpointReference>";
        byte[] good = pm.formatted(epr).getBytes(StandardCharsets.UTF_8);
        assertThat(WsDiscovery.matches(good, Set.of("uuid:1"), "10.0.0.5:3702"))
                .extracting(DiscoveredDevice::address)
                .isEqualTo(List.of("10.0.0.5"));
        assertThat(WsDiscovery.matches(good, Set.of("uuid:2"), "10.0.0.5:3702")).isEmpty();
        assertThatThrownBy(() ->
                        WsDiscovery.matches(pm.formatted("").getBytes(StandardCharsets.UTF_8), Set.of("uuid:1"), "x"))
                .hasMessageContaining("ProbeMatch without EndpointReference/Address");
        assertThatThrownBy(() -> WsDiscovery.matches("junk".getBytes(StandardCharsets.UTF_8), Set.of(), "x"))
                .hasMessageContaining("not well-formed XML");
    }
}
