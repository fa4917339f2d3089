package io.visionhub.quality.ncr;

import java.time.Instant;
import java.util.List;

/**
 * A non-conformance as the register holds it (GET /api/quality/ncrs/{id}).
 *
 * @param id              the hub's NCR id
 * @param ledgerSeq       sequence of its NCR_OPENED record
 * @param line            line
 * @param station         station of the part that opened it
 * @param productionOrder order it is about
 * @param defectClass     defect class it is about
 * @param product         product of the order
 * @param batch           batch of the part that opened it
 * @param trigger         RULE (N NG of the class within the window) or DISPOSITION (a signed REJECT/REWORK)
 * @param triggerDetail   what exactly opened it
 * @param status          OPEN or CLOSED
 * @param openedAt        when it was opened
 * @param items           the parts, in the order they were added (only in the single view)
 * @param itemCount       number of parts
 * @param documents       the enterprise documents raised for it: target, number, delivery status
 * @param closure         the signed closure, null while open
 */
public record Ncr(
        String id,
        long ledgerSeq,
        String line,
        String station,
        String productionOrder,
        String defectClass,
        String product,
        String batch,
        String trigger,
        String triggerDetail,
        String status,
        Instant openedAt,
        List<Item> items,
        int itemCount,
        List<Document> documents,
        Closure closure) {

    public static final String OPEN = "OPEN";
    public static final String CLOSED = "CLOSED";

    /** One part of the NCR: item number, its NCR_ITEM_ADDED record, the inspection and its annotated image. */
    public record Item(
            int itemNo,
            long ledgerSeq,
            String inspectionId,
            long inspectionSeq,
            Instant addedAt,
            Instant captureTime,
            String station,
            String partId,
            String imageUri,
            String annotatedUri) {}

    /**
     * The NCR's document in one target.
     *
     * @param target         enterprise target
     * @param documentNumber the document number there, null until delivered
     * @param status         delivery status of the document's outbox row (PENDING, DELIVERED, PARKED, CANCELLED)
     * @param items          items raised in that target, and how many of them are delivered
     * @param itemsDelivered items delivered
     * @param lastError      last delivery error of the document or an item, if any
     */
    public record Document(
            String target, String documentNumber, String status, int items, int itemsDelivered, String lastError) {}

    /** The signed closure. */
    public record Closure(
            long ledgerSeq, String user, String printedName, String meaning, String reason, Instant closedAt) {}

    Ncr withDetails(List<Item> items, List<Document> documents) {
        return new Ncr(
                id,
                ledgerSeq,
                line,
                station,
                productionOrder,
                defectClass,
                product,
                batch,
                trigger,
                triggerDetail,
                status,
                openedAt,
                items,
                itemCount,
                documents,
                closure);
    }
}
