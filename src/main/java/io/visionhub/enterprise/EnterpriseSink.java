package io.visionhub.enterprise;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.DeliveryRequest;
import io.visionhub.ledger.InspectionLedger;
import org.apache.camel.Exchange;

import java.util.List;

/**
 * Bean {@code enterpriseSink} behind the connector kamelets (kamelets/*-sink.kamelet.yaml). Durable (the
 * default): the kamelet asks for a delivery by adding a {@link DeliveryRequest} (key = inspection id) to the
 * {@link InspectionLedger#HEADER_DELIVERIES} header, so the ledger writes it to the outbox with the record and
 * the outbox deliverer makes the document (place the kamelet before bean:ledgerRecord). Not durable: delivers
 * now, in the route, and sets {@value #HEADER_DOCUMENT_NUMBER} (for routes that do not go through the ledger;
 * nothing retries it).
 */
public class EnterpriseSink {

    public static final String HEADER_DOCUMENT_NUMBER = "VisionHubDocumentNumber";

    private final DeliveryService delivery;

    public EnterpriseSink(DeliveryService delivery) {
        this.delivery = delivery;
    }

    public InspectionEvent send(InspectionEvent body, String target, String documentType, boolean durable, Exchange exchange) {
        if (body == null) {
            throw new IllegalArgumentException("enterprise sink " + target + " needs an InspectionEvent body, got none");
        }
        delivery.targets().config(target); // an unknown target fails here, naming the configured ones
        if (durable) {
            DeliveryHeader.append(exchange, List.of(new DeliveryRequest(target, documentType, body.id())));
        } else {
            // no outbox counts attempts here: always look up first (a repeated exchange finds its document)
            String number = delivery.deliver(body, target, documentType, body.id(), 2);
            exchange.getMessage().setHeader(HEADER_DOCUMENT_NUMBER, number);
        }
        return body;
    }
}
