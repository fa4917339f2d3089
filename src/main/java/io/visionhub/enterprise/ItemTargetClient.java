package io.visionhub.enterprise;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A target whose documents take items after they are created (SAP QM notification items): adds one item to an
 * existing document, idempotently as {@link TargetClient#deliver} creates documents (looked up first when an earlier
 * attempt may have reached the target).
 */
public interface ItemTargetClient {

    /**
     * @param parentNumber the document number the item is added to
     * @param payload      the mapped item
     * @param deliveryKey  the outbox delivery key of the item
     * @param mayExist     an earlier attempt may have added it: look it up first
     * @return the item's number in the target (e.g. 200000012/0003)
     */
    String addItem(String parentNumber, ObjectNode payload, String deliveryKey, boolean mayExist);
}
