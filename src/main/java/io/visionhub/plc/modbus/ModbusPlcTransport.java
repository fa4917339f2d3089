package io.visionhub.plc.modbus;

import io.visionhub.plc.PlcProperties;
import io.visionhub.plc.plc4x.Plc4xPlcTransport;
import java.util.Map;
import org.apache.camel.spi.ExecutorServiceManager;
import org.apache.plc4x.java.modbus.base.tag.ModbusTag;
import org.apache.plc4x.java.modbus.base.tag.ModbusTagCoil;
import org.apache.plc4x.java.modbus.base.tag.ModbusTagDiscreteInput;
import org.apache.plc4x.java.modbus.base.tag.ModbusTagHoldingRegister;
import org.apache.plc4x.java.modbus.base.tag.ModbusTagInputRegister;

/**
 * The PLC handshake over Modbus TCP, through Apache PLC4X's driver ({@link Plc4xPlcTransport} polls and writes).
 * Addresses in PLC4X tag syntax ({@code coil:1}, {@code holding-register:10:UINT}); booleans on coils (read-only
 * trigger and ack may be discrete inputs), numbers on registers (read-only ones may be input registers), so the part
 * id is a number.
 */
public class ModbusPlcTransport extends Plc4xPlcTransport {

    /** Checks every station's address map; a bad address or a read-only area for a written signal is refused here. */
    public ModbusPlcTransport(PlcProperties props, ExecutorServiceManager executors) {
        super(
                props,
                executors,
                "Modbus TCP",
                "modbus-tcp://",
                "modbus-tcp://192.168.0.10:502?default-unit-identifier=1");
    }

    /** Parses the address as PLC4X does and checks its area: bits on coils, numbers on registers, writable if written. */
    @Override
    protected void checkAddress(String where, String address, boolean bit, boolean written, boolean text) {
        ModbusTag tag;
        try {
            tag = ModbusTag.of(address);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    where + " is not a Modbus address (" + e.getMessage() + "); expected e.g. "
                            + "coil:1, discrete-input:1, holding-register:10:UINT, input-register:10:UDINT",
                    e);
        }
        boolean isBit = tag instanceof ModbusTagCoil || tag instanceof ModbusTagDiscreteInput;
        boolean isRegister = tag instanceof ModbusTagHoldingRegister || tag instanceof ModbusTagInputRegister;
        if (bit && !isBit) {
            throw new IllegalArgumentException(where + ": this signal is a bit; map it to a coil"
                    + (written ? "" : " or discrete input") + " (e.g. coil:1)");
        }
        if (!bit && !isRegister) {
            throw new IllegalArgumentException(where + ": this signal is a number; map it to a holding register"
                    + (written ? "" : " or input register") + " (e.g. holding-register:10:UINT)");
        }
        if (written && (tag instanceof ModbusTagDiscreteInput || tag instanceof ModbusTagInputRegister)) {
            throw new IllegalArgumentException(where + ": the hub writes this signal, but discrete inputs and input "
                    + "registers are read-only in Modbus; use a coil or holding register");
        }
    }

    @Override
    protected Object partIdValue(String address, String partId) {
        long value;
        try {
            value = Long.parseLong(partId.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "part id '" + partId + "' is not a number, and Modbus register " + address + " holds numbers");
        }
        // refused here, before anything is sent: PLC4X fails a value too big for the register's type as a failed
        // request, which would read as the PLC not answering (down) rather than as this part's bad id
        long[] range = INTEGERS.get(ModbusTag.of(address).getDataType().name());
        if (range != null && (value < range[0] || value > range[1])) {
            throw new IllegalArgumentException("part id " + value + " does not fit Modbus register " + address + " ("
                    + range[0] + ".." + range[1] + ")");
        }
        return value;
    }

    /** Integer register types and the range of values each holds. */
    private static final Map<String, long[]> INTEGERS = Map.of(
            "SINT", new long[] {Byte.MIN_VALUE, Byte.MAX_VALUE},
            "INT", new long[] {Short.MIN_VALUE, Short.MAX_VALUE},
            "DINT", new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE},
            "LINT", new long[] {Long.MIN_VALUE, Long.MAX_VALUE},
            "USINT", new long[] {0, 0xFFL},
            "UINT", new long[] {0, 0xFFFFL},
            "WORD", new long[] {0, 0xFFFFL},
            "UDINT", new long[] {0, 0xFFFF_FFFFL},
            "DWORD", new long[] {0, 0xFFFF_FFFFL},
            "ULINT", new long[] {0, Long.MAX_VALUE});
}
