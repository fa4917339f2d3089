package io.visionhub.broker;

import com.hivemq.embedded.EmbeddedHiveMQ;
import io.visionhub.outputs.PortPicker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT 5 broker inside the hub (HiveMQ Community Edition, embedded) for the one-machine demo. It listens on
 * the configured port, or on the next free one when another broker already holds it, and says which.
 */
public class EmbeddedMqttBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMqttBroker.class);

    private final Path dataDir;
    private final String bindAddress;
    private final int preferredPort;
    private final String persistence;
    private volatile EmbeddedHiveMQ hivemq;
    private volatile int port = -1;

    public EmbeddedMqttBroker(Path dataDir, String bindAddress, int preferredPort, String persistence) {
        if (!"in-memory".equals(persistence) && !"file".equals(persistence)) {
            throw new IllegalArgumentException(
                    "visionhub.broker.persistence must be in-memory or file, not '" + persistence + "'");
        }
        // before any HiveMQ class: the production jar leaves the broker out (a NoClassDefFoundError deep in Spring)
        EmbeddedBrokerLibraries.require(EmbeddedMqttBroker.class.getClassLoader());
        if ("file".equals(persistence)) {
            // before HiveMQ, which without them hangs at start instead of failing
            FilePersistenceLibraries.require(EmbeddedMqttBroker.class.getClassLoader());
        }
        this.dataDir = dataDir.toAbsolutePath();
        this.bindAddress = bindAddress;
        this.preferredPort = preferredPort;
        this.persistence = persistence;
    }

    public static EmbeddedMqttBroker of(BrokerProperties props) {
        return new EmbeddedMqttBroker(Path.of(props.dataDir()), props.bindAddress(), props.port(), props.persistence());
    }

    /** Starts the broker and waits until it accepts connections. Restarting after {@link #stop()} keeps the port. */
    public synchronized void start() {
        if (hivemq != null) {
            return;
        }
        if (port < 0) {
            port = PortPicker.pick(bindAddress, preferredPort);
        }
        try {
            Path conf = Files.createDirectories(dataDir.resolve("conf"));
            Files.createDirectories(dataDir.resolve("data"));
            Files.createDirectories(dataDir.resolve("extensions"));
            Files.writeString(conf.resolve("config.xml"), configXml(), StandardCharsets.UTF_8);
            EmbeddedHiveMQ broker = EmbeddedHiveMQ.builder()
                    .withConfigurationFolder(conf)
                    .withDataFolder(dataDir.resolve("data"))
                    .withExtensionsFolder(dataDir.resolve("extensions"))
                    .withoutLoggingBootstrap()
                    .build();
            broker.start().get(60, TimeUnit.SECONDS);
            hivemq = broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the embedded MQTT broker's folder " + dataDir, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException(
                    "the embedded MQTT broker did not start on " + bindAddress + ":" + port
                            + ": " + e.getMessage()
                            + " (set visionhub.broker.port, or visionhub.mqtt.broker-url to use "
                            + "an external broker)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the embedded MQTT broker", e);
        }
        if (port != preferredPort && preferredPort != 0) {
            LOG.warn(
                    "Embedded MQTT broker: port {} is taken (another broker?), listening on {} instead: "
                            + "subscribe with mqtt://localhost:{} (set visionhub.broker.port to choose)",
                    preferredPort,
                    port,
                    port);
        }
        LOG.info(
                "Embedded MQTT broker listening on {}:{} ({}); clients on this machine use {} (MQTT 5, HiveMQ CE, "
                        + "{} persistence, folder {})",
                bindAddress,
                port,
                PortPicker.describe(bindAddress, "visionhub.broker.bind-address"),
                url(),
                persistence,
                dataDir);
    }

    /** Stops the broker; {@link #start()} brings it back on the same port. */
    public synchronized void stop() {
        EmbeddedHiveMQ broker = hivemq;
        hivemq = null;
        if (broker == null) {
            return;
        }
        try {
            broker.stop().get(60, TimeUnit.SECONDS);
            broker.close();
            LOG.info("Embedded MQTT broker on port {} stopped", port);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Embedded MQTT broker on port {} did not stop cleanly: {}", port, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    public boolean isRunning() {
        return hivemq != null;
    }

    /** The port the broker listens on (-1 before the first start). */
    public int port() {
        return port;
    }

    /** The URL clients on this machine connect to, e.g. tcp://127.0.0.1:1884. */
    public String url() {
        String host = "0.0.0.0".equals(bindAddress) || "::".equals(bindAddress) ? "127.0.0.1" : bindAddress;
        return "tcp://" + host + ":" + port;
    }

    private String configXml() {
        return """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener>
                      <port>%d</port>
                      <bind-address>%s</bind-address>
                      <name>visionhub-mqtt</name>
                    </tcp-listener>
                  </listeners>
                  <persistence>
                    <mode>%s</mode>
                  </persistence>
                  <mqtt>
                    <receive-maximum>
                      <!-- QoS 1 messages a client may publish unacknowledged: the hub's output window (HiveMQ's
                           default, 10, made the routes wait for acknowledgements; docs/mqtt.md) -->
                      <server-receive-maximum>1000</server-receive-maximum>
                    </receive-maximum>
                  </mqtt>
                  <anonymous-usage-statistics>
                    <enabled>false</enabled>
                  </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, bindAddress, persistence);
    }
}
