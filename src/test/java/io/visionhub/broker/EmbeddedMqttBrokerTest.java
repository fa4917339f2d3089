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
                .hasMessageContaining("./mvnw clean package -Pbroker-file-persistence")
                .hasMessageContaining("visionhub.broker.persistence=in-memory");
    }

    @Test
    void refusesAnUnknownPersistenceMode() {
        assertThatThrownBy(() -> new EmbeddedMqttBroker(dir, "127.0.0.1", 0, "disk"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in-memory or file");
    }
}
