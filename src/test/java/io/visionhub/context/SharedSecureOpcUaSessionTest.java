package io.visionhub.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.PartTrigger;
import io.visionhub.event.ProductionContext;
import io.visionhub.opcua.client.OpcUaClientCertificate;
import io.visionhub.opcua.client.OpcUaClientSessions;
import io.visionhub.opcua.client.OpcUaClientSettings;
import io.visionhub.outputs.mqtt.TestEvents;
import io.visionhub.plc.PlcFailSafeRecorder;
import io.visionhub.plc.PlcHandshake;
import io.visionhub.plc.PlcProperties;
import io.visionhub.plc.PlcSimulator;
import io.visionhub.plc.opcua.OpcUaPlcTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MES context subscription with the PLC's security options, against a Milo server that offers only
 * Basic256Sha256 SignAndEncrypt with a user name and trusts only the hub's client certificate (an edge gateway that
 * serves the line's PLC signals and its MES context): with the same settings the PLC handshake and the subscription
 * share one session; a wrong setting is refused with what the server offers, or an untrusted server certificate.
 */
class SharedSecureOpcUaSessionTest {

    @TempDir
    Path dir;

    Path pki;
    Path serverCert;
    PlcSimulator server;
    HazelcastInstance member;
    ProductionContextStore store;
    OpcUaClientSessions sessions;
    OpcUaContextSubscriber subscriber;
    PlcHandshake handshake;

    @BeforeEach
    void start() throws Exception {
        pki = dir.resolve("pki");
        OpcUaClientCertificate hub = OpcUaClientCertificate.loadOrCreate(
                pki.resolve(OpcUaClientCertificate.FILE), "visionhub".toCharArray());
        server = PlcSimulator.secure(List.of("sec1", "line1"), hub.certificate(), "hub", "gw-pw");
        serverCert = Files.write(
                dir.resolve("gateway.der"), server.serverCertificate().getEncoded());
        member = TestMembers.single();
        store = new ProductionContextStore(
                member.getMap("ctx-" + UUID.randomUUID()), null, List.of("line-1"), 100, null, Clock.systemUTC());
        store.start();
        sessions = new OpcUaClientSessions();
    }

    @AfterEach
    void stop() throws Exception {
        if (subscriber != null) {
            subscriber.stop();
        }
        if (handshake != null) {
            handshake.close();
        }
        sessions.close();
        store.close();
        member.shutdown();
        server.close();
    }

    ContextProperties.OpcUa mes(String policy, String user, List<String> trusted) {
        return new ContextProperties.OpcUa(
                true,
                server.endpointUrl(),
                Duration.ofMillis(50),
                "version",
                Map.of(
                        "line-1",
                        Map.of(
                                "productionOrder",
                                server.nodeId("line1", "Order"),
                                "version",
                                server.nodeId("line1", "ContextVersion"))),
                Duration.ofMillis(200),
                user,
                "gw-pw",
                policy,
                "",
                pki.toString(),
                "visionhub",
                trusted);
    }

    PlcProperties plc() {
        PlcProperties props = PlcProperties.defaults()
                .withEndpointUrl(server.endpointUrl())
                .withSecurityPolicy("Basic256Sha256")
                .withSecurityMode("SignAndEncrypt")
                .withUsername("hub")
                .withPassword("gw-pw")
                .withPkiDir(pki.toString())
                .withTrustedServerCerts(List.of(serverCert.toString()))
                .withCycleBudgetMs(2000);
        PlcProperties.StationNodes n = PlcProperties.StationNodes.defaults()
                .withTrigger(server.nodeId("sec1", "Trigger"))
                .withPartId(server.nodeId("sec1", "PartId"))
                .withResultPartId(server.nodeId("sec1", "ResultPartId"))
                .withResultCode(server.nodeId("sec1", "ResultCode"))
                .withReject(server.nodeId("sec1", "Reject"))
                .withResultReady(server.nodeId("sec1", "ResultReady"))
                .withAck(server.nodeId("sec1", "Ack"));
        props = props.withStations(Map.of("sec1", n));
        return props;
    }

    String order() {
        return store.latest("line-1").map(ProductionContext::productionOrder).orElse(null);
    }

