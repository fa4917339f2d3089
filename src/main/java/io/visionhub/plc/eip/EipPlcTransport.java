package io.visionhub.plc.eip;

import io.visionhub.plc.PlcProperties;
import io.visionhub.plc.plc4x.Plc4xPlcTransport;
import java.util.Map;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.plc4x.java.eip.base.tag.EipTag;
import org.apache.plc4x.java.eip.readwrite.CIPDataTypeCode;

/**
 * The PLC handshake over EtherNet/IP (CIP explicit messages to named tags, as Rockwell Logix controllers serve them),
 * through Apache PLC4X's {@code eip} driver ({@link Plc4xPlcTransport} polls and writes). Addresses in PLC4X tag
 * syntax with the tag's type, which the driver's writes need: {@code %Vision_Trigger:BOOL},
 * {@code %Vision_PartId:DINT}, {@code %Vision_ResultCode:INT}. Bits are BOOL; numbers, the part id included, are
 * integers (SINT, INT, DINT, LINT and their unsigned forms).
 */
public class EipPlcTransport extends Plc4xPlcTransport {

    /** Integer types and the range of values each holds. */
    private static final Map<CIPDataTypeCode, long[]> INTEGERS = Map.of(
            CIPDataTypeCode.SINT, new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE},
            CIPDataTypeCode.INT, new long[] {Short.MIN_VALUE, Short.MAX_VALUE},
            CIPDataTypeCode.DINT, new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE},
            CIPDataTypeCode.LINT, new long[] {Long.MIN_VALUE, Long.MAX_VALUE},
            CIPDataTypeCode.USINT, new long[] {0, 0xFFL},
            CIPDataTypeCode.UINT, new long[] {0, 0xFFFFL},
            CIPDataTypeCode.UDINT, new long[] {0, 0xFFFF_FFFFL},
            CIPDataTypeCode.ULINT, new long[] {0, Long.MAX_VALUE});

    /** Checks every station's address map; a bad address or type is refused here. */
    public EipPlcTransport(PlcProperties props, ExecutorServiceManager executors) {
        super(props, executors, "EtherNet/IP", "eip://", "eip://192.168.0.14:44818?backplane=1&slot=0");
    }

    @Override
    protected void checkAddress(String where, String address, boolean bit, boolean written, boolean text) {
        EipTag tag = parse(where, address);
        CIPDataTypeCode type = tag.getType();
        if (tag.getElementNb() > 1) {
            throw new IllegalArgumentException(where + ": one value, not an array of " + tag.getElementNb());
        }
        if (bit && type != CIPDataTypeCode.BOOL) {
            throw new IllegalArgumentException(where
                    + ": this signal is a bit; give the tag the type BOOL (e.g. %Vision_Trigger:BOOL), not " + type);
        }
        if (!bit && !INTEGERS.containsKey(type)) {
            throw new IllegalArgumentException(where + ": this signal is a number; give the tag an integer type (INT,"
                    + " DINT, ...)" + (text ? "; text part ids are not supported over EtherNet/IP" : "")
                    + ", not " + type);
        }
    }

    private static EipTag parse(String where, String address) {
        // the driver's pattern takes almost anything; a tag without its type cannot be written, so the type is asked
        if (!address.startsWith("%") || !address.matches("%[A-Za-z_][A-Za-z_0-9.]*(\\[\\d+])?:[A-Z]+(:\\d+)?")) {
            throw new IllegalArgumentException(where + " is not an EtherNet/IP tag address with its type; expected"
                    + " e.g. %Vision_Trigger:BOOL, %Vision_PartId:DINT, %Vision_ResultCode:INT");
        }
        try {
            return EipTag.of(address);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    where + " is not an EtherNet/IP tag address (" + e.getMessage()
                            + "); expected e.g. %Vision_Trigger:BOOL, %Vision_PartId:DINT",
                    e);
        }
    }

    /**
     * PLC4X 0.13.1's eip driver sends each tag of a write as its own CIP request anyway, but reports a code for the
     * first tag only (the others read as no answer): one tag per request costs nothing and keeps every answer.
     */
    @Override
    protected boolean oneTagPerRequest() {
        return true;
    }

    @Override
    protected Object partIdValue(String address, String partId) {
        long value;
        try {
            value = Long.parseLong(partId.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "part id '" + partId + "' is not a number, and EtherNet/IP tag " + address + " holds a number");
        }
        long[] range = INTEGERS.get(EipTag.of(address).getType());
        if (value < range[0] || value > range[1]) {
            throw new IllegalArgumentException("part id " + value + " does not fit EtherNet/IP tag " + address + " ("
                    + range[0] + ".." + range[1] + ")");
        }
        return value;
    }
}
