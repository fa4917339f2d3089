package io.visionhub.enterprise;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Creates one business document in one target system, idempotently: when an earlier attempt may have reached
 * the target ({@code mayExist}), it first looks the document up by the external reference the mapping put in
 * the payload and only creates it when none exists, so a retry after a lost answer never makes a second
 * document. A first attempt (nobody sent anything yet) skips the lookup: one round trip instead of two.
 */
public interface TargetClient {

    /**
     * @param payload     the mapped payload (output of the target's mapping template)
     * @param deliveryKey the outbox delivery key (inspection id or a rule's window key)
     * @param mayExist    an earlier attempt may have created the document: look it up first
     * @return the document number the target assigned (or already had for this reference)
     * @throws DeliveryException when no document could be confirmed
     */
    String deliver(ObjectNode payload, String deliveryKey, boolean mayExist);

    /** Name of the payload field that carries the external reference this client looks up by. */
    String referenceField();
}
