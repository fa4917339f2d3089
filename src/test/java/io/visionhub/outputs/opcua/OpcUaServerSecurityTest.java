package io.visionhub.outputs.opcua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.TestEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.subscriptions.EventFilterBuilder;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production set-up: no None, no anonymous; Basic256Sha256 and Aes256_Sha256_RsaPss with Sign and
 * SignAndEncrypt; a user with a password; client certificates must be in the trust list, refused ones are kept.
 */
class OpcUaServerSecurityTest {

    @TempDir
    static Path dir;

    static HubOpcUaServer server;
    static OpcUaTestClients.ClientIdentity trusted;

    @BeforeAll
    static void start() throws Exception {
        OpcUaServerProperties props = OpcUaTestClients.secureServer(dir.resolve("pki"), "pw-scada");
        trusted = OpcUaTestClients.ClientIdentity.create("trusted-client");
        trusted.trustOn(dir.resolve("pki"));
        server = new HubOpcUaServer(props, "site-s");
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static OpcUaClient connect(
            OpcUaTestClients.ClientIdentity id, SecurityPolicy policy, MessageSecurityMode mode, String password)
            throws Exception {
        return OpcUaTestClients.connect(
                server.endpointUrl(), id, policy, mode, new UsernameProvider("scada", password));
    }

    @Test
    void offersOnlySecureEndpointsWithUsernameLogin() throws Exception {
        List<EndpointDescription> endpoints = DiscoveryClient.getEndpoints(server.endpointUrl() + "/discovery")
                .get();
        List<String> main = endpoints.stream()
                .filter(e -> e.getEndpointUrl().endsWith("/visionhub"))
                .map(e -> e.getSecurityPolicyUri()
                                .substring(e.getSecurityPolicyUri().indexOf('#') + 1) + "/" + e.getSecurityMode())
                .toList();
        assertThat(main)
                .containsExactlyInAnyOrder(
                        "Basic256Sha256/Sign",
                        "Basic256Sha256/SignAndEncrypt",
                        "Aes256_Sha256_RsaPss/Sign",
                        "Aes256_Sha256_RsaPss/SignAndEncrypt");
        assertThat(endpoints)
                .allSatisfy(e -> assertThat(Stream.of(e.getUserIdentityTokens())
                                .map(t -> t.getTokenType().name()))
                        .doesNotContain("Anonymous"));
    }

    @Test
    void trustedClientReadsAndReceivesResultEventsOverBasic256Sha256SignAndEncrypt() throws Exception {
        OpcUaClient client =
                connect(trusted, SecurityPolicy.Basic256Sha256, MessageSecurityMode.SignAndEncrypt, "pw-scada");
        try {
            int ns = OpcUaTestClients.namespaceIndex(client, StationNamespace.NAMESPACE_URI);
            int mv = OpcUaTestClients.namespaceIndex(client, MachineVisionTypes.NAMESPACE_URI);
            BlockingQueue<Variant[]> events = new LinkedBlockingQueue<>();
            OpcUaSubscription subscription = new OpcUaSubscription(client, 50.0);
            subscription.create();
            OpcUaMonitoredItem item = OpcUaMonitoredItem.newEventItem(
                    NodeIds.Server,
                    new EventFilterBuilder()
                            .select(NodeIds.BaseEventType, new QualifiedName(0, "EventType"))
                            .select(NodeIds.BaseEventType, new QualifiedName(0, "SourceName"))
                            .select(NodeIds.BaseEventType, new QualifiedName(0, "Message"))
                            .build());
            item.setQueueSize(UInteger.valueOf(10));
            item.setEventValueListener((i, values) -> events.add(values));
            subscription.addMonitoredItem(item);
            subscription.synchronizeMonitoredItems();

            InspectionEvent event = TestEvents.event("station-1", "PART-S1", InspectionEvent.Verdict.NG);
            new OpcUaResultPublisher(server).publish(event);

            assertThat(client.readValue(
                                    0, TimestampsToReturn.Both, new NodeId(ns, "Stations/station-1/LastResult/PartId"))
                            .getValue()
                            .getValue())
                    .isEqualTo("PART-S1");
            Variant[] values = events.poll(10, TimeUnit.SECONDS);
            assertThat(values).as("a ResultReady event").isNotNull();
            assertThat(values[0].getValue())
                    .isEqualTo(new NodeId(mv, (int) MachineVisionTypes.RESULT_READY_EVENT_TYPE));
            assertThat(values[1].getValue()).isEqualTo("station-1");
            assertThat(((LocalizedText) values[2].getValue()).text())
                    .contains("part=PART-S1")
                    .contains("result=NG");

            // the station's event node is filled anew for each result: back-to-back results keep their own fields
            InspectionEvent second = TestEvents.event("station-1", "PART-S2", InspectionEvent.Verdict.OK);
            InspectionEvent third = TestEvents.event("station-1", "PART-S3", InspectionEvent.Verdict.NG);
            OpcUaResultPublisher publisher = new OpcUaResultPublisher(server);
            publisher.publish(second);
            publisher.publish(third);
            Variant[] v2 = events.poll(10, TimeUnit.SECONDS);
            Variant[] v3 = events.poll(10, TimeUnit.SECONDS);
            assertThat(v2).as("second ResultReady event").isNotNull();
            assertThat(v3).as("third ResultReady event").isNotNull();
            assertThat(((LocalizedText) v2[2].getValue()).text())
                    .contains("part=PART-S2")
                    .contains("result=OK")
                    .contains(second.id());
            assertThat(((LocalizedText) v3[2].getValue()).text())
                    .contains("part=PART-S3")
                    .contains("result=NG")
                    .contains(third.id());
            subscription.delete();
        } finally {
            client.disconnect();
        }
    }

    @Test
    void trustedClientConnectsWithAes256Sha256RsaPssSign() throws Exception {
        OpcUaClient client =
                connect(trusted, SecurityPolicy.Aes256_Sha256_RsaPss, MessageSecurityMode.Sign, "pw-scada");
        try {
            int ns = OpcUaTestClients.namespaceIndex(client, StationNamespace.NAMESPACE_URI);
            assertThat(client.readValue(0, TimestampsToReturn.Both, new NodeId(ns, "Stations/station-1/StationId"))
                            .getValue()
                            .getValue())
                    .isEqualTo("station-1");
        } finally {
            client.disconnect();
        }
    }

    @Test
    void unknownClientCertificateIsRefusedAndKeptForReviewUntilTrusted() throws Exception {
        OpcUaTestClients.ClientIdentity stranger = OpcUaTestClients.ClientIdentity.create("stranger");
        assertThatThrownBy(() -> connect(
                        stranger, SecurityPolicy.Basic256Sha256, MessageSecurityMode.SignAndEncrypt, "pw-scada"))
                .isInstanceOf(Exception.class);
        Path rejected = server.pkiDir().resolve("rejected").resolve("certs");
        await().atMost(5, TimeUnit.SECONDS)
                .until(() -> Files.isDirectory(rejected) && Files.list(rejected).count() > 0);

        stranger.trustOn(server.pkiDir());
        await().atMost(20, TimeUnit.SECONDS).ignoreExceptions().until(() -> {
            OpcUaClient c =
                    connect(stranger, SecurityPolicy.Basic256Sha256, MessageSecurityMode.SignAndEncrypt, "pw-scada");
            c.disconnect();
            return true;
        });
    }

    @Test
    void wrongPasswordAndAnonymousAreRefused() throws Exception {
        assertThatThrownBy(() -> connect(trusted, SecurityPolicy.Basic256Sha256, MessageSecurityMode.Sign, "guess"))
                .isInstanceOf(Exception.class);
        assertThatThrownBy(() -> OpcUaTestClients.connect(
                        server.endpointUrl(),
                        trusted,
                        SecurityPolicy.Basic256Sha256,
                        MessageSecurityMode.Sign,
                        new AnonymousProvider()))
                .isInstanceOf(Exception.class);
    }
}
