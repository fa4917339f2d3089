package io.visionhub.outputs.mqtt.component;

import io.visionhub.outputs.InspectionEventBody;
import io.visionhub.outputs.mqtt.MqttEventPublisher;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.support.DefaultProducer;

/** Hands the body to the hub's MQTT publisher; it never waits for the broker. */
public class HubMqttProducer extends DefaultProducer {

    public HubMqttProducer(HubMqttEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public HubMqttEndpoint getEndpoint() {
        return (HubMqttEndpoint) super.getEndpoint();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        MqttEventPublisher publisher = getEndpoint().getComponent().getPublisher();
        Object body = exchange.getMessage().getBody();
        if (getEndpoint().getKind() == HubMqttEndpoint.Kind.INSPECTION) {
            publisher.publish(
                    InspectionEventBody.require(exchange, "hub-mqtt:inspection publishes inspection results"));
            return;
        }
        String json = body == null ? null : exchange.getMessage().getBody(String.class);
        if (json == null || json.isBlank()) {
            throw new InvalidPayloadException(
                    exchange,
                    String.class,
                    exchange.getMessage(),
                    new IllegalArgumentException("hub-mqtt:"
                            + getEndpoint().getKind().name().toLowerCase(Locale.ROOT) + "?topic="
                            + getEndpoint().getTopic() + " publishes a JSON document: the body is empty"));
        }
        String topic = publisher.topics().underSite(getEndpoint().getTopic());
        if (getEndpoint().getKind() == HubMqttEndpoint.Kind.EVENT) {
            publisher.publishEvent(topic, json);
        } else {
            publisher.publishRetained(topic, json);
        }
    }
}
