package io.visionhub.plc;

import io.visionhub.event.InspectionEvent;
import org.apache.camel.Body;
import org.apache.camel.Handler;

/**
 * Route step {@code bean:plcResultWriter}: writes the result to the station's PLC within the cycle budget (see
 * {@link PlcHandshake}); stations without a PLC mapping pass through. Takes and returns the event.
 */
public class PlcResultWriter {

    /** station -> the handshake of its PLC, or null when the station has none */
    private final java.util.function.Function<String, PlcHandshake> byStation;

    public PlcResultWriter(java.util.function.Function<String, PlcHandshake> byStation) {
        this.byStation = byStation;
    }

    /** One PLC for every station (or none). */
    public PlcResultWriter(PlcHandshake handshake) {
        this(station -> handshake);
    }

    @Handler
    public InspectionEvent write(@Body InspectionEvent event) {
        if (event == null) {
            throw new IllegalArgumentException("plcResultWriter needs an InspectionEvent body, got none");
        }
        PlcHandshake handshake = byStation.apply(event.station());
        if (handshake != null) {
            handshake.writeResult(event);
        }
        return event;
    }
}
