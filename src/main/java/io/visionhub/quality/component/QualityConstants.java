package io.visionhub.quality.component;

import org.apache.camel.spi.Metadata;

/** Headers of the exchanges {@code from: quality:alarms} gives. */
public final class QualityConstants {

    @Metadata(label = "consumer", description = "RAISED or CLEARED", javaType = "String")
    public static final String ALARM_STATE = "CamelQualityAlarmState";

    @Metadata(
            label = "consumer",
            description = "The alarm's line as one MQTT topic level followed by /alarms (separators and wildcards "
                    + "replaced by _; _/alarms without a line), for hub-mqtt: topics under <root>/<site>/",
            javaType = "String")
    public static final String ALARM_TOPIC = "CamelQualityAlarmTopic";

    @Metadata(
            label = "consumer",
            description = "The line's active alarms after this change (List of QualityAlarm), newest first",
            javaType = "java.util.List")
    public static final String LINE_ACTIVE = "CamelQualityAlarmLineActive";

    private QualityConstants() {}
}
