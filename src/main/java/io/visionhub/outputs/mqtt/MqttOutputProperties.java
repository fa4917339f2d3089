package io.visionhub.outputs.mqtt;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** MQTT 5 output: broker connection, topic tree, offline buffer and the Sparkplug B option. */
@ConfigurationProperties(prefix = "visionhub.mqtt")
public class MqttOutputProperties {

    /** Publish inspection events over MQTT. */
    private boolean enabled = true;
    /** External broker, e.g. tcp://broker:1883 or ssl://broker:8883. Empty: the embedded broker (visionhub.broker). */
    private String brokerUrl = "";
    /** Client id of the hub; empty: visionhub-&lt;site&gt;-&lt;host&gt;. */
    private String clientId = "";
    /** Root of the topic tree: &lt;root&gt;/&lt;site&gt;/&lt;line&gt;/&lt;station&gt;/inspection. */
    private String topicRoot = "visionhub";
    /** QoS of inspection events. */
    private int qos = 1;
    /** Username (empty: none). */
    private String username = "";
    /** Password (secret). */
    private String password = "";
    /** Seconds to wait for the first connection at start-up before going on with the offline buffer. */
    private int connectTimeoutSeconds = 10;
    /** Seconds between reconnect attempts while the broker is unreachable (at most). */
    private int maxReconnectDelaySeconds = 5;
    private final Tls tls = new Tls();
    private final Buffer buffer = new Buffer();
    private final Status status = new Status();
    private final Sparkplug sparkplug = new Sparkplug();

    /** TLS to the broker (used with an ssl:// URL). */
    public static class Tls {
        /** Trust store (PKCS12 or JKS) with the broker's CA; empty: the JVM's default trust. */
        private String trustStore = "";
        private String trustStorePassword = "";
        /** Key store with the hub's client certificate, for brokers that require one; empty: none. */
        private String keyStore = "";
        private String keyStorePassword = "";
        /** Check the broker's host name against its certificate. */
        private boolean verifyHostname = true;

        public String getTrustStore() {
            return trustStore;
        }

        public void setTrustStore(String trustStore) {
            this.trustStore = trustStore;
        }

        public String getTrustStorePassword() {
            return trustStorePassword;
        }

        public void setTrustStorePassword(String trustStorePassword) {
            this.trustStorePassword = trustStorePassword;
        }

        public String getKeyStore() {
            return keyStore;
        }

        public void setKeyStore(String keyStore) {
            this.keyStore = keyStore;
        }

        public String getKeyStorePassword() {
            return keyStorePassword;
        }

        public void setKeyStorePassword(String keyStorePassword) {
            this.keyStorePassword = keyStorePassword;
        }

        public boolean isVerifyHostname() {
            return verifyHostname;
        }

        public void setVerifyHostname(boolean verifyHostname) {
            this.verifyHostname = verifyHostname;
        }
    }

    /** Events kept on disk while the broker is unreachable, sent in order when it returns. */
    public static class Buffer {
        /** Folder of the buffer file. */
        private String dir = "data/mqtt-buffer";
        /** Most events kept; beyond it new events are dropped (and counted). */
        private int maxEvents = 100_000;

        public String getDir() {
            return dir;
        }

        public void setDir(String dir) {
            this.dir = dir;
        }

        public int getMaxEvents() {
            return maxEvents;
        }

        public void setMaxEvents(int maxEvents) {
            this.maxEvents = maxEvents;
        }
    }

    /** Retained status messages (hub online/offline with a last will, per-station last result). */
    public static class Status {
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** Sparkplug B (Eclipse Tahu payloads) beside the plain JSON topics. */
    public static class Sparkplug {
        private boolean enabled = false;
        /** Sparkplug group id; empty: the site. */
        private String groupId = "";
        /** Edge node id; empty: the client id. */
        private String edgeNodeId = "";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getGroupId() {
            return groupId;
        }

        public void setGroupId(String groupId) {
            this.groupId = groupId;
        }

        public String getEdgeNodeId() {
            return edgeNodeId;
        }

        public void setEdgeNodeId(String edgeNodeId) {
            this.edgeNodeId = edgeNodeId;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getBrokerUrl() {
        return brokerUrl;
    }

    public void setBrokerUrl(String brokerUrl) {
        this.brokerUrl = brokerUrl;
    }

    public String getClientId() {
        return clientId;
    }

    public void setClientId(String clientId) {
        this.clientId = clientId;
    }

    public String getTopicRoot() {
        return topicRoot;
    }

    public void setTopicRoot(String topicRoot) {
        this.topicRoot = topicRoot;
    }

    public int getQos() {
        return qos;
    }

    public void setQos(int qos) {
        this.qos = qos;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public int getConnectTimeoutSeconds() {
        return connectTimeoutSeconds;
    }

    public void setConnectTimeoutSeconds(int connectTimeoutSeconds) {
        this.connectTimeoutSeconds = connectTimeoutSeconds;
    }

    public int getMaxReconnectDelaySeconds() {
        return maxReconnectDelaySeconds;
    }

    public void setMaxReconnectDelaySeconds(int maxReconnectDelaySeconds) {
        this.maxReconnectDelaySeconds = maxReconnectDelaySeconds;
    }

    public Tls getTls() {
        return tls;
    }

    public Buffer getBuffer() {
        return buffer;
    }

    public Status getStatus() {
        return status;
    }

    public Sparkplug getSparkplug() {
        return sparkplug;
    }
}
