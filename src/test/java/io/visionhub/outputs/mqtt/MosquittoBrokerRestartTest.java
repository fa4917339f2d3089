package io.visionhub.outputs.mqtt;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/** {@link BrokerRestartContract} against a Mosquitto process of the test's own (persistence on). */
class MosquittoBrokerRestartTest extends BrokerRestartContract {

    private MosquittoProcess mosquitto;

    @BeforeEach
    void needsMosquitto() {
        Assumptions.assumeTrue(
                MosquittoProcess.find().isPresent(),
                "mosquitto is not installed (apt-get install mosquitto); CI installs it");
    }

    @Override
    void startBroker(Path dir) throws Exception {
        if (mosquitto == null) {
            mosquitto = new MosquittoProcess(dir, List.of());
        }
        mosquitto.start();
    }

    @Override
    void stopBroker() throws Exception {
        if (mosquitto != null) {
            mosquitto.stop();
        }
    }

    @Override
    String brokerUrl() {
        return mosquitto.url();
    }
}
