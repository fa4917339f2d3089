package io.visionhub.context;

import io.visionhub.event.ProductionContext;

import java.time.Instant;

/**
 * One accepted context push, as the history shows it.
 *
 * @param context    the context version (productionOrder null: production ended)
 * @param receivedAt when the hub accepted it
 * @param source     how it came: REST, OPCUA
 * @param principal  who pushed it (user name or api-key:name, or the OPC UA endpoint)
 */
public record ContextChange(ProductionContext context, Instant receivedAt, String source, String principal) {
}
