package io.visionhub.plc;

import io.visionhub.event.InspectionEvent;
import org.apache.camel.Body;
import org.apache.camel.Handler;

/**
 * Route step {@code bean:plcResultWriter}: writes the result to the station's PLC within the cycle budget (see
 * {@link PlcHandshake}); stations without a PLC mapping pass through. Takes and returns the event.
 */
public class PlcResultWriter {

    private final PlcHandshake handshake;

    public PlcResultWriter(PlcHandshake handshake) {
        this.handshake = handshake;
    }

    @Handler
    public InspectionEvent write(@Body InspectionEvent event) {
        if (event == null) {
            throw new IllegalArgumentException("plcResultWriter needs an InspectionEvent body, got none");
        }
        if (handshake != null) {
            handshake.writeResult(event);
        }
        return event;
    }
}
