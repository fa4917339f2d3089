package io.visionhub.outputs;

import io.visionhub.event.InspectionEvent;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;

/**
 * The body check of the real-time output producers: the recorded inspection event itself, never a conversion of
 * something else (a JSON text is not published as if it were the recorded event).
 */
public final class InspectionEventBody {

    private InspectionEventBody() {}

    /**
     * The event in the body, or an {@link InvalidPayloadException} saying what the step does and what it got.
     *
     * @param what e.g. {@code "hub-mqtt:inspection publishes inspection results"}
     */
    public static InspectionEvent require(Exchange exchange, String what) throws InvalidPayloadException {
        Object body = exchange.getMessage().getBody();
        if (body instanceof InspectionEvent event) {
            return event;
        }
        throw new InvalidPayloadException(
                exchange,
                InspectionEvent.class,
                exchange.getMessage(),
                new IllegalArgumentException(what + ": the body must be an io.visionhub.event.InspectionEvent, got "
                        + (body == null ? "no body" : body.getClass().getName())));
    }
}
