package io.visionhub.outputs.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.MeterRegistry;
import io.visionhub.broker.EmbeddedMqttBroker;
import io.visionhub.cluster.ClusterProperties;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/** At start the hub logs the exact mosquitto_sub command for the broker and port it really publishes to. */
class MqttSubscribeHintTest {

    @TempDir
    Path dir;

    @Test
    void startupLogsTheSubscribeCommandWithTheBoundPortWhenThePreferredPortIsTaken() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger(MqttConfiguration.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        log.addAppender(appender);
        // another broker holds the preferred port: the embedded one moves on to the next free port
        try (ServerSocket other = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            EmbeddedMqttBroker broker =
                    new EmbeddedMqttBroker(dir.resolve("broker"), "127.0.0.1", other.getLocalPort(), "in-memory");
            broker.start();
            MqttOutputProperties props = MqttOutputProperties.defaults()
                    .withTopicRoot("plant7")
                    .withBuffer(new MqttOutputProperties.Buffer(
                            dir.resolve("buffer").toString(), null));
            StaticListableBeanFactory beans = new StaticListableBeanFactory();
            beans.addBean("broker", broker);
            MqttEventPublisher publisher = null;
            DefaultCamelContext camel = new DefaultCamelContext();
            try {
                publisher = new MqttConfiguration()
                        .mqttEventPublisher(
                                props,
                                "site-a",
                                beans.getBeanProvider(EmbeddedMqttBroker.class),
                                beans.getBeanProvider(MeterRegistry.class),
                                beans.getBeanProvider(ClusterProperties.class),
                                camel);
                assertThat(broker.port()).isNotEqualTo(other.getLocalPort());
                List<String> lines = appender.list.stream()
                        .map(ILoggingEvent::getFormattedMessage)
                        .toList();
                assertThat(lines)
                        .contains("MQTT events: mosquitto_sub -h 127.0.0.1 -p " + broker.port() + " -t 'plant7/#' -v");
            } finally {
                if (publisher != null) {
                    new MqttConfiguration.MqttOutputShutdown(publisher, true).close();
                }
                camel.close();
                broker.stop();
                log.detachAppender(appender);
            }
        }
    }

    @Test
    void anExternalTlsBrokerGetsItsHostPortAndACafileToFillIn() {
        assertThat(MqttConfiguration.subscribeCommand("ssl://broker.plant:8884", new MqttTopics("visionhub", "s")))
                .isEqualTo("mosquitto_sub -h broker.plant -p 8884 -t 'visionhub/#' -v --cafile <broker-ca.pem>");
        assertThat(MqttConfiguration.subscribeCommand("tcp://broker.plant", new MqttTopics("visionhub", "s")))
                .isEqualTo("mosquitto_sub -h broker.plant -p 1883 -t 'visionhub/#' -v");
    }
}
