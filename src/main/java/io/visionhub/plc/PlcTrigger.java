package io.visionhub.plc;

import java.time.Instant;

/**
 * A PLC raised the trigger of a station: capture the frame of this moment and inspect it; the result must carry
 * the same part id and reach the PLC before the deadline.
 */
public record PlcTrigger(String station, String partId, Instant triggeredAt, Instant deadline) {
}
