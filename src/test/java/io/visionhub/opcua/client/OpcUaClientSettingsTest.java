package io.visionhub.opcua.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.plc.opcua.OpcUaPlcTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The YAML security settings of an OPC UA client session: defaults, and bad values refused naming their key. */
class OpcUaClientSettingsTest {

    @TempDir
    Path dir;

    static OpcUaClientSettings of(String policy, String mode, List<String> trusted) {
        return OpcUaClientSettings.of(
                "visionhub.context.opcua", "opc.tcp://mes:4840", policy, mode, "", "", null, "pw", trusted, 5000);
    }

    @Test
    void modeFollowsThePolicyWhenLeftEmpty() {
        assertThat(of("None", "", List.of()).securityMode()).isEqualTo(MessageSecurityMode.None);
        OpcUaClientSettings secure = of("Basic256Sha256", null, List.of());
        assertThat(secure.securityPolicy()).isEqualTo(SecurityPolicy.Basic256Sha256);
        assertThat(secure.securityMode()).isEqualTo(MessageSecurityMode.SignAndEncrypt);
        assertThat(of("Aes256_Sha256_RsaPss", "Sign", List.of()).securityMode()).isEqualTo(MessageSecurityMode.Sign);
        assertThat(secure.pkiDir()).isEqualTo("data/plc/pki");
    }

    @Test
    void unknownPolicyOrModeAndMismatchedPairsAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> of("Basic128Rsa15", "", List.of()))
                .hasMessageContaining("visionhub.context.opcua.security-policy")
                .hasMessageContaining("Basic128Rsa15");
        assertThatThrownBy(() -> OpcUaPlcTransport.policy("Basic128Rsa15"))
                .hasMessageContaining("visionhub.plc.security-policy");
        assertThatThrownBy(() -> of("Basic256Sha256", "Encrypt", List.of()))
                .hasMessageContaining("visionhub.context.opcua.security-mode")
                .hasMessageContaining("Encrypt");
        assertThatThrownBy(() -> of("None", "SignAndEncrypt", List.of()))
                .hasMessageContaining("security-mode SignAndEncrypt does not go with")
                .hasMessageContaining("security-policy None");
        assertThatThrownBy(() -> of("Basic256Sha256", "None", List.of()))
                .hasMessageContaining("security-mode None does not go with");
    }

    @Test
    void anUnreadableTrustedCertificateIsRefusedByName() throws Exception {
        Path missing = dir.resolve("missing.der");
        assertThatThrownBy(() ->
                        OpcUaClientSessions.trustedCertificates(of("Basic256Sha256", "", List.of(missing.toString()))))
                .hasMessageContaining("visionhub.context.opcua.trusted-server-certs")
                .hasMessageContaining("missing.der");
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
        assertThatThrownBy(() ->
                        OpcUaClientSessions.trustedCertificates(of("Basic256Sha256", "", List.of(junk.toString()))))
                .hasMessageContaining("junk.pem")
                .hasMessageContaining("not a readable X.509 certificate");
    }

    @Test
    void sharingNeedsTheSameServerAndSecurityButNotTheSameTimeout() {
        OpcUaClientSettings a = OpcUaClientSettings.of(
                "visionhub.plc", "opc.tcp://gw:4840", "Basic256Sha256", "", "hub", "pw", "pki", "k", List.of(), 100);
        OpcUaClientSettings b = OpcUaClientSettings.of(
                "visionhub.context.opcua",
                "opc.tcp://gw:4840",
                "Basic256Sha256",
                "SignAndEncrypt",
                "hub",
                "pw",
                "pki",
                "k",
                List.of(),
                5000);
        OpcUaClientSettings otherUser = OpcUaClientSettings.of(
                "visionhub.context.opcua",
                "opc.tcp://gw:4840",
                "Basic256Sha256",
                "",
                "mes",
                "pw",
                "pki",
                "k",
                List.of(),
                5000);
        assertThat(a.sharingKey()).isEqualTo(b.sharingKey());
        assertThat(a.sharingKey()).isNotEqualTo(otherUser.sharingKey());
        assertThat(a.describe()).contains("Basic256Sha256").contains("user hub").doesNotContain("pw");
    }
}
