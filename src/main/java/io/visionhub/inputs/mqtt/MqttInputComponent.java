package io.visionhub.inputs.mqtt;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code mqtt-input:} component: subscribes to a topic filter with a persistent MQTT 5 session and runs the
 * route for many messages at once, in order per topic, acknowledging each message only when its route has finished
 * (so a message the hub has not recorded is sent again by the broker after a crash). See {@link MqttInputEndpoint}.
 */
@Component("mqtt-input")
public class MqttInputComponent extends DefaultComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        MqttInputEndpoint endpoint = new MqttInputEndpoint(uri, this);
        endpoint.setTopicFilter(remaining);
        setProperties(endpoint, parameters);
        endpoint.check();
        return endpoint;
    }
}
