package io.visionhub.outputs.mqtt;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One message the hub publishes: topic, payload, QoS, retain flag, MQTT 5 content type and the schema version
 * user property (empty where the payload is not an inspection event). Encodes itself for the offline buffer.
 */
public record OutboundMessage(
        String topic, byte[] payload, int qos, boolean retained, String contentType, String schemaVersion) {

    private static final int FORMAT = 1;

    public byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + topic.length() + 64);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT);
            out.writeUTF(topic);
            out.writeByte(qos);
            out.writeBoolean(retained);
            out.writeUTF(contentType == null ? "" : contentType);
            out.writeUTF(schemaVersion == null ? "" : schemaVersion);
            out.writeInt(payload.length);
            out.write(payload);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static OutboundMessage decode(byte[] encoded) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded));
            int format = in.readByte();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown buffered message format " + format);
            }
            String topic = in.readUTF();
            int qos = in.readByte();
            boolean retained = in.readBoolean();
            String contentType = in.readUTF();
            String schemaVersion = in.readUTF();
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            return new OutboundMessage(topic, payload, qos, retained, contentType, schemaVersion);
        } catch (IOException e) {
            throw new IllegalArgumentException("corrupt buffered MQTT message: " + e.getMessage(), e);
        }
    }
}
