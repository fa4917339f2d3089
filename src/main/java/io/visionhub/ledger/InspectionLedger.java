package io.visionhub.ledger;

import io.visionhub.event.InspectionEvent;
import java.util.List;

/**
 * The append-only record of inspections (architecture rule 1: nothing leaves the hub about an inspection
 * that the ledger does not hold). {@link #append} returns only once the record and its outbox rows are
 * durably committed, in one transaction (group commit may batch it with others).
 */
public interface InspectionLedger {

    /** Camel header: the deliveries (List of {@link DeliveryRequest}) the route's rules decided on. */
    String HEADER_DELIVERIES = "VisionHubDeliveries";
    /** Camel header set after recording: the ledger sequence number of the record. */
    String HEADER_SEQUENCE = "VisionHubLedgerSequence";

    /** Appends the event and the outbox rows for its enterprise deliveries; durable on return. */
    LedgerReceipt append(InspectionEvent event, List<DeliveryRequest> deliveries);
}
