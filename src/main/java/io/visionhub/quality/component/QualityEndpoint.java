package io.visionhub.quality.component;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * <ul>
 *   <li>{@code to: quality:inspection}: the recorded {@link io.visionhub.event.InspectionEvent} in the body goes to
 *   every quality concern (line screen, quality rate, SPC, NCR rules); the body passes on unchanged. Place it after
 *   {@code ledger:record}: only recorded inspections count.</li>
 *   <li>{@code from: quality:alarms}: one exchange per quality alarm raised or cleared, after its ledger record, in
 *   order, body the {@link io.visionhub.quality.alarm.QualityAlarm}, headers (QualityConstants) its state, its
 *   line's MQTT topic level and the line's active alarms; for the route that publishes alarms
 *   (routes/quality-alarms.yaml).</li>
 * </ul>
 */
@UriEndpoint(
        firstVersion = "1.0.0",
        scheme = "quality",
        title = "Quality operations feed",
        syntax = "quality:kind",
        category = {Category.MONITORING},
        headersClass = QualityConstants.class)
public class QualityEndpoint extends DefaultEndpoint {

    @UriPath(
            description = "inspection (to: a recorded InspectionEvent for the quality concerns) or alarms (from: each "
                    + "quality alarm raised or cleared)",
            enums = "inspection,alarms")
    @Metadata(required = true)
    private String kind;

    public QualityEndpoint(String uri, QualityComponent component) {
        super(uri, component);
    }

    @Override
    public QualityComponent getComponent() {
        return (QualityComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        if ("alarms".equals(kind)) {
            throw new UnsupportedOperationException(
                    "quality:alarms gives alarms to a route (from:); a route step takes inspections: quality:inspection");
        }
        return new QualityProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (!"alarms".equals(kind)) {
            throw new UnsupportedOperationException(
                    "quality:" + kind + " only takes results (to:); alarms come from: quality:alarms");
        }
        QualityAlarmConsumer consumer = new QualityAlarmConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    public String getKind() {
        return kind;
    }

    public void setKind(String kind) {
        this.kind = kind;
    }
}
