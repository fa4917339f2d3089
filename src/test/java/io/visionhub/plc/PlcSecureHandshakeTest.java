package io.visionhub.plc;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.TestEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

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
        PlcClientCertificate cert = PlcClientCertificate.loadOrCreate(pki.resolve("plc-client.pfx"), "visionhub".toCharArray());
        try (PlcSimulator plc = PlcSimulator.secure(List.of("sec1"), cert.certificate(), "hub", "plc-pw")) {
            PlcProperties props = new PlcProperties();
            props.setEndpointUrl(plc.endpointUrl());
            props.setSecurityPolicy("Basic256Sha256");
            props.setUsername("hub");
            props.setPassword("plc-pw");
            props.setPkiDir(pki.toString());
            props.setCycleBudgetMs(2000);
            PlcProperties.StationNodes n = PlcHandshakeTest.mapping(plc, "sec1", "ResultCode");
            props.setStations(Map.of("sec1", n));
            BlockingQueue<PlcTrigger> triggers = new LinkedBlockingQueue<>();
            try (PlcHandshake handshake = new PlcHandshake(props, new SimpleMeterRegistry(), triggers::add)) {
                handshake.start();
                plc.trigger("sec1", "SEC-1");
                PlcTrigger t = triggers.poll(10, TimeUnit.SECONDS);
                assertThat(t).isNotNull();
                assertThat(handshake.writeResult(TestEvents.event("sec1", t.partId(), InspectionEvent.Verdict.NG)))
                        .isEqualTo(PlcHandshake.Outcome.CONFIRMED);
                assertThat(plc.value("sec1", "Reject")).isEqualTo(true);
                assertThat(plc.value("sec1", "ResultPartId")).isEqualTo("SEC-1");
            }
        }
    }
}
