package io.visionhub.ledger.camel;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.DeliveryRequest;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerReceipt;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultProducer;

/**
 * {@code to: ledger:record}: appends the InspectionEvent in the body and the deliveries (header and endpoint option)
 * as outbox rows, and returns only once they are durable, so every later step (OPC UA, MQTT, outbox) speaks of a
 * recorded inspection. Sets the sequence and leaf hash headers; the body stays the event. Any failure throws.
 */
public class LedgerRecordProducer extends DefaultProducer {

    private JdbcInspectionLedger ledger;
    private Timer appendTimer;

    public LedgerRecordProducer(LedgerEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public LedgerEndpoint getEndpoint() {
        return (LedgerEndpoint) super.getEndpoint();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        ledger = getEndpoint().getComponent().requireLedger();
        MeterRegistry meters = getEndpoint().getComponent().getMeterRegistry();
        if (meters != null) {
            // the same meter for every record endpoint: Micrometer returns the one registered first
            appendTimer = Timer.builder("visionhub.flow.record")
                    .description("time for the route's ledger step, group commit included")
                    .publishPercentiles(0.5, 0.99)
                    .register(meters);
        }
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        InspectionEvent event = message.getMandatoryBody(InspectionEvent.class);
        List<DeliveryRequest> deliveries = deliveries(message, event);
        LedgerReceipt receipt = appendTimer == null
                ? ledger.append(event, deliveries)
                : appendTimer.record(() -> ledger.append(event, deliveries));
        message.setHeader(LedgerConstants.SEQUENCE, receipt.sequence());
        message.setHeader(LedgerConstants.LEAF_HASH, receipt.leafHash());
    }

    /** The header's deliveries (each checked to be a DeliveryRequest), then the endpoint's, each once. */
    private List<DeliveryRequest> deliveries(Message message, InspectionEvent event) {
        Object header = message.getHeader(LedgerConstants.DELIVERIES);
        List<DeliveryRequest> all = new ArrayList<>();
        if (header != null) {
            if (!(header instanceof Collection<?> items)) {
                throw new IllegalArgumentException("inspection " + event.id() + " not recorded: header "
                        + LedgerConstants.DELIVERIES + " must be a List of DeliveryRequest, got "
                        + header.getClass().getName());
            }
            for (Object item : items) {
                if (!(item instanceof DeliveryRequest delivery)) {
                    throw new IllegalArgumentException("inspection " + event.id() + " not recorded: header "
                            + LedgerConstants.DELIVERIES + " holds "
                            + (item == null ? "null" : item.getClass().getName()) + " where a DeliveryRequest belongs");
                }
                all.add(delivery);
            }
        }
        for (LedgerEndpoint.DeliverySpec spec : getEndpoint().deliverySpecs()) {
            all.add(spec.forInspection(event.id()));
        }
        return List.copyOf(new LinkedHashSet<>(all));
    }
}
