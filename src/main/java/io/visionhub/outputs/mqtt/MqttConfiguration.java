package io.visionhub.outputs.mqtt;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.broker.BrokerConfiguration;
import io.visionhub.broker.EmbeddedMqttBroker;
import io.visionhub.camel.SingleThreadExecutors;
import io.visionhub.cluster.ClusterProperties;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.camel.CamelContext;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** Wires the MQTT 5 output: the connection (external broker or the embedded one), the event publisher (routes/*.yaml call it). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MqttOutputProperties.class)
@Import(BrokerConfiguration.class)
public class MqttConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(MqttConfiguration.class);

    @Bean(destroyMethod = "")
    public MqttEventPublisher mqttEventPublisher(
            MqttOutputProperties props,
            @Value("${visionhub.site:site}") String site,
            ObjectProvider<EmbeddedMqttBroker> embedded,
            ObjectProvider<MeterRegistry> meters,
            ObjectProvider<ClusterProperties> cluster,
            CamelContext camelContext)
            throws Exception {
        if (!props.enabled()) {
            LOG.info("MQTT output off (visionhub.mqtt.enabled=false): mqttEventPublisher passes events through");
            return MqttEventPublisher.disabled();
        }
        String url = effectiveBrokerUrl(props, embedded.getIfAvailable());
        ClusterProperties c = cluster.getIfAvailable();
        String clientId = !props.clientId().isBlank()
                ? props.clientId()
                : c != null && c.enabled() ? clusterClientId(site, c.nodeId()) : defaultClientId(site);
        MqttTopics topics = new MqttTopics(props.topicRoot(), site);
        ReliableMqttClient client = new ReliableMqttClient(
                url,
                clientId,
                connectionOptions(props, topics, clientId),
                Path.of(props.buffer().dir()),
                props.buffer().maxEvents(),
                ReliableMqttClient.secondsToMs(props.maxReconnectDelaySeconds()),
                meters.getIfAvailable(SimpleMeterRegistry::new));
        MqttEventPublisher publisher = new MqttEventPublisher(
                client, topics, props.qos(), props.status().enabled());
        if (props.status().enabled()) {
            publisher.stationWills(new StationWills(
                    url,
                    clientId,
                    topics,
                    will -> {
                        try {
                            MqttConnectionOptions o = connectionOptions(props, topics, clientId);
                            o.setWill(will.topic(), new MqttMessage(will.payload(), will.qos(), true, null));
                            return o;
                        } catch (Exception e) {
                            throw new IllegalStateException(
                                    "MQTT options for a station status will: " + e.getMessage(), e);
                        }
                    },
                    Clock.systemUTC(),
                    // Camel's thread: it shows in Camel's management; Camel stops it before the wills close
                    SingleThreadExecutors.scheduled(
                            camelContext.getExecutorServiceManager(), this, "mqtt-station-wills")));
        }
        client.start(ReliableMqttClient.secondsToMs(props.connectTimeoutSeconds()));
        MqttOutputProperties.Sparkplug spb = props.sparkplug();
        if (spb.enabled()) {
            String group = spb.groupId().isBlank() ? site : spb.groupId();
            String node = spb.edgeNodeId().isBlank() ? clientId : spb.edgeNodeId();
            SparkplugPublisher sparkplug =
                    new SparkplugPublisher(url, group, node, connectionOptions(props, topics, clientId));
            sparkplug.start(ReliableMqttClient.secondsToMs(props.connectTimeoutSeconds()));
            publisher.sparkplug(sparkplug);
            LOG.info("Sparkplug B on: group {}, edge node {}, a device per station", group, node);
        }
        LOG.info(
                "MQTT output: events to {} on {}/{}/<line>/<station>/inspection as {}",
                url,
                topics.root(),
                topics.site(),
                clientId);
        // the port actually bound (the embedded broker moves on when 1883 is taken): copy-paste ready
        LOG.info("MQTT events: {}", subscribeCommand(url, topics));
        return publisher;
    }

    /** Health "mqtt": connected, buffered, dropped. */
    @Bean
    public MqttHealthIndicator mqttHealthIndicator(MqttEventPublisher publisher) {
        return new MqttHealthIndicator(publisher);
    }

    /** Closes the MQTT connection with a retained offline status, before the embedded broker stops. */
    @Bean(destroyMethod = "close")
    public MqttOutputShutdown mqttOutputShutdown(MqttEventPublisher publisher, MqttOutputProperties props) {
        return new MqttOutputShutdown(publisher, props.status().enabled());
    }

    /** The broker the hub publishes to: the configured URL, else the embedded broker's. */
    static String effectiveBrokerUrl(MqttOutputProperties props, EmbeddedMqttBroker embedded) {
        if (!props.brokerUrl().isBlank()) {
            return props.brokerUrl().strip();
        }
        if (embedded == null) {
            throw new IllegalStateException("MQTT output is on but no broker is set: set visionhub.mqtt.broker-url, "
                    + "or visionhub.broker.enabled=true for the embedded broker, or visionhub.mqtt.enabled=false");
        }
        return embedded.url();
    }

    /**
     * The mosquitto_sub command that shows the hub's events on the broker it publishes to, e.g.
     * {@code mosquitto_sub -h 127.0.0.1 -p 1884 -t 'visionhub/#' -v}; TLS URLs get {@code --cafile} to fill in.
     */
    static String subscribeCommand(String brokerUrl, MqttTopics topics) {
        URI uri = URI.create(brokerUrl.strip());
        boolean tls = "ssl".equalsIgnoreCase(uri.getScheme()) || "mqtts".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 8883 : 1883;
        return "mosquitto_sub -h " + uri.getHost() + " -p " + port + " -t '" + topics.root() + "/#' -v"
                + (tls ? " --cafile <broker-ca.pem>" : "");
    }

    static MqttConnectionOptions connectionOptions(MqttOutputProperties props, MqttTopics topics, String clientId)
            throws Exception {
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setConnectionTimeout(Math.max(1, props.connectTimeoutSeconds()));
        options.setKeepAliveInterval(10);
        if (!props.username().isBlank()) {
            options.setUserName(props.username());
            options.setPassword(props.password().getBytes(StandardCharsets.UTF_8));
        }
        if (props.status().enabled()) {
            OutboundMessage will = MqttEventPublisher.hubStatus(topics, clientId, false);
            MqttMessage willMessage = new MqttMessage(will.payload(), 1, true, null);
            MqttProperties willProps = new MqttProperties();
            willProps.setContentType(MqttEventPublisher.CONTENT_TYPE);
            options.setWillMessageProperties(willProps);
            options.setWill(will.topic(), willMessage);
        }
        String url = props.brokerUrl();
        MqttOutputProperties.Tls tls = props.tls();
        if (url.startsWith("ssl://")
                || url.startsWith("wss://")
                || !tls.trustStore().isBlank()) {
            options.setSocketFactory(sslContext(tls).getSocketFactory());
            if (!tls.verifyHostname()) {
                options.setHttpsHostnameVerificationEnabled(false);
                options.setSSLHostnameVerifier((host, session) -> true);
            }
        }
        return options;
    }

    static SSLContext sslContext(MqttOutputProperties.Tls tls) throws Exception {
        TrustManagerFactory tmf = null;
        if (!tls.trustStore().isBlank()) {
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(loadStore(tls.trustStore(), tls.trustStorePassword()));
        }
        KeyManagerFactory kmf = null;
        if (!tls.keyStore().isBlank()) {
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(
                    loadStore(tls.keyStore(), tls.keyStorePassword()),
                    tls.keyStorePassword().toCharArray());
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

    /** In a cluster: one client id per node (two nodes on one host must not take each other's MQTT session). */
    static String clusterClientId(String site, String nodeId) {
        return ("visionhub-" + site + "-" + nodeId).replaceAll("[^A-Za-z0-9_.-]", "_");
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
                client.close(
                        status ? MqttEventPublisher.hubStatus(publisher.topics(), client.clientId(), false) : null);
            }
            if (publisher.stationWills() != null) {
                publisher.stationWills().close(); // after the client drained its RUNNING statuses: STOPPED wins
            }
        }
    }
}
