package io.visionhub.ledger.camel;

import io.visionhub.ledger.InspectionLedger;
import org.apache.camel.spi.Metadata;

/** Header names of the {@code ledger:} component (the same names the rest of the hub already uses). */
public final class LedgerConstants {

    @Metadata(
            label = "producer",
            description = "ledger:record reads: the enterprise deliveries (List of "
                    + "io.visionhub.ledger.DeliveryRequest) the route's rules decided on, written to the outbox with the "
                    + "record; set by kamelet:enterprise-rules-action and the durable *-sink kamelets",
            javaType = "java.util.List<io.visionhub.ledger.DeliveryRequest>")
    public static final String DELIVERIES = InspectionLedger.HEADER_DELIVERIES;

    @Metadata(
            label = "producer",
            description = "ledger:record sets: the ledger sequence number of the record",
            javaType = "Long")
    public static final String SEQUENCE = InspectionLedger.HEADER_SEQUENCE;

    @Metadata(
            label = "producer",
            description = "ledger:record sets: the record's RFC 6962 leaf hash (hex), the "
                    + "receipt an auditor checks an inclusion proof against",
            javaType = "String")
    public static final String LEAF_HASH = "VisionHubLedgerLeafHash";

    @Metadata(
            label = "consumer",
            description = "ledger:heads sets: the number of records the signed head covers",
            javaType = "Long")
    public static final String TREE_SIZE = "VisionHubLedgerTreeSize";

    @Metadata(
            label = "consumer",
            description = "ledger:heads sets: the id of the key that signed the head",
            javaType = "String")
    public static final String KEY_ID = "VisionHubLedgerKeyId";

    /**
     * Exchange property (not a header), a {@link java.util.concurrent.Executor}: where set, {@code ledger:record}
     * does not hold the calling thread while the record is committed; the rest of the route runs on this executor
     * once the commit is durable, in the order the records were queued (see LedgerRecordProducer).
     * {@code mqtt-input:} sets its lane here.
     */
    public static final String CONTINUE_ON = "VisionHubLedgerContinueOn";

    private LedgerConstants() {}
}
