package io.visionhub.plc.s7;

import io.visionhub.plc.PlcProperties;
import io.visionhub.plc.plc4x.Plc4xPlcTransport;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.plc4x.java.api.model.PlcTag;
import org.apache.plc4x.java.api.value.PlcValue;
import org.apache.plc4x.java.s7.readwrite.MemoryArea;
import org.apache.plc4x.java.s7.readwrite.TransportSize;
import org.apache.plc4x.java.s7.readwrite.tag.S7PlcTagHandler;
import org.apache.plc4x.java.s7.readwrite.tag.S7Tag;
import org.apache.plc4x.java.spi.values.PlcRawByteArray;

/**
 * The PLC handshake over Siemens S7 (ISO-on-TCP, port 102), through Apache PLC4X's S7 driver
 * ({@link Plc4xPlcTransport} polls and writes). Addresses in PLC4X tag syntax, usually in a data block:
 * {@code %DB10:0.0:BOOL} (byte 0, bit 0), {@code %DB10:2:DINT}, {@code %DB10:6:INT}; markers
 * ({@code %M0.0:BOOL}) and outputs work too. Bits are BOOL; numbers are integers (INT, DINT, WORD, DWORD, ...); the
 * part id (and result part id) may also be text in a data block: {@code %DB10:20:STRING(16)} (ASCII) or
 * {@code %DB10:40:WSTRING(16)} (UTF-16). The hub never writes the inputs area (I): the PLC overwrites it every scan.
 * <p>
 * Text is read and written as the bytes of the S7 layout ({@link S7Text}), not through the driver's string type: the
 * hub then checks what the PLC holds (declared and current length, characters) and refuses bad data by name instead
 * of taking a garbled id, and every S7 server that serves bytes serves it (the test's Snap7 does not serve text items).
 */
public class S7PlcTransport extends Plc4xPlcTransport {

    private static final Set<TransportSize> INTEGERS = EnumSet.of(
            TransportSize.BYTE,
            TransportSize.WORD,
            TransportSize.DWORD,
            TransportSize.LWORD,
            TransportSize.INT,
            TransportSize.UINT,
            TransportSize.SINT,
            TransportSize.USINT,
            TransportSize.DINT,
            TransportSize.UDINT,
            TransportSize.LINT,
            TransportSize.ULINT);

    /** Stands for "a number" in {@link #texts}. */
    private static final S7Text NUMBER = new S7Text(false, 1, 0, 0);

    /** Part id addresses and their text layout (NUMBER: none). */
    private final Map<String, S7Text> texts = new ConcurrentHashMap<>();

    /** Checks every station's address map; a bad address, type or area is refused here. */
    public S7PlcTransport(PlcProperties props, ExecutorServiceManager executors) {
        super(props, executors, "S7", "s7://", "s7://192.168.0.10?remote-rack=0&remote-slot=1&controller-type=S7_1500");
    }

    @Override
    protected void checkAddress(String where, String address, boolean bit, boolean written, boolean text) {
        S7Tag tag;
        try {
            tag = parse(address);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    where + " is not an S7 address (" + e.getMessage() + "); expected e.g. "
                            + "%DB10:0.0:BOOL, %DB10:2:DINT, %DB10:6:INT, %M0.0:BOOL",
                    e);
        }
        TransportSize type = tag.getDataType();
        if (tag.getNumberOfElements() != 1) {
            throw new IllegalArgumentException(where + ": one value, not an array of " + tag.getNumberOfElements());
        }
        if (bit && type != TransportSize.BOOL) {
            throw new IllegalArgumentException(where + ": this signal is a bit; give it the type BOOL with a bit "
                    + "offset (e.g. %DB10:0.0:BOOL), not " + type);
        }
        if (text && (type == TransportSize.STRING || type == TransportSize.WSTRING)) {
            S7Text.of(where, tag); // a data block and a length the layout allows
        } else if (!bit && !INTEGERS.contains(type)) {
            throw new IllegalArgumentException(where + ": this signal is a number; give it an integer type (INT, "
                    + "DINT, WORD, DWORD, ...)" + (text ? " or, for a part id, STRING(n) or WSTRING(n)" : "")
                    + ", not " + type);
        }
        if (written && tag.getMemoryArea() == MemoryArea.INPUTS) {
            throw new IllegalArgumentException(where + ": the hub writes this signal, but the PLC overwrites the "
                    + "inputs area (I) from its input modules every scan; use a data block, a marker or an output");
        }
    }

    /** As the driver parses it (its handler knows every address form). */
    static S7Tag parse(String address) {
        PlcTag tag = new S7PlcTagHandler().parseTag(address);
        if (tag instanceof S7Tag s7) {
            return s7;
        }
        throw new IllegalArgumentException(
                "not a memory address but " + tag.getClass().getSimpleName());
    }

    @Override
    protected String wireAddress(String address) {
        S7Text t = text(address);
        return t == null ? address : t.wireAddress();
    }

    @Override
    protected String partIdOf(String address, PlcValue v) {
        S7Text t = text(address);
        if (t == null) {
            return super.partIdOf(address, v);
        }
        if (v instanceof PlcRawByteArray raw) {
            return t.decode(raw.getRaw());
        }
        List<? extends PlcValue> items = v.isList() ? v.getList() : List.of(v);
        byte[] bytes = new byte[items.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) items.get(i).getShort();
        }
        return t.decode(bytes);
    }

    /** The text layout of a part id address, null when it is a number (parsed once per address). */
    private S7Text text(String address) {
        S7Text t = texts.computeIfAbsent(address, a -> {
            S7Tag tag = parse(a);
            return tag.getDataType() == TransportSize.STRING || tag.getDataType() == TransportSize.WSTRING
                    ? S7Text.of(a, tag)
                    : NUMBER;
        });
        return t == NUMBER ? null : t;
    }

    @Override
    protected Object partIdValue(String address, String partId) {
        S7Text t = text(address);
        if (t != null) {
            // the driver writes a BYTE array from the value's raw bytes
            return new PlcRawByteArray(t.encode(partId));
        }
        try {
            return Long.parseLong(partId.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "part id '" + partId + "' is not a number, and S7 address " + address + " holds a number");
        }
    }
}
