package io.visionhub.plc.s7;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.plc4x.java.s7.readwrite.MemoryArea;
import org.apache.plc4x.java.s7.readwrite.TransportSize;
import org.apache.plc4x.java.s7.readwrite.tag.S7StringFixedLengthTag;
import org.apache.plc4x.java.s7.readwrite.tag.S7Tag;

/**
 * The layout of an S7 text in a data block, read and written as its bytes. {@code STRING(n)}: byte 0 the declared
 * maximum n, byte 1 the current length, then n bytes of characters (ASCII here). {@code WSTRING(n)}: a word with n, a
 * word with the current length, then n UTF-16 (big-endian) characters. A PLC initialises the header from the
 * declaration; a text of all zeros (header 0/0: a data block never initialised) reads as empty.
 *
 * @param wide WSTRING (else STRING)
 * @param length the declared maximum number of characters, n
 */
record S7Text(boolean wide, int length, int db, int offset) {

    /** Bytes of the largest text, so that it fits one request of the smallest S7 PDU (240 bytes) with its header. */
    static final int MAX_BYTES = 200;

    /** The layout of a STRING(n) or WSTRING(n) tag; refused, naming {@code where}, outside a data block or too long. */
    static S7Text of(String where, S7Tag tag) {
        boolean wide = tag.getDataType() == TransportSize.WSTRING;
        String type = wide ? "WSTRING" : "STRING";
        if (tag.getMemoryArea() != MemoryArea.DATA_BLOCKS) {
            throw new IllegalArgumentException(
                    where + ": a " + type + " part id must be in a data block, e.g. %DB10:20:" + type + "(16), not in "
                            + tag.getMemoryArea());
        }
        // without a length the driver takes S7's default, 254 characters
        int n = tag instanceof S7StringFixedLengthTag f ? f.getStringLength() : 254;
        S7Text t = new S7Text(wide, n, tag.getBlockNumber(), tag.getByteOffset());
        if (n < 1 || t.bytes() > MAX_BYTES) {
            throw new IllegalArgumentException(where + ": " + type + "(" + n + ") is " + t.bytes() + " bytes; a part id"
                    + " text holds 1 to " + t.maxLength() + " characters (" + MAX_BYTES + " bytes with its header fit"
                    + " one S7 request)");
        }
        return t;
    }

    private int header() {
        return wide ? 4 : 2;
    }

    private int maxLength() {
        return (MAX_BYTES - header()) / (wide ? 2 : 1);
    }

    /** The whole text's size in the data block: header and n characters. */
    int bytes() {
        return header() + length * (wide ? 2 : 1);
    }

    /** The address the driver reads and writes: the text's bytes. */
    String wireAddress() {
        return "%DB" + db + ":" + offset + ":BYTE[" + bytes() + "]";
    }

    private String type() {
        return (wide ? "WSTRING(" : "STRING(") + length + ") at %DB" + db + ":" + offset;
    }

    /** The part id the PLC holds; IllegalArgumentException naming what is wrong with bad data. */
    String decode(byte[] b) {
        if (b.length != bytes()) {
            throw new IllegalArgumentException(
                    "the PLC answered " + b.length + " bytes for the " + type() + ", not " + bytes());
        }
        int declared = wide ? (b[0] & 0xff) << 8 | b[1] & 0xff : b[0] & 0xff;
        int current = wide ? (b[2] & 0xff) << 8 | b[3] & 0xff : b[1] & 0xff;
        if (declared == 0 && current == 0) {
            return ""; // never initialised: no part id yet
        }
        if (declared != length) {
            throw new IllegalArgumentException("the PLC's text at %DB" + db + ":" + offset + " declares a maximum of "
                    + declared + " characters, but the hub's map says " + type()
                    + ": the map does not match the data block");
        }
        if (current > declared) {
            throw new IllegalArgumentException("the PLC's " + type() + " says it holds " + current
                    + " characters, more than its maximum (the text is corrupt)");
        }
        String text;
        if (wide) {
            try {
                text = StandardCharsets.UTF_16BE
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b, 4, current * 2))
                        .toString();
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException(
                        "the PLC's " + type() + " is not valid UTF-16 (an unpaired surrogate)", e);
            }
        } else {
            for (int i = 0; i < current; i++) {
                int c = b[2 + i] & 0xff;
                if (c < 0x20 || c > 0x7e) {
                    throw new IllegalArgumentException(String.format(
                            "the PLC's %s holds byte 0x%02X at character %d, not printable ASCII (map a part id with "
                                    + "other characters to a WSTRING)",
                            type(), c, i + 1));
                }
            }
            text = new String(b, 2, current, StandardCharsets.US_ASCII);
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                throw new IllegalArgumentException(String.format(
                        "the PLC's %s holds the control character U+%04X at character %d",
                        type(), (int) text.charAt(i), i + 1));
            }
        }
        return text.strip();
    }

    /** The bytes of the whole text for this part id; IllegalArgumentException when it does not fit the layout. */
    byte[] encode(String partId) {
        int chars = partId.length();
        if (chars > length) {
            throw new IllegalArgumentException(
                    "part id '" + partId + "' has " + chars + " characters, more than the " + type() + " holds");
        }
        ByteBuffer out = ByteBuffer.allocate(bytes());
        if (wide) {
            if (!StandardCharsets.UTF_16BE.newEncoder().canEncode(partId)) {
                throw new IllegalArgumentException(
                        "part id '" + partId + "' is not valid text (an unpaired surrogate)");
            }
            out.putShort((short) length).putShort((short) chars).put(partId.getBytes(StandardCharsets.UTF_16BE));
        } else {
            for (int i = 0; i < chars; i++) {
                char c = partId.charAt(i);
                if (c < 0x20 || c > 0x7e) {
                    throw new IllegalArgumentException(String.format(
                            "part id '%s' has the character U+%04X at %d, which is not printable ASCII: the %s holds"
                                    + " ASCII (map the part id to a WSTRING for other characters)",
                            partId, (int) c, i + 1, type()));
                }
            }
            out.put((byte) length).put((byte) chars).put(partId.getBytes(StandardCharsets.US_ASCII));
        }
        return out.array(); // the rest stays zero: no characters of an older, longer id
    }
}