    @Test
    void plcHandshakeAndMesContextShareOneSecureSession() throws Exception {
        BlockingQueue<PartTrigger> triggers = new LinkedBlockingQueue<>();
        handshake = new PlcHandshake(
                plc(),
                new OpcUaPlcTransport(plc(), sessions),
                new SimpleMeterRegistry(),
                triggers::add,
                PlcFailSafeRecorder.NONE,
                null);
        handshake.start();
        subscriber = new OpcUaContextSubscriber(
                mes("Basic256Sha256", "hub", List.of(serverCert.toString())),
                store,
                sessions,
                Executors.newSingleThreadExecutor());
        subscriber.start();
        await().atMost(Duration.ofSeconds(30)).until(subscriber::isSubscribed);
        assertThat(sessions.sessionCount()).isEqualTo(1);
        assertThat(server.sessionCount()).as("sessions on the server").isEqualTo(1);

        server.set("line1", "Order", new Variant("PO-7"));
        server.set("line1", "ContextVersion", new Variant(1));
        await().atMost(Duration.ofSeconds(30)).until(() -> "PO-7".equals(order()));

        server.trigger("sec1", "P-1");
        PartTrigger t = triggers.poll(10, TimeUnit.SECONDS);
        assertThat(t).isNotNull();
        assertThat(handshake.writeResult(TestEvents.event("sec1", t.partId(), InspectionEvent.Verdict.NG)))
                .isEqualTo(PlcHandshake.Outcome.CONFIRMED);
        assertThat(server.value("sec1", "Reject")).isEqualTo(true);

        // the MES subscription lets go: the PLC keeps the session and its subscription
        subscriber.stop();
        subscriber = null;
        assertThat(sessions.sessionCount()).isEqualTo(1);
        assertThat(server.sessionCount()).isEqualTo(1);
        server.set("sec1", "Ack", new Variant(true));
        await().atMost(10, TimeUnit.SECONDS).until(() -> Boolean.FALSE.equals(server.value("sec1", "ResultReady")));
        server.set("sec1", "Ack", new Variant(false));
        server.set("sec1", "Trigger", new Variant(false));
        server.trigger("sec1", "P-2");
        PartTrigger second = triggers.poll(10, TimeUnit.SECONDS);
        assertThat(second).isNotNull();
        assertThat(second.partId()).isEqualTo("P-2");

        // the last user lets go: the session closes
        handshake.close();
        handshake = null;
        assertThat(sessions.sessionCount()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.sessionCount() == 0);
    }

    @Test
    void mesWithSecurityNoneAgainstASecureServerIsRefusedWithWhatItOffers() {
        assertThatThrownBy(
                        () -> sessions.acquire(OpcUaContextSubscriber.settings(mes("None", "hub", List.of())), "MES"))
                .hasMessageContaining("visionhub.context.opcua.security-policy None")
                .hasMessageContaining("Basic256Sha256/SignAndEncrypt");
        assertThat(sessions.sessionCount()).isZero();

        subscriber = new OpcUaContextSubscriber(
                mes("None", "hub", List.of()), store, sessions, Executors.newSingleThreadExecutor());
        subscriber.start();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !subscriber.isSubscribed());
        assertThat(store.latest("line-1")).isEmpty();
    }

    @Test
    void aServerCertificateOutsideTheTrustListIsRefused() throws Exception {
        Path other = dir.resolve("other");
        OpcUaClientCertificate stranger =
                OpcUaClientCertificate.loadOrCreate(other.resolve(OpcUaClientCertificate.FILE), "x".toCharArray());
        Path strangerCert =
                Files.write(dir.resolve("stranger.der"), stranger.certificate().getEncoded());
        OpcUaClientSettings settings =
                OpcUaContextSubscriber.settings(mes("Basic256Sha256", "hub", List.of(strangerCert.toString())));
        assertThatThrownBy(() -> sessions.acquire(settings, "MES")).isInstanceOf(Exception.class);
        assertThat(sessions.sessionCount()).isZero();
        assertThat(server.sessionCount()).isZero();
    }

    @Test
    void aWrongPasswordIsRefusedAndNothingIsKept() {
        OpcUaClientSettings settings = OpcUaContextSubscriber.settings(mes("Basic256Sha256", "nobody", List.of()));
        assertThatThrownBy(() -> sessions.acquire(settings, "MES")).isInstanceOf(Exception.class);
        assertThat(sessions.sessionCount()).isZero();
    }
}
