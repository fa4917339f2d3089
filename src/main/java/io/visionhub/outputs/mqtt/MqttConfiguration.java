package io.visionhub.outputs.mqtt;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.broker.BrokerConfiguration;
import io.visionhub.broker.EmbeddedMqttBroker;
import org.apache.camel.builder.RouteBuilder;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;

/** Wires the MQTT 5 output: the connection (external broker or the embedded one), the event publisher, the routes. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MqttOutputProperties.class)
@Import(BrokerConfiguration.class)
public class MqttConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(MqttConfiguration.class);

    @Bean(destroyMethod = "")
    public MqttEventPublisher mqttEventPublisher(MqttOutputProperties props, @Value("${visionhub.site:site}") String site,
                                                 ObjectProvider<EmbeddedMqttBroker> embedded,
                                                 ObjectProvider<MeterRegistry> meters) throws Exception {
        if (!props.isEnabled()) {
            LOG.info("MQTT output off (visionhub.mqtt.enabled=false): mqttEventPublisher passes events through");
            return MqttEventPublisher.disabled();
        }
        String url = effectiveBrokerUrl(props, embedded.getIfAvailable());
        String clientId = props.getClientId().isBlank() ? defaultClientId(site) : props.getClientId();
        MqttTopics topics = new MqttTopics(props.getTopicRoot(), site);
        ReliableMqttClient client = new ReliableMqttClient(url, clientId, connectionOptions(props, topics, clientId),
                Path.of(props.getBuffer().getDir()), props.getBuffer().getMaxEvents(),
                ReliableMqttClient.secondsToMs(props.getMaxReconnectDelaySeconds()),
                meters.getIfAvailable(SimpleMeterRegistry::new));
        MqttEventPublisher publisher = new MqttEventPublisher(client, topics, props.getQos(),
                props.getStatus().isEnabled());
        client.start(ReliableMqttClient.secondsToMs(props.getConnectTimeoutSeconds()));
        MqttOutputProperties.Sparkplug spb = props.getSparkplug();
        if (spb.isEnabled()) {
            String group = spb.getGroupId().isBlank() ? site : spb.getGroupId();
            String node = spb.getEdgeNodeId().isBlank() ? clientId : spb.getEdgeNodeId();
            SparkplugPublisher sparkplug = new SparkplugPublisher(url, group, node,
                    connectionOptions(props, topics, clientId));
            sparkplug.start(ReliableMqttClient.secondsToMs(props.getConnectTimeoutSeconds()));
            publisher.sparkplug(sparkplug);
            LOG.info("Sparkplug B on: group {}, edge node {}, a device per station", group, node);
        }
        LOG.info("MQTT output: events to {} on {}/{}/<line>/<station>/inspection as {}", url, topics.root(),
                topics.site(), clientId);
        return publisher;
    }

    /** Closes the MQTT connection with a retained offline status, before the embedded broker stops. */
    @Bean(destroyMethod = "close")
    public MqttOutputShutdown mqttOutputShutdown(MqttEventPublisher publisher, MqttOutputProperties props) {
        return new MqttOutputShutdown(publisher, props.getStatus().isEnabled());
    }

    /** direct:tree-heads: signed ledger tree heads (JSON text) to &lt;root&gt;/&lt;site&gt;/ledger/heads, retained. */
    @Bean
    public RouteBuilder mqttLedgerHeadsRoute(MqttEventPublisher publisher) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:tree-heads").routeId("mqtt-ledger-heads")
                        .description("Publishes each signed ledger tree head, retained, on <root>/<site>/ledger/heads")
                        .process(ex -> publisher.publishRetained(publisher.topics().ledgerHeads(),
                                ex.getMessage().getMandatoryBody(String.class)));
            }
        };
    }

    /** The broker the hub publishes to: the configured URL, else the embedded broker's. */
    static String effectiveBrokerUrl(MqttOutputProperties props, EmbeddedMqttBroker embedded) {
        if (!props.getBrokerUrl().isBlank()) {
            return props.getBrokerUrl().strip();
        }
        if (embedded == null) {
            throw new IllegalStateException("MQTT output is on but no broker is set: set visionhub.mqtt.broker-url, "
                    + "or visionhub.broker.enabled=true for the embedded broker, or visionhub.mqtt.enabled=false");
        }
        return embedded.url();
    }

    static MqttConnectionOptions connectionOptions(MqttOutputProperties props, MqttTopics topics, String clientId)
            throws Exception {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setConnectionTimeout(Math.max(1, props.getConnectTimeoutSeconds()));
        options.setKeepAliveInterval(10);
        if (!props.getUsername().isBlank()) {
            options.setUserName(props.getUsername());
            options.setPassword(props.getPassword().getBytes(StandardCharsets.UTF_8));
        }
        if (props.getStatus().isEnabled()) {
            OutboundMessage will = MqttEventPublisher.hubStatus(topics, clientId, false);
            MqttMessage willMessage = new MqttMessage(will.payload(), 1, true, null);
            org.eclipse.paho.mqttv5.common.packet.MqttProperties willProps = new org.eclipse.paho.mqttv5.common.packet.MqttProperties();
            willProps.setContentType(MqttEventPublisher.CONTENT_TYPE);
            options.setWillMessageProperties(willProps);
            options.setWill(will.topic(), willMessage);
        }
        String url = props.getBrokerUrl();
        MqttOutputProperties.Tls tls = props.getTls();
        if (url.startsWith("ssl://") || url.startsWith("wss://") || !tls.getTrustStore().isBlank()) {
            options.setSocketFactory(sslContext(tls).getSocketFactory());
            if (!tls.isVerifyHostname()) {
                options.setHttpsHostnameVerificationEnabled(false);
                options.setSSLHostnameVerifier((host, session) -> true);
            }
        }
        return options;
    }

    static SSLContext sslContext(MqttOutputProperties.Tls tls) throws Exception {
        TrustManagerFactory tmf = null;
        if (!tls.getTrustStore().isBlank()) {
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(loadStore(tls.getTrustStore(), tls.getTrustStorePassword()));
        }
        KeyManagerFactory kmf = null;
        if (!tls.getKeyStore().isBlank()) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(loadStore(tls.getKeyStore(), tls.getKeyStorePassword()), tls.getKeyStorePassword().toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
        return ctx;
    }

    private static KeyStore loadStore(String file, String password) throws Exception {
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            throw new IllegalArgumentException("MQTT TLS store " + path.toAbsolutePath() + " is missing or unreadable");
        }
        String type = file.endsWith(".jks") ? "JKS" : "PKCS12";
        KeyStore store = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(path)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    static String defaultClientId(String site) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "host";
        }
        return ("visionhub-" + site + "-" + host).replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /** Sends the retained offline status and disconnects when the application stops. */
    public static final class MqttOutputShutdown implements AutoCloseable {
        private final MqttEventPublisher publisher;
        private final boolean status;

        MqttOutputShutdown(MqttEventPublisher publisher, boolean status) {
            this.publisher = publisher;
            this.status = status;
        }

        @Override
        public void close() {
            ReliableMqttClient client = publisher.client();
            if (publisher.sparkplug() != null) {
                publisher.sparkplug().close();
            }
            if (client != null) {
                client.close(status ? MqttEventPublisher.hubStatus(publisher.topics(), client.clientId(), false) : null);
            }
        }
    }
}
