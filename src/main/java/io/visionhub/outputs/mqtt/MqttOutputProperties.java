package io.visionhub.outputs.mqtt;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * visionhub.mqtt.*: MQTT 5 output: broker connection, topic tree, offline buffer and the Sparkplug B option.
 * Immutable: a setting left out of the YAML (null here) takes its default in the compact constructor; tests make
 * copies with {@code with…}.
 *
 * @param enabled publish inspection events over MQTT; default true
 * @param brokerUrl external broker, e.g. tcp://broker:1883 or ssl://broker:8883. Empty (the default): the embedded
 *     broker (visionhub.broker)
 * @param clientId client id of the hub; empty (the default): visionhub-&lt;site&gt;-&lt;host&gt;
 * @param topicRoot root of the topic tree: &lt;root&gt;/&lt;site&gt;/&lt;line&gt;/&lt;station&gt;/inspection;
 *     default visionhub
 * @param qos QoS of inspection events, 0 to 2; default 1
 * @param username username (empty, the default: none)
 * @param password password (secret)
 * @param connectTimeoutSeconds seconds to wait for the first connection at start-up before going on with the offline
 *     buffer; default 10
 * @param maxReconnectDelaySeconds seconds between reconnect attempts while the broker is unreachable (at most);
 *     default 5
 * @param tls TLS to the broker
 * @param buffer the offline buffer
 * @param status retained status messages
 * @param sparkplug the Sparkplug B option
 */
@ConfigurationProperties(prefix = "visionhub.mqtt")
public record MqttOutputProperties(
        Boolean enabled,
        String brokerUrl,
        String clientId,
        String topicRoot,
        Integer qos,
        String username,
        String password,
        Integer connectTimeoutSeconds,
        Integer maxReconnectDelaySeconds,
        Tls tls,
        Buffer buffer,
        Status status,
        Sparkplug sparkplug) {

    public MqttOutputProperties {
        enabled = enabled == null || enabled;
        brokerUrl = brokerUrl == null ? "" : brokerUrl;
        clientId = clientId == null ? "" : clientId;
        topicRoot = topicRoot == null ? "visionhub" : topicRoot;
        qos = qos == null ? 1 : qos;
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        connectTimeoutSeconds = connectTimeoutSeconds == null ? 10 : connectTimeoutSeconds;
        maxReconnectDelaySeconds = maxReconnectDelaySeconds == null ? 5 : maxReconnectDelaySeconds;
        tls = tls == null ? Tls.defaults() : tls;
        buffer = buffer == null ? new Buffer(null, null) : buffer;
        status = status == null ? new Status(null) : status;
        sparkplug = sparkplug == null ? new Sparkplug(null, null, null) : sparkplug;
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("visionhub.mqtt.qos must be 0, 1 or 2, not " + qos);
        }
    }

    /** Every setting at its default. */
    public static MqttOutputProperties defaults() {
        return new MqttOutputProperties(null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public MqttOutputProperties withBrokerUrl(String newBrokerUrl) {
        return new MqttOutputProperties(
                enabled,
                newBrokerUrl,
                clientId,
                topicRoot,
                qos,
                username,
                password,
                connectTimeoutSeconds,
                maxReconnectDelaySeconds,
                tls,
                buffer,
                status,
                sparkplug);
    }

    public MqttOutputProperties withCredentials(String newUsername, String newPassword) {
        return new MqttOutputProperties(
                enabled,
                brokerUrl,
                clientId,
                topicRoot,
                qos,
                newUsername,
                newPassword,
                connectTimeoutSeconds,
                maxReconnectDelaySeconds,
                tls,
                buffer,
                status,
                sparkplug);
    }

    public MqttOutputProperties withTopicRoot(String newTopicRoot) {
        return new MqttOutputProperties(
                enabled,
                brokerUrl,
                clientId,
                newTopicRoot,
                qos,
                username,
                password,
                connectTimeoutSeconds,
                maxReconnectDelaySeconds,
                tls,
                buffer,
                status,
                sparkplug);
    }

    public MqttOutputProperties withConnectTimeoutSeconds(int seconds) {
        return new MqttOutputProperties(
                enabled,
                brokerUrl,
                clientId,
                topicRoot,
                qos,
                username,
                password,
                seconds,
                maxReconnectDelaySeconds,
                tls,
                buffer,
                status,
                sparkplug);
    }

    public MqttOutputProperties withTls(Tls newTls) {
        return new MqttOutputProperties(
                enabled,
                brokerUrl,
                clientId,
                topicRoot,
                qos,
                username,
                password,
                connectTimeoutSeconds,
                maxReconnectDelaySeconds,
                newTls,
                buffer,
                status,
                sparkplug);
    }

    public MqttOutputProperties withBuffer(Buffer newBuffer) {
        return new MqttOutputProperties(
                enabled,
                brokerUrl,
                clientId,
                topicRoot,
                qos,
                username,
                password,
                connectTimeoutSeconds,
                maxReconnectDelaySeconds,
                tls,
                newBuffer,
                status,
                sparkplug);
    }

    /**
     * TLS to the broker (used with an ssl:// URL).
     *
     * @param trustStore trust store (PKCS12 or JKS) with the broker's CA; empty (the default): the JVM's default trust
     * @param trustStorePassword its password
     * @param keyStore key store with the hub's client certificate, for brokers that require one; empty: none
     * @param keyStorePassword its password
     * @param verifyHostname check the broker's host name against its certificate; default true
     */
    public record Tls(
            String trustStore,
            String trustStorePassword,
            String keyStore,
            String keyStorePassword,
            Boolean verifyHostname) {

        public Tls {
            trustStore = trustStore == null ? "" : trustStore;
            trustStorePassword = trustStorePassword == null ? "" : trustStorePassword;
            keyStore = keyStore == null ? "" : keyStore;
            keyStorePassword = keyStorePassword == null ? "" : keyStorePassword;
            verifyHostname = verifyHostname == null || verifyHostname;
        }

        public static Tls defaults() {
            return new Tls(null, null, null, null, null);
        }

        public Tls withTrustStore(String newTrustStore, String newTrustStorePassword) {
            return new Tls(newTrustStore, newTrustStorePassword, keyStore, keyStorePassword, verifyHostname);
        }
    }

    /**
     * Events kept on disk while the broker is unreachable, sent in order when it returns.
     *
     * @param dir folder of the buffer file; default data/mqtt-buffer
     * @param maxEvents most events kept; beyond it new events are dropped (and counted); default 100,000
     */
    public record Buffer(String dir, Integer maxEvents) {
        public Buffer {
            dir = dir == null ? "data/mqtt-buffer" : dir;
            maxEvents = maxEvents == null ? 100_000 : maxEvents;
            if (maxEvents < 1) {
                throw new IllegalArgumentException(
                        "visionhub.mqtt.buffer.max-events must be at least 1, not " + maxEvents);
            }
        }
    }

    /** @param enabled retained status messages (hub online/offline with a last will, per-station last result); default true */
    public record Status(Boolean enabled) {
        public Status {
            enabled = enabled == null || enabled;
        }
    }

    /**
     * Sparkplug B (Eclipse Tahu payloads) beside the plain JSON topics.
     *
     * @param enabled default false
     * @param groupId Sparkplug group id; empty (the default): the site
     * @param edgeNodeId edge node id; empty (the default): the client id
     */
    public record Sparkplug(Boolean enabled, String groupId, String edgeNodeId) {
        public Sparkplug {
            enabled = enabled != null && enabled;
            groupId = groupId == null ? "" : groupId;
            edgeNodeId = edgeNodeId == null ? "" : edgeNodeId;
        }
    }
}
