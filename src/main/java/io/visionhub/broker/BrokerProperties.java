package io.visionhub.broker;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The embedded MQTT 5 broker (HiveMQ CE). It starts only when {@code visionhub.mqtt.broker-url} is empty
 * (no external broker) and {@code visionhub.broker.enabled} is true. A setting left out (null) takes its default.
 *
 * @param enabled start the embedded broker when no external broker URL is configured; default true
 * @param port preferred port; when taken (say by a Mosquitto already on 1883) the next free one is used. 0 = any
 *     free port; default 1883
 * @param bindAddress address the listener binds: loopback by default (the demo); 0.0.0.0 lets other machines
 *     subscribe
 * @param dataDir folder for the broker's configuration, data and (empty) extensions folder; default data/broker
 * @param persistence in-memory (nothing written to disk) or file (sessions and queued messages survive a broker
 *     restart); default in-memory
 */
@ConfigurationProperties(prefix = "visionhub.broker")
public record BrokerProperties(Boolean enabled, Integer port, String bindAddress, String dataDir, String persistence) {

    public BrokerProperties {
        enabled = enabled == null || enabled;
        port = port == null ? 1883 : port;
        bindAddress = bindAddress == null || bindAddress.isBlank() ? "127.0.0.1" : bindAddress.strip();
        dataDir = dataDir == null || dataDir.isBlank() ? "data/broker" : dataDir;
        persistence = persistence == null ? "in-memory" : persistence.strip();
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("visionhub.broker.port must be 0 (any free port) to 65535, not " + port);
        }
        if (!"in-memory".equals(persistence) && !"file".equals(persistence)) {
            throw new IllegalArgumentException(
                    "visionhub.broker.persistence must be in-memory or file, not '" + persistence + "'");
        }
    }
}
