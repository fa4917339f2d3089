package io.visionhub.enterprise;

import java.util.Map;

/**
 * Documents that cover more than one inspection and grow as parts come (a non-conformance and its items): the
 * outbox row of such a document carries the inspection it was raised for, and this source adds what the mapping
 * needs beyond that inspection. Registered on {@link DeliveryService#setGroupDocuments} by the concern that owns
 * the documents (quality, for NCRs).
 */
public interface GroupDocuments {

    /**
     * The extra input of one delivery, or null when the delivery is not one of this source's documents.
     *
     * @throws DeliveryException (transient) when the delivery must wait, e.g. for the document an item belongs to
     */
    Extra inputFor(String target, String documentType, String key);

    /**
     * @param mappingSuffix  appended to the target's mapping name ({@code sap-qm} + {@code -ncr}), so the
     *                       customer folder holds one template per document kind
     * @param input          added to the mapping input under its keys (e.g. {@code ncr})
     * @param parentDocument for an item: the number of the document in the target it is added to; null for a
     *                       document of its own
     */
    record Extra(String mappingSuffix, Map<String, Object> input, String parentDocument) {}
}
