package io.visionhub.plc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The PLC client certificate is made once and kept: a PLC that trusts it keeps trusting it after a restart. */
class PlcClientCertificateTest {

    @TempDir
    Path dir;

    @Test
    void createdOnceThenLoadedUnchanged() throws Exception {
        Path file = dir.resolve("pki/plc-client.pfx");
        PlcClientCertificate first = PlcClientCertificate.loadOrCreate(file, "pw".toCharArray());
        PlcClientCertificate again = PlcClientCertificate.loadOrCreate(file, "pw".toCharArray());
        assertThat(again.certificate()).isEqualTo(first.certificate());
        assertThat(again.keys().getPrivate().getEncoded()).isEqualTo(first.keys().getPrivate().getEncoded());
        assertThat(Files.readAllBytes(dir.resolve("pki/plc-client.der"))).isEqualTo(first.certificate().getEncoded());
        assertThat(first.certificate().getSubjectAlternativeNames().toString()).contains(PlcClientCertificate.APPLICATION_URI);
    }

    @Test
    void wrongPasswordOrBrokenFileIsReported() throws Exception {
        Path file = dir.resolve("plc-client.pfx");
        PlcClientCertificate.loadOrCreate(file, "pw".toCharArray());
        assertThatThrownBy(() -> PlcClientCertificate.loadOrCreate(file, "other".toCharArray())).isInstanceOf(Exception.class);
        Files.write(file, new byte[]{1, 2, 3});
        assertThatThrownBy(() -> PlcClientCertificate.loadOrCreate(file, "pw".toCharArray())).isInstanceOf(Exception.class);
    }

    @Test
    void unknownSecurityPolicyIsNamed() {
        assertThatThrownBy(() -> PlcHandshake.policy("Basic128Rsa15")).hasMessageContaining("visionhub.plc.security-policy");
    }
}
