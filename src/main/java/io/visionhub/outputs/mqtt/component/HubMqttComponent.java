package io.visionhub.outputs.mqtt.component;

import io.visionhub.outputs.mqtt.MqttEventPublisher;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code hub-mqtt:} component: publishes through the hub's one MQTT 5 connection ({@link MqttEventPublisher}
 * over {@link io.visionhub.outputs.mqtt.ReliableMqttClient}), which keeps every message in an on-disk buffer while
 * the broker is away and sends it, in order, when the broker is back. camel-paho-mqtt5's producer publishes
 * synchronously and fails while disconnected (docs/mqtt.md says why it is not used for events).
 */
@Component("hub-mqtt")
public class HubMqttComponent extends DefaultComponent {

    @Metadata(
            description = "The hub's MQTT publisher; looked up in the registry by type when not set. A disabled "
                    + "output (visionhub.mqtt.enabled=false) passes messages through",
            autowired = true)
    private MqttEventPublisher publisher;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        HubMqttEndpoint endpoint = new HubMqttEndpoint(uri, this);
        endpoint.setKind(HubMqttEndpoint.Kind.of(remaining, uri));
        setProperties(endpoint, parameters);
        endpoint.check();
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (publisher == null) {
            publisher = getCamelContext().getRegistry().findSingleByType(MqttEventPublisher.class);
        }
        if (publisher == null) {
            throw new IllegalStateException("hub-mqtt: no MqttEventPublisher in the registry (the MQTT output's "
                    + "configuration, io.visionhub.outputs.mqtt.MqttConfiguration, makes one)");
        }
    }

    public MqttEventPublisher getPublisher() {
        return publisher;
    }

    public void setPublisher(MqttEventPublisher publisher) {
        this.publisher = publisher;
    }
}
