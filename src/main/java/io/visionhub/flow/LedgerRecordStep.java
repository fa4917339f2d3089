package io.visionhub.flow;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.DeliveryRequest;
import io.visionhub.ledger.InspectionLedger;
import io.visionhub.ledger.LedgerReceipt;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Handler;
import org.apache.camel.InvalidPayloadException;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * The route step that records an inspection: {@code to: bean:ledgerRecord}. Appends the event and the
 * deliveries the rules decided on (header {@value InspectionLedger#HEADER_DELIVERIES}) to the ledger and
 * returns only once they are durable, so every later step (OPC UA, MQTT, outbox) speaks of a recorded
 * inspection (architecture rule 1). A failed append throws: the route's error handler takes over and
 * nothing is published.
 */
@Component("ledgerRecord")
public class LedgerRecordStep {

    private final InspectionLedger ledger;
    private final Timer appendTimer;

    public LedgerRecordStep(InspectionLedger ledger, MeterRegistry meters) {
        this.ledger = ledger;
        this.appendTimer = Timer.builder("visionhub.flow.record")
                .description("time for the route's ledger step, group commit included")
                .publishPercentiles(0.5, 0.99)
                .register(meters);
    }

    @Handler
    public InspectionEvent record(@Body Object body, Exchange exchange) throws InvalidPayloadException {
        if (!(body instanceof InspectionEvent event)) {
            throw new InvalidPayloadException(exchange, InspectionEvent.class);
        }
        @SuppressWarnings("unchecked")
        List<DeliveryRequest> deliveries = exchange.getMessage()
                .getHeader(InspectionLedger.HEADER_DELIVERIES, List.of(), List.class);
        LedgerReceipt receipt = appendTimer.record(() -> ledger.append(event, deliveries));
        exchange.getMessage().setHeader(InspectionLedger.HEADER_SEQUENCE, receipt.sequence());
        return event;
    }
}
