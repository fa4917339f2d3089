package io.visionhub.inputs.mqtt;

import org.apache.camel.spi.Metadata;

/** Headers of the messages {@code mqtt-input:} hands to its route. */
public final class MqttInputConstants {

    private MqttInputConstants() {}

    @Metadata(description = "The topic the message arrived on", javaType = "String")
    public static final String TOPIC = "VisionHubMqttTopic";

    @Metadata(
            description = "The MQTT packet id of the message (unique only among the messages in flight)",
            javaType = "int")
    public static final String MESSAGE_ID = "VisionHubMqttMessageId";

    @Metadata(description = "The QoS the message arrived with", javaType = "int")
    public static final String QOS = "VisionHubMqttQos";

    @Metadata(
            description = "true when the broker marks the message as sent before (DUP flag): it was in flight, not "
                    + "acknowledged, when the hub's previous connection ended. false proves nothing: Mosquitto 2.0 "
                    + "sends such messages again without the flag",
            javaType = "boolean")
    public static final String DUPLICATE = "VisionHubMqttDuplicate";
}
