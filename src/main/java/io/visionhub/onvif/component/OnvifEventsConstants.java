package io.visionhub.onvif.component;

import org.apache.camel.spi.Metadata;

/** Header names of the onvif-events component. */
public final class OnvifEventsConstants {

    @Metadata(label = "consumer", description = "Camera id (the endpoint's path)", javaType = "String")
    public static final String CAMERA = "CamelOnvifCamera";

    @Metadata(
            label = "consumer",
            description = "Topic of the event as the camera wrote it, e.g. tns1:Device/Trigger/DigitalInput",
            javaType = "String")
    public static final String TOPIC = "CamelOnvifTopic";

    @Metadata(
            label = "consumer",
            description = "The camera's time of the event (UtcTime), when it gave one",
            javaType = "java.time.Instant")
    public static final String UTC_TIME = "CamelOnvifUtcTime";

    @Metadata(
            label = "consumer",
            description = "The whole event (topic, time, property operation, source and data items)",
            javaType = "io.visionhub.onvif.OnvifEvent")
    public static final String EVENT = "CamelOnvifEvent";

    private OnvifEventsConstants() {}
}
