package io.visionhub.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.diagnostics.FailureAnalysis;

class EmbeddedMqttBrokerTest {

    @TempDir
    Path dir;

    @Test
    void takesTheNextFreePortWhenThePreferredOneIsHeld() throws Exception {
        try (ServerSocket holder = new ServerSocket()) {
            holder.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int held = holder.getLocalPort();
            EmbeddedMqttBroker broker = new EmbeddedMqttBroker(dir, "127.0.0.1", held, "in-memory");
            try {
                broker.start();
                assertThat(broker.port()).isNotEqualTo(held).isGreaterThan(held);
                assertThat(broker.url()).isEqualTo("tcp://127.0.0.1:" + broker.port());
                try (Socket s = new Socket("127.0.0.1", broker.port())) {
                    assertThat(s.isConnected()).isTrue();
                }
            } finally {
                broker.stop();
            }
        }
    }

    @Test
    void filePersistenceLibrariesAreOnTheTestClassPath() {
        // the tests and spring-boot:run have the full dependencies; only the packaged jar may leave them out
        assertThat(FilePersistenceLibraries.missing(EmbeddedMqttBroker.class.getClassLoader()))
                .isEmpty();
    }

    @Test
    void filePersistenceWithoutItsLibrariesIsRefusedNamingEachMissingPartAndTheFix() {
        // a loader that sees only the JDK: what the jar built without -Pbroker-file-persistence lacks
        ClassLoader jdkOnly = ClassLoader.getPlatformClassLoader();
        assertThat(FilePersistenceLibraries.missing(jdkOnly))
                .hasSize(3)
                .anyMatch(m -> m.startsWith("Xodus"))
                .anyMatch(m -> m.startsWith("Kotlin"))
                .anyMatch(m -> m.startsWith("RocksDB's native library (librocksdbjni-"));
        assertThatThrownBy(() -> FilePersistenceLibraries.require(jdkOnly))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("visionhub.broker.persistence=file")
                .hasMessageContaining("Xodus")
                .hasMessageContaining("./mvnw clean package -Pembedded-broker,broker-file-persistence")
                .hasMessageContaining("visionhub.broker.persistence=in-memory");
    }

    @Test
    void hiveMqIsOnTheTestClassPath() {
        // spring-boot:run and the tests have the embedded broker; the production jar leaves it out (pom.xml)
        EmbeddedBrokerLibraries.require(EmbeddedMqttBroker.class.getClassLoader());
    }

    @Test
    void withoutHiveMqTheEmbeddedBrokerIsRefusedNamingTheSettingAndBothFixes() {
        // a loader that sees only the JDK: what the production jar lacks
        assertThatThrownBy(() -> EmbeddedBrokerLibraries.require(ClassLoader.getPlatformClassLoader()))
                .isInstanceOf(EmbeddedBrokerNotInJarException.class)
                .hasMessageContaining("visionhub.broker.enabled")
                .hasMessageContaining("visionhub.mqtt.broker-url")
                .hasMessageContaining("./mvnw clean package -Pembedded-broker");
    }

    @Test
    void theFailureAnalyzerFindsTheRefusalUnderSpringsExceptionsAndReportsItAsOneDescriptionAndAction() {
        RuntimeException fromSpring = new IllegalStateException(
                "Error creating bean with name 'embeddedMqttBroker'",
                new IllegalStateException("factory method threw", new EmbeddedBrokerNotInJarException()));
        FailureAnalysis analysis = new EmbeddedBrokerFailureAnalyzer().analyze(fromSpring);
        assertThat(analysis).isNotNull();
        assertThat(analysis.getDescription()).contains("visionhub.mqtt.broker-url is empty", "HiveMQ");
        assertThat(analysis.getAction())
                .contains("visionhub.mqtt.broker-url=tcp://", "./mvnw clean package -Pembedded-broker");
        assertThat(new EmbeddedBrokerFailureAnalyzer().analyze(new IllegalStateException("another failure")))
                .isNull();
    }

    @Test
    void refusesAnUnknownPersistenceMode() {
        assertThatThrownBy(() -> new EmbeddedMqttBroker(dir, "127.0.0.1", 0, "disk"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in-memory or file");
    }
}
