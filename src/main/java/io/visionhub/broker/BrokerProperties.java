package io.visionhub.broker;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The embedded MQTT 5 broker (HiveMQ CE). It starts only when {@code visionhub.mqtt.broker-url} is empty
 * (no external broker) and {@code visionhub.broker.enabled} is true.
 */
@ConfigurationProperties(prefix = "visionhub.broker")
public class BrokerProperties {

    /** Start the embedded broker when no external broker URL is configured. */
    private boolean enabled = true;
    /** Preferred port; when taken (say by a Mosquitto already on 1883) the next free one is used. 0 = any free port. */
    private int port = 1883;
    /** Address the listener binds; 0.0.0.0 lets other machines on the network subscribe. */
    private String bindAddress = "0.0.0.0";
    /** Folder for the broker's configuration, data and (empty) extensions folder. */
    private String dataDir = "data/broker";
    /** in-memory (nothing written to disk) or file (sessions and queued messages survive a broker restart). */
    private String persistence = "in-memory";

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public String getBindAddress() {
        return bindAddress;
    }

    public void setBindAddress(String bindAddress) {
        this.bindAddress = bindAddress;
    }

    public String getDataDir() {
        return dataDir;
    }

    public void setDataDir(String dataDir) {
        this.dataDir = dataDir;
    }

    public String getPersistence() {
        return persistence;
    }

    public void setPersistence(String persistence) {
        this.persistence = persistence;
    }
}
