package io.visionhub.plc.component;

import org.apache.camel.spi.Metadata;

/** Header names of the plc component. */
public final class PlcConstants {

    @Metadata(label = "consumer", description = "Station whose PLC raised the trigger", javaType = "String")
    public static final String STATION = "CamelPlcStation";

    @Metadata(
            label = "consumer",
            description = "Part id the PLC showed at the trigger's rising edge",
            javaType = "String")
    public static final String PART_ID = "CamelPlcPartId";

    @Metadata(
            label = "consumer",
            description = "Number of the part cycle at the station (in trigger order)",
            javaType = "Long")
    public static final String CYCLE = "CamelPlcCycle";

    @Metadata(label = "consumer", description = "When the hub saw the trigger", javaType = "java.time.Instant")
    public static final String TRIGGERED_AT = "CamelPlcTriggeredAt";

    @Metadata(
            label = "consumer",
            description = "When the part's result must be on the PLC; after it the fail-safe " + "applies",
            javaType = "java.time.Instant")
    public static final String DEADLINE = "CamelPlcDeadline";

    @Metadata(
            label = "producer",
            description = "What became of the result: CONFIRMED (on the PLC before the "
                    + "deadline), MISSED (fail-safe recorded), LATE (the part had already failed safe), UNMAPPED (no PLC for "
                    + "the station)",
            javaType = "String")
    public static final String OUTCOME = "CamelPlcOutcome";

    private PlcConstants() {}
}
