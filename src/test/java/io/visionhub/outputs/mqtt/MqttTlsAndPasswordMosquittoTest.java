package io.visionhub.outputs.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS with a private CA and username/password, against a Mosquitto of the test's own. */
class MqttTlsAndPasswordMosquittoTest {

    @TempDir
    Path dir;

    MosquittoProcess mosquitto;
    Path trustStore;

    @BeforeEach
    void startTlsMosquitto() throws Exception {
        Assumptions.assumeTrue(MosquittoProcess.find().isPresent(), "mosquitto is not installed; CI installs it");
        Assumptions.assumeTrue(
                Files.isExecutable(Path.of("/usr/bin/mosquitto_passwd")),
                "mosquitto_passwd is not installed (package mosquitto)");
        KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        KeyPair keys = gen.generateKeyPair();
        X509Certificate cert = new SelfSignedCertificateBuilder(keys)
                .setCommonName("127.0.0.1")
                .setApplicationUri("urn:test:mosquitto")
                .addDnsName("localhost")
                .addIpAddress("127.0.0.1")
                .build();
        Path certPem = dir.resolve("server.pem");
        Path keyPem = dir.resolve("server.key");
        Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyPem, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("broker", cert);
        trustStore = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            ts.store(out, "trustpw".toCharArray());
        }
        Path passwords = dir.resolve("passwords");
        Process p = new ProcessBuilder("/usr/bin/mosquitto_passwd", "-b", "-c", passwords.toString(), "hub", "s3cret")
                .redirectErrorStream(true)
                .start();
        assertThat(p.waitFor()).isZero();
        mosquitto = new MosquittoProcess(
                dir.resolve("broker"),
                List.of(
                        "cafile " + certPem,
                        "certfile " + certPem,
                        "keyfile " + keyPem,
                        "password_file " + passwords,
                        "allow_anonymous false"));
        mosquitto.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (mosquitto != null) {
            mosquitto.stop();
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private MqttOutputProperties props(String password) {
        MqttOutputProperties props = MqttOutputProperties.defaults()
                .withBrokerUrl("ssl://127.0.0.1:" + mosquitto.port())
                .withCredentials("hub", password)
                .withTls(MqttOutputProperties.Tls.defaults().withTrustStore(trustStore.toString(), "trustpw"))
                .withConnectTimeoutSeconds(5);
        return props;
    }

    @Test
    void publishesOverTlsWithUsernameAndPassword() throws Exception {
        MqttOutputProperties props = props("s3cret");
        MqttTopics topics = new MqttTopics("visionhub", "tls-site");
        ReliableMqttClient client = new ReliableMqttClient(
                props.brokerUrl(),
                "hub-tls",
                MqttConfiguration.connectionOptions(props, topics, "hub-tls"),
                dir.resolve("buffer"),
                100,
                500,
                new SimpleMeterRegistry());
        MqttEventPublisher publisher = new MqttEventPublisher(client, topics, 1, true);
        client.start(10_000);
        MqttConnectionOptions subOptions = MqttConfiguration.connectionOptions(props, topics, "sub-tls");
        try (MqttTestSubscriber sub =
                new MqttTestSubscriber(props.brokerUrl(), "sub-tls", "visionhub/tls-site/#", false, subOptions)) {
            assertThat(client.isConnected()).isTrue();
            InspectionEvent event = TestEvents.event("station-1", "P-1", InspectionEvent.Verdict.NG);
            publisher.publish(event);
            MqttTestSubscriber.Received r = sub.next("visionhub/tls-site/line-1/station-1/inspection", 10);
            assertThat(r).isNotNull();
            assertThat(EventJson.fromJson(r.text()).id()).isEqualTo(event.id());
        } finally {
            client.close();
        }
    }

    @Test
    void wrongPasswordKeepsEventsInTheBufferInsteadOfLosingThem() throws Exception {
        MqttOutputProperties props = props("wrong");
        MqttTopics topics = new MqttTopics("visionhub", "tls-site");
        ReliableMqttClient client = new ReliableMqttClient(
                props.brokerUrl(),
                "hub-bad",
                MqttConfiguration.connectionOptions(props, topics, "hub-bad"),
                dir.resolve("buffer-bad"),
                100,
                500,
                new SimpleMeterRegistry());
        MqttEventPublisher publisher = new MqttEventPublisher(client, topics, 1, false);
        client.start(2_000);
        try {
            assertThat(client.isConnected()).isFalse();
            publisher.publish(TestEvents.event("station-1", "P-1", InspectionEvent.Verdict.OK));
            assertThat(client.buffered()).isEqualTo(1);
            assertThat(client.droppedCount()).isZero();
        } finally {
            client.close();
        }
    }
}
