package io.visionhub.outputs.mqtt;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/** A Paho MQTT 5 callback that ignores everything; subclasses override what they need. */
public abstract class MqttCallbackAdapter implements MqttCallback {

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        // not needed
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        // not needed
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        // not needed
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
        // not needed
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
        // not needed
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
        // no enhanced authentication
    }
}
