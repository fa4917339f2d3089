package io.visionhub.outputs.mqtt;

import io.visionhub.broker.EmbeddedMqttBroker;
import java.nio.file.Path;

/** {@link BrokerRestartContract} against the embedded HiveMQ broker with file persistence. */
class EmbeddedBrokerRestartTest extends BrokerRestartContract {

    private EmbeddedMqttBroker broker;

    @Override
    void startBroker(Path dir) {
        if (broker == null) {
            broker = new EmbeddedMqttBroker(dir, "127.0.0.1", 0, "file");
        }
        broker.start();
    }

    @Override
    void stopBroker() {
        if (broker != null) {
            broker.stop();
        }
    }

    @Override
    String brokerUrl() {
        return broker.url();
    }
}
