package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.PartTrigger;
import io.visionhub.opcua.client.OpcUaClientCertificate;
import io.visionhub.outputs.mqtt.TestEvents;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The handshake with a PLC that accepts only Basic256Sha256 SignAndEncrypt, a username, and the hub's kept client
 * certificate (made before, as an integrator would, and put in the PLC's trust list).
 */
class PlcSecureHandshakeTest {

    @TempDir
    Path dir;

    @Test
    void triggerAndResultOverBasic256Sha256WithUsernameAndTrustedClientCertificate() throws Exception {
        Path pki = dir.resolve("plc-pki");
        OpcUaClientCertificate cert =
                OpcUaClientCertificate.loadOrCreate(pki.resolve("plc-client.pfx"), "visionhub".toCharArray());
        try (PlcSimulator plc = PlcSimulator.secure(List.of("sec1"), cert.certificate(), "hub", "plc-pw")) {
            PlcProperties props = PlcProperties.defaults()
                    .withEndpointUrl(plc.endpointUrl())
                    .withSecurityPolicy("Basic256Sha256")
                    .withUsername("hub")
                    .withPassword("plc-pw")
                    .withPkiDir(pki.toString())
                    .withCycleBudgetMs(2000);
            PlcProperties.StationNodes n = PlcHandshakeTest.mapping(plc, "sec1", "ResultCode");
            props = props.withStations(Map.of("sec1", n));
            BlockingQueue<PartTrigger> triggers = new LinkedBlockingQueue<>();
            try (PlcHandshake handshake = new PlcHandshake(props, new SimpleMeterRegistry(), triggers::add)) {
                handshake.start();
                plc.trigger("sec1", "SEC-1");
                PartTrigger t = triggers.poll(10, TimeUnit.SECONDS);
                assertThat(t).isNotNull();
                assertThat(handshake.writeResult(TestEvents.event("sec1", t.partId(), InspectionEvent.Verdict.NG)))
                        .isEqualTo(PlcHandshake.Outcome.CONFIRMED);
                assertThat(plc.value("sec1", "Reject")).isEqualTo(true);
                assertThat(plc.value("sec1", "ResultPartId")).isEqualTo("SEC-1");
            }
        }
    }
}
