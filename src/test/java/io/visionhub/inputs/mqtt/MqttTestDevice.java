package io.visionhub.inputs.mqtt;

import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.TestEvents;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/** Test devices publishing inspection events over MQTT, shared by the mqtt-input tests. */
final class MqttTestDevice {

    private MqttTestDevice() {}

    /** A device publishing QoS 1 events (each publish returns once the broker has it). */
    record Pub(MqttClient client) implements AutoCloseable {
        void publish(String topic, MqttMessage message) throws Exception {
            while (true) {
                try {
                    client.publish(topic, message);
                    return;
                } catch (MqttException e) {
                    // Paho's own in-flight count can lag the PUBACKs it already waited for: try again
                    if (e.getReasonCode() != MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                        throw e;
                    }
                    Thread.sleep(1);
                }
            }
        }

        @Override
        public void close() throws Exception {
            client.disconnect();
            client.close();
        }
    }

    /** A publisher connected to the broker at {@code url} with a clean start. */
    static Pub connect(String url) throws Exception {
        MqttClient c = new MqttClient(url, "pub-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        c.connect(o);
        return new Pub(c);
    }

    static String topic(String station) {
        return "visionhub-in/site-t/line-1/" + station + "/inspection";
    }

    static MqttMessage message(byte[] payload) {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        return m;
    }

    static void publish(Pub pub, String station, String partId) throws Exception {
        InspectionEvent event = TestEvents.event(station, partId, InspectionEvent.Verdict.OK);
        pub.publish(topic(station), message(EventJson.toBytes(event)));
    }

    static void await(BooleanSupplier condition, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }
}
