package io.visionhub.broker;

/**
 * The hub is set to start its embedded MQTT broker (no {@code visionhub.mqtt.broker-url}, {@code
 * visionhub.broker.enabled} true: the defaults) but runs from a jar built without it. {@link
 * EmbeddedBrokerFailureAnalyzer} turns it into Spring Boot's "APPLICATION FAILED TO START" report.
 */
public class EmbeddedBrokerNotInJarException extends IllegalStateException {

    static final String DESCRIPTION = "The embedded MQTT broker is to start (visionhub.mqtt.broker-url is empty and "
            + "visionhub.broker.enabled is true, the defaults), but this jar is built without it: the production jar "
            + "leaves HiveMQ CE out and publishes to the plant's broker.";

    static final String ACTION = "Set visionhub.mqtt.broker-url to the plant's broker (e.g. "
            + "--visionhub.mqtt.broker-url=tcp://broker.plant.local:1883 or deploy/config/application-plant.yaml), or build the "
            + "jar with the embedded broker for a demo or a single-box trial: " + EmbeddedBrokerLibraries.BUILD_HINT
            + " (docs/mqtt.md).";

    public EmbeddedBrokerNotInJarException() {
        super(DESCRIPTION + " " + ACTION);
    }
}
