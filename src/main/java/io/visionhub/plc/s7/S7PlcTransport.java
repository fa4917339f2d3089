package io.visionhub.plc.s7;

import io.visionhub.plc.PlcProperties;
import io.visionhub.plc.plc4x.Plc4xPlcTransport;
import java.util.EnumSet;
import java.util.Set;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.plc4x.java.api.model.PlcTag;
import org.apache.plc4x.java.s7.readwrite.MemoryArea;
import org.apache.plc4x.java.s7.readwrite.TransportSize;
import org.apache.plc4x.java.s7.readwrite.tag.S7PlcTagHandler;
import org.apache.plc4x.java.s7.readwrite.tag.S7Tag;

/**
 * The PLC handshake over Siemens S7 (ISO-on-TCP, port 102), through Apache PLC4X's S7 driver
 * ({@link Plc4xPlcTransport} polls and writes). Addresses in PLC4X tag syntax, usually in a data block:
 * {@code %DB10:0.0:BOOL} (byte 0, bit 0), {@code %DB10:2:DINT}, {@code %DB10:6:INT}; markers
 * ({@code %M0.0:BOOL}) and outputs work too. Bits are BOOL; numbers, the part id included, are integers (INT, DINT,
 * WORD, DWORD, ...). The hub never writes the inputs area (I): the PLC overwrites it every scan. A STRING part id is
 * not supported: the test's S7 server (node-snap7) cannot serve text items, so it could not be tested (docs/plc.md).
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

    /** Checks every station's address map; a bad address, type or area is refused here. */
    public S7PlcTransport(PlcProperties props, ExecutorServiceManager executors) {
        super(props, executors, "S7", "s7://", "s7://192.168.0.10?remote-rack=0&remote-slot=1&controller-type=S7_1500");
    }

    @Override
    protected void checkAddress(String where, String address, boolean bit, boolean written) {
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
        if (!bit && !INTEGERS.contains(type)) {
            throw new IllegalArgumentException(where + ": this signal is a number; give it an integer type (INT, "
                    + "DINT, WORD, DWORD, ...), not " + type);
        }
        if (written && tag.getMemoryArea() == MemoryArea.INPUTS) {
            throw new IllegalArgumentException(where + ": the hub writes this signal, but the PLC overwrites the "
                    + "inputs area (I) from its input modules every scan; use a data block, a marker or an output");
        }
    }

    /** As the driver parses it (its handler knows every address form). */
    private static S7Tag parse(String address) {
        PlcTag tag = new S7PlcTagHandler().parseTag(address);
        if (tag instanceof S7Tag s7) {
            return s7;
        }
        throw new IllegalArgumentException(
                "not a memory address but " + tag.getClass().getSimpleName());
    }

    @Override
    protected Object partIdValue(String address, String partId) {
        try {
            return Long.parseLong(partId.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "part id '" + partId + "' is not a number, and S7 address " + address + " holds a number");
        }
    }
}
