package io.visionhub.ledger.camel;

import io.visionhub.ledger.DeliveryRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.MultipleConsumersSupport;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * The hub's ledger as a route step. {@code to: ledger:record} appends the InspectionEvent in the body, with the
 * outbox rows of the deliveries in the {@value LedgerConstants#DELIVERIES} header, and returns once both are
 * durable (group commit); a failed append throws, so the route's error handler takes the event and nothing is
 * published (architecture rule 1). {@code from: ledger:heads} emits each signed tree head, as canonical JSON,
 * once it is durable, in order.
 */
@UriEndpoint(
        firstVersion = "0.1.0",
        scheme = "ledger",
        title = "Vision Hub ledger",
        syntax = "ledger:kind",
        category = {Category.DATABASE},
        headersClass = LedgerConstants.class)
public class LedgerEndpoint extends DefaultEndpoint implements MultipleConsumersSupport {

    /** What the endpoint does: record (producer) or heads (consumer). */
    public enum Kind {
        /** Producer: appends the InspectionEvent in the body. */
        record,
        /** Consumer: emits each signed tree head. */
        heads;

        static Kind parse(String remaining, String uri) {
            try {
                return valueOf(remaining == null ? "" : remaining.strip().toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ledger endpoint " + uri + ": unknown kind '" + remaining
                        + "'; use ledger:record (to: append an inspection) or ledger:heads (from: signed tree heads)");
            }
        }
    }

    @UriPath(
            description = "record: append the InspectionEvent in the body (producer); heads: emit each signed "
                    + "tree head as JSON (consumer)",
            enums = "record,heads")
    @Metadata(required = true)
    private Kind kind;

    @UriParam(
            label = "producer",
            description =
                    "Deliveries every record of this endpoint gets besides those in the "
                            + "VisionHubDeliveries header: comma-separated target:DOCUMENT_TYPE pairs (e.g. "
                            + "sap-qm:QUALITY_NOTIFICATION,webhook:INSPECTION_RESULT), each with the inspection id as its key; "
                            + "written to the outbox with the record. Replaces a durable *-sink kamelet placed before the record step")
    private String deliveries;

    private List<DeliverySpec> deliverySpecs = List.of();

    /** A delivery configured on the endpoint; its key is the inspection id of each record. */
    record DeliverySpec(String target, String documentType) {
        DeliveryRequest forInspection(String inspectionId) {
            return new DeliveryRequest(target, documentType, inspectionId);
        }
    }

    public LedgerEndpoint(String uri, LedgerComponent component) {
        super(uri, component);
    }

    @Override
    public LedgerComponent getComponent() {
        return (LedgerComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        if (kind != Kind.record) {
            throw new IllegalArgumentException(getEndpointUri() + " is a consumer (from: ledger:heads); "
                    + "inspections are recorded with to: ledger:record");
        }
        return new LedgerRecordProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        if (kind != Kind.heads) {
            throw new IllegalArgumentException(getEndpointUri() + " is a producer (to: ledger:record); "
                    + "signed tree heads come from: ledger:heads");
        }
        LedgerHeadsConsumer consumer = new LedgerHeadsConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    /** Several routes may each take every head (say MQTT and an archive). */
    @Override
    public boolean isMultipleConsumersSupported() {
        return true;
    }

    public Kind getKind() {
        return kind;
    }

    /** record (producer) or heads (consumer). */
    public void setKind(Kind kind) {
        this.kind = kind;
    }

    public String getDeliveries() {
        return deliveries;
    }

    /**
     * Deliveries every record gets besides the header's: comma-separated target:DOCUMENT_TYPE pairs, each keyed by
     * the inspection id.
     */
    public void setDeliveries(String deliveries) {
        this.deliveries = deliveries;
        this.deliverySpecs = parseDeliveries(deliveries, getEndpointUri());
    }

    List<DeliverySpec> deliverySpecs() {
        return deliverySpecs;
    }

    static List<DeliverySpec> parseDeliveries(String text, String uri) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        List<DeliverySpec> specs = new ArrayList<>();
        for (String item : text.split(",")) {
            String[] parts = item.strip().split(":", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new IllegalArgumentException("ledger endpoint " + uri + ": delivery '" + item.strip()
                        + "' is not target:DOCUMENT_TYPE (e.g. sap-qm:QUALITY_NOTIFICATION)");
            }
            specs.add(new DeliverySpec(parts[0].strip(), parts[1].strip()));
        }
        return List.copyOf(specs);
    }
}
