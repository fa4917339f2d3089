package io.visionhub.event;

import java.time.Instant;

/**
 * A PLC raised the trigger of a station: capture the frame of this moment and inspect it; the result must carry the
 * same part id and reach the PLC before the deadline. cycle: the part cycle's number at the station (in trigger
 * order). Made by the {@code plc:} consumer, taken by the {@code vision:} producer in triggered mode.
 */
public record PartTrigger(String station, String partId, long cycle, Instant triggeredAt, Instant deadline) {}
