package io.visionhub.enterprise.component;

import io.visionhub.enterprise.DeliveryHeader;
import io.visionhub.enterprise.DeliveryService;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.DeliveryRequest;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/** Asks for an outbox row (durable) or makes the document now (direct); the body stays the InspectionEvent. */
public class EnterpriseProducer extends DefaultProducer {

    private final EnterpriseEndpoint endpoint;
    private final DeliveryService delivery;

    public EnterpriseProducer(EnterpriseEndpoint endpoint, DeliveryService delivery) {
        super(endpoint);
        this.endpoint = endpoint;
        this.delivery = delivery;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        InspectionEvent event = exchange.getMessage().getMandatoryBody(InspectionEvent.class);
        String min = endpoint.getMinSeverity();
        if (min != null && !min.isBlank() && !Severity.atLeast(delivery.severityOf(event), min)) {
            return;
        }
        if (endpoint.getMode() == DeliveryMode.durable) {
            DeliveryHeader.append(
                    exchange,
                    List.of(new DeliveryRequest(endpoint.getTarget(), endpoint.getDocumentType(), event.id())));
        } else {
            String number = delivery.deliverNow(
                    event,
                    endpoint.getTarget(),
                    endpoint.getDocumentType(),
                    endpoint.getCustomer(),
                    endpoint.getMapping());
            exchange.getMessage().setHeader(EnterpriseConstants.DOCUMENT_NUMBER, number);
        }
    }
}
