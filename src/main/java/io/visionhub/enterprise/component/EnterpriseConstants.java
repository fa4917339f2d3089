package io.visionhub.enterprise.component;

import io.visionhub.ledger.InspectionLedger;
import org.apache.camel.spi.Metadata;

/** Headers of the {@code enterprise:} component. */
public final class EnterpriseConstants {

    @Metadata(
            label = "producer",
            description = "Durable mode (out): the deliveries for the ledger step to write as "
                    + "outbox rows with the record, a List of io.visionhub.ledger.DeliveryRequest; the endpoint appends "
                    + "to those already there, each once",
            javaType = "java.util.List")
    public static final String DELIVERIES = InspectionLedger.HEADER_DELIVERIES;

    @Metadata(
            label = "producer",
            description = "Direct mode (out): the number the target system gave the document",
            javaType = "String")
    public static final String DOCUMENT_NUMBER = "VisionHubDocumentNumber";

    private EnterpriseConstants() {}
}
