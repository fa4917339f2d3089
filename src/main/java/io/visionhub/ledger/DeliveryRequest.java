package io.visionhub.ledger;

/**
 * One enterprise delivery that a rule decided on, written to the outbox with the record.
 *
 * @param target       target name as configured (e.g. "sap-qm", "maximo", "oracle-wo", "webhook")
 * @param documentType the business document (e.g. "QUALITY_NOTIFICATION", "MAINTENANCE_NOTIFICATION", "WORK_ORDER")
 * @param key          idempotency key sent to the target as the external reference (usually the inspection id,
 *                     or a rule's window key when one document covers several inspections)
 */
public record DeliveryRequest(String target, String documentType, String key) {}
