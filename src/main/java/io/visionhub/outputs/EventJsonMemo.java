package io.visionhub.outputs;

import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The event's JSON ({@link EventJson}) written once for the real-time outputs of one inspection: the OPC UA station
 * nodes (LastResult/Json and the 40100 result's content) and the MQTT payload. Jackson wrote the same event once per
 * output before (Jackson ~9 % of the lanes' CPU in the JFR of NodeRedSideBySideBench, issue 21).
 *
 * <p>The inspection route calls its outputs one after the other on the inspection's thread (routes/demo.yaml), so each
 * thread keeps the last event it wrote with its JSON; an output that gets the same event object (by identity: an
 * {@link InspectionEvent} is an immutable record) takes that JSON, any other event is written anew. A miss costs one
 * serialisation, as before; the bytes are exactly those of {@link EventJson#toBytes}, the text those of
 * {@link EventJson#toJson}.
 */
public final class EventJsonMemo {

    private static final ThreadLocal<Written> LAST = new ThreadLocal<>();

    private EventJsonMemo() {}

    /** The event as UTF-8 JSON, as {@link EventJson#toBytes} writes it; callers must not change the array. */
    public static byte[] bytes(InspectionEvent event) {
        return written(event).bytes;
    }

    /** The event as JSON text, exactly as {@link EventJson#toJson} writes it. */
    public static String text(InspectionEvent event) {
        Written w;
        try {
            w = written(event);
        } catch (UncheckedIOException e) {
            return EventJson.toJson(event); // what the UTF-8 writer refuses, the text writer may still write
        }
        String t = w.text;
        if (t == null) {
            // Jackson's UTF-8 and text writers differ only in escapes (the UTF-8 one escapes a character outside the
            // BMP as a surrogate pair, the text one writes it as is): JSON without a backslash is the same text
            t = hasBackslash(w.bytes) ? EventJson.toJson(event) : new String(w.bytes, StandardCharsets.UTF_8);
            w.text = t;
        }
        return t;
    }

    private static boolean hasBackslash(byte[] json) {
        for (byte b : json) {
            if (b == '\\') {
                return true;
            }
        }
        return false;
    }

    private static Written written(InspectionEvent event) {
        Written w = LAST.get();
        if (w != null && w.event == event) {
            return w;
        }
        w = new Written(event, EventJson.toBytes(event));
        LAST.set(w);
        return w;
    }

    /** One event and its JSON, on one thread only. */
    private static final class Written {
        final InspectionEvent event;
        final byte[] bytes;
        String text;

        Written(InspectionEvent event, byte[] bytes) {
            this.event = event;
            this.bytes = bytes;
        }
    }
}
