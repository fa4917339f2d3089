package io.visionhub.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.visionhub.broker.BrokerProperties;
import io.visionhub.broker.EmbeddedMqttBroker;
import io.visionhub.context.ContextConfiguration;
import io.visionhub.context.ContextProperties;
import io.visionhub.outputs.opcua.HubOpcUaServer;
import io.visionhub.outputs.opcua.OpcUaServerProperties;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

/**
 * The demo's listeners (embedded MQTT broker, the hub's OPC UA server, the Hazelcast member) bind loopback by
 * default (issue 13): with the defaults of config/shopfloor.yaml and config/context-api.yaml each accepts a
 * connection on 127.0.0.1 and refuses one on this machine's network address.
 */
class DemoNetworkBindingTest {

    static Binder defaults;
    static Optional<InetAddress> networkAddress;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadDefaults() throws IOException {
        StandardEnvironment env = new StandardEnvironment();
        YamlPropertySourceLoader yaml = new YamlPropertySourceLoader();
        for (String file : new String[] {"config/shopfloor.yaml", "config/context-api.yaml"}) {
            yaml.load(file, new ClassPathResource(file)).forEach(env.getPropertySources()::addLast);
        }
        defaults = Binder.get(env);
        networkAddress = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (IOException e) {
                        return false;
                    }
                })
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst();
    }

    static boolean accepts(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 2000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    /** The lines a class logs from now on. */
    static ListAppender<ILoggingEvent> logOf(Class<?> type) {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(type)).addAppender(appender);
        return appender;
    }

    /** The start-up log line names the address really bound and says that only this machine can connect. */
    static void assertLogSaysLoopback(ListAppender<ILoggingEvent> log, int port) {
        assertThat(log.list.stream().map(ILoggingEvent::getFormattedMessage).toList())
                .anySatisfy(l -> assertThat(l).contains("listening on 127.0.0.1:" + port, "loopback only"));
    }

    static void assertLoopbackOnly(int port) throws IOException {
        assertThat(accepts(InetAddress.getByName("127.0.0.1"), port))
                .as("127.0.0.1:" + port)
                .isTrue();
        assumeTrue(networkAddress.isPresent(), "this machine has no non-loopback IPv4 address to try");
        assertThat(accepts(networkAddress.get(), port))
                .as(networkAddress.get() + ":" + port)
                .isFalse();
    }

    @Test
    void opcUaServerListensOnLoopbackOnlyByDefault() throws Exception {
        OpcUaServerProperties props =
                defaults.bind("visionhub.opcua", OpcUaServerProperties.class).get();
        assertThat(props.bindAddress()).isEqualTo("127.0.0.1");
        props = props.withPort(0).withPkiDir(dir.resolve("pki").toString());
        HubOpcUaServer server = new HubOpcUaServer(props, "site-b");
        ListAppender<ILoggingEvent> log = logOf(HubOpcUaServer.class);
        server.start();
        try {
            assertLogSaysLoopback(log, server.port());
            assertLoopbackOnly(server.port());
        } finally {
            server.stop();
        }
    }

    @Test
    void embeddedMqttBrokerListensOnLoopbackOnlyByDefault() throws Exception {
        BrokerProperties props =
                defaults.bind("visionhub.broker", BrokerProperties.class).get();
        assertThat(props.bindAddress()).isEqualTo("127.0.0.1");
        try (EmbeddedMqttBroker broker =
                new EmbeddedMqttBroker(dir.resolve("broker"), props.bindAddress(), 0, props.persistence())) {
            ListAppender<ILoggingEvent> log = logOf(EmbeddedMqttBroker.class);
            broker.start();
            assertThat(broker.url()).startsWith("tcp://127.0.0.1:");
            assertLogSaysLoopback(log, broker.port());
            assertLoopbackOnly(broker.port());
        }
    }

    @Test
    void hazelcastMemberListensOnLoopbackOnlyByDefault() throws Exception {
        ContextProperties props =
                defaults.bind("visionhub.context", ContextProperties.class).get();
        assertThat(props.hazelcast().interfaceAddress()).isEqualTo("127.0.0.1");
        HazelcastInstance member = Hazelcast.newHazelcastInstance(ContextConfiguration.memberConfig(props.hazelcast()));
        try {
            InetSocketAddress local =
                    (InetSocketAddress) member.getCluster().getLocalMember().getSocketAddress();
            assertThat(local.getAddress().isLoopbackAddress())
                    .as(local.toString())
                    .isTrue();
            assertLoopbackOnly(local.getPort());
        } finally {
            member.shutdown();
        }
    }
}
