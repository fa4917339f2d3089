package io.visionhub.outputs.mqtt.component;

import java.util.Arrays;
import java.util.Locale;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * What to publish through the hub's MQTT connection:
 * <ul>
 *   <li>{@code hub-mqtt:inspection}: the {@link io.visionhub.event.InspectionEvent} in the body as JSON on
 *   {@code <root>/<site>/<line>/<station>/inspection} (QoS {@code visionhub.mqtt.qos}), the station's retained
 *   status and, where on, Sparkplug B DDATA; the body passes on unchanged;</li>
 *   <li>{@code hub-mqtt:retained?topic=ledger/heads}: the body (a JSON document as text) retained, QoS 1, on
 *   {@code <root>/<site>/<topic>}, e.g. the ledger's signed tree heads;</li>
 *   <li>{@code hub-mqtt:event?topic=line-1/alarms/events}: the body (a JSON document as text), not retained, QoS 1,
 *   on {@code <root>/<site>/<topic>}, e.g. each quality alarm raised or cleared.</li>
 * </ul>
 * Messages are kept on disk while the broker is away and sent in order when it is back.
 */
@UriEndpoint(
        firstVersion = "1.0.0",
        scheme = "hub-mqtt",
        title = "Hub MQTT output (buffered)",
        syntax = "hub-mqtt:kind",
        producerOnly = true,
        category = {Category.MESSAGING, Category.IOT})
public class HubMqttEndpoint extends DefaultEndpoint {

    /** What the endpoint publishes. */
    public enum Kind {
        INSPECTION,
        RETAINED,
        EVENT;

        static Kind of(String remaining, String uri) {
            try {
                return valueOf(remaining == null ? "" : remaining.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("hub-mqtt endpoint " + uri + ": '" + remaining + "' is not what it "
                        + "can publish; use hub-mqtt:inspection, hub-mqtt:retained?topic=<topic under root/site> or "
                        + "hub-mqtt:event?topic=<topic under root/site>");
            }
        }
    }

    @UriPath(
            description = "What to publish: inspection (the InspectionEvent in the body, on its station's topic), "
                    + "retained (the body as a retained JSON document on topic) or event (the body as a JSON "
                    + "document on topic, not retained)",
            enums = "inspection,retained,event")
    @Metadata(required = true)
    private Kind kind;

    @UriParam(
            description = "retained, event: topic under <root>/<site>/ (e.g. ledger/heads); no wildcards, no leading "
                    + "slash")
    private String topic;

    public HubMqttEndpoint(String uri, HubMqttComponent component) {
        super(uri, component);
    }

    void check() {
        if (kind != Kind.INSPECTION && (topic == null || topic.isBlank())) {
            throw new IllegalArgumentException("hub-mqtt:" + kind.name().toLowerCase(Locale.ROOT)
                    + " needs topic=<topic under root/site>, e.g. hub-mqtt:retained?topic=ledger/heads");
        }
        if (topic != null
                && (topic.startsWith("/")
                        || topic.endsWith("/")
                        || Arrays.stream(topic.split("/"))
                                .anyMatch(t -> t.isEmpty() || t.contains("+") || t.contains("#")))) {
            throw new IllegalArgumentException("hub-mqtt topic '" + topic + "' is not a topic under <root>/<site>/: "
                    + "levels separated by single slashes, no wildcards (+ #), no leading or trailing slash");
        }
        if (kind == Kind.INSPECTION && topic != null) {
            throw new IllegalArgumentException("hub-mqtt:inspection takes its topic from the event "
                    + "(<root>/<site>/<line>/<station>/inspection); remove topic=" + topic);
        }
    }

    @Override
    public HubMqttComponent getComponent() {
        return (HubMqttComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new HubMqttProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException(
                "hub-mqtt only publishes (to:); subscribe with paho-mqtt5: or a client");
    }

    public Kind getKind() {
        return kind;
    }

    public void setKind(Kind kind) {
        this.kind = kind;
    }

    public String getTopic() {
        return topic;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }
}
