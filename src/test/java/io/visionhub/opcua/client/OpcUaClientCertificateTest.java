package io.visionhub.opcua.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub's OPC UA client certificate is made once and kept: a server that trusts it keeps trusting it after a restart. */
class OpcUaClientCertificateTest {

    @TempDir
    Path dir;

    @Test
    void createdOnceThenLoadedUnchanged() throws Exception {
        Path file = dir.resolve("pki/plc-client.pfx");
        OpcUaClientCertificate first = OpcUaClientCertificate.loadOrCreate(file, "pw".toCharArray());
        OpcUaClientCertificate again = OpcUaClientCertificate.loadOrCreate(file, "pw".toCharArray());
        assertThat(again.certificate()).isEqualTo(first.certificate());
        assertThat(again.keys().getPrivate().getEncoded())
                .isEqualTo(first.keys().getPrivate().getEncoded());
        assertThat(Files.readAllBytes(dir.resolve("pki/plc-client.der")))
                .isEqualTo(first.certificate().getEncoded());
        assertThat(first.certificate().getSubjectAlternativeNames().toString())
                .contains(OpcUaClientCertificate.APPLICATION_URI);
    }

    @Test
    void wrongPasswordOrBrokenFileIsReported() throws Exception {
        Path file = dir.resolve("plc-client.pfx");
        OpcUaClientCertificate.loadOrCreate(file, "pw".toCharArray());
        assertThatThrownBy(() -> OpcUaClientCertificate.loadOrCreate(file, "other".toCharArray()))
                .isInstanceOf(Exception.class);
        Files.write(file, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> OpcUaClientCertificate.loadOrCreate(file, "pw".toCharArray()))
                .isInstanceOf(Exception.class);
    }
}
