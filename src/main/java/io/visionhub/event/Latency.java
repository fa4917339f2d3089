package io.visionhub.event;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where the time of one inspection went, in milliseconds.
 *
 * @param triggerToExposureMs PLC-triggered inspections only (else null, and absent from the JSON): from the PLC's
 *                            trigger to the start of the frame's exposure, as the hub estimates it (docs/event.md)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Latency(
        double decodeMs,
        double preprocessMs,
        double inferenceMs,
        double postprocessMs,
        double totalMs,
        Double triggerToExposureMs) {

    /** The latency of a free-running inspection (no trigger). */
    public Latency(double decodeMs, double preprocessMs, double inferenceMs, double postprocessMs, double totalMs) {
        this(decodeMs, preprocessMs, inferenceMs, postprocessMs, totalMs, null);
    }

    /** A copy with the trigger-to-exposure delay set. */
    public Latency withTriggerToExposureMs(Double ms) {
        return new Latency(decodeMs, preprocessMs, inferenceMs, postprocessMs, totalMs, ms);
    }
}
