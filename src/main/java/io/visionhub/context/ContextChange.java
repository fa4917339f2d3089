package io.visionhub.context;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.visionhub.event.ProductionContext;
import java.time.Instant;

/**
 * One accepted context push, or a reset of the line, as the history shows it.
 *
 * @param context    the context version (productionOrder null: production ended, or the line was reset)
 * @param receivedAt when the hub accepted it
 * @param source     how it came: REST, OPCUA, or RESET for a reset of the line
 * @param principal  who pushed it (user name or api-key:name, or the OPC UA endpoint)
 * @param epoch      the line's epoch: 0 until the first reset, one more with each reset (versions count per epoch)
 * @param reason     why the line was reset (RESET only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ContextChange(
        ProductionContext context, Instant receivedAt, String source, String principal, Long epoch, String reason) {

    /** Source of a reset's row. */
    public static final String RESET = "RESET";

    public ContextChange(ProductionContext context, Instant receivedAt, String source, String principal) {
        this(context, receivedAt, source, principal, 0L, null);
    }

    public ContextChange {
        epoch = epoch == null ? 0L : epoch;
    }
}
