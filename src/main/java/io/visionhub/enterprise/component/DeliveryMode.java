package io.visionhub.enterprise.component;

/** How an {@code enterprise:} endpoint delivers. */
public enum DeliveryMode {
    /**
     * Through the outbox: the endpoint adds a delivery request to the deliveries header, the ledger step writes
     * it as an outbox row in the transaction of the record, and the outbox deliverer makes the document with
     * retries and backoff. The step goes before the ledger step.
     */
    durable,
    /** Now, in the route: the document number comes back in a header; nothing retries a failure. */
    direct
}
