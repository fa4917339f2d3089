package io.visionhub.plc;

import com.ghgande.j2mod.modbus.procimg.SimpleDigitalOut;
import com.ghgande.j2mod.modbus.procimg.SimpleProcessImage;
import com.ghgande.j2mod.modbus.procimg.SimpleRegister;
import com.ghgande.j2mod.modbus.slave.ModbusSlave;
import com.ghgande.j2mod.modbus.slave.ModbusSlaveFactory;
import io.visionhub.outputs.PortPicker;
import java.net.InetAddress;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A SIMULATOR of a PLC with a Modbus TCP server (j2mod's slave): per station, ten coils and ten holding registers
 * from {@code 10 * index} (protocol addresses, 0-based):
 * <pre>
 * coil  +0 Trigger   +1 TriggerAck   +2 Reject   +3 ResultReady   +4 Ack
 * holding register  +0..1 PartId (UDINT)   +2..3 ResultPartId (UDINT)   +4 ResultCode (INT)
 * </pre>
 * PLC4X addresses count from 1: coil +0 of station 0 is {@code coil:1}. A listener hears each coil write of the hub.
 */
public final class ModbusPlcSimulator implements SimulatedPlc {

    public static final int TRIGGER = 0;
    public static final int TRIGGER_ACK = 1;
    public static final int REJECT = 2;
    public static final int RESULT_READY = 3;
    public static final int ACK = 4;

    private final List<String> stations;
    private final SimpleProcessImage image = new SimpleProcessImage(1);
    private final ModbusSlave slave;
    private final int port;
    private volatile BiConsumer<String, Integer> onCoilWrite = (station, coil) -> {};

    public ModbusPlcSimulator(List<String> stations) throws Exception {
        this.stations = stations;
        for (int i = 0; i < stations.size() * 10; i++) {
            int address = i;
            image.addDigitalOut(new SimpleDigitalOut(false) {
                @Override
                public synchronized void set(boolean b) {
                    super.set(b);
                    onCoilWrite.accept(ModbusPlcSimulator.this.stations.get(address / 10), address % 10);
                }
            });
            image.addRegister(new SimpleRegister(0));
        }
        this.port = PortPicker.ephemeral("127.0.0.1");
        this.slave = ModbusSlaveFactory.createTCPSlave(InetAddress.getLoopbackAddress(), port, 8, false);
        slave.addProcessImage(1, image);
        slave.open();
    }

    public int port() {
        return port;
    }

    public String endpointUrl() {
        return "modbus-tcp://127.0.0.1:" + port + "?default-unit-identifier=1";
    }

    @Override
    public String endpointUrl(int port) {
        return "modbus-tcp://127.0.0.1:" + port;
    }

    /** The hub's address map of a station (PLC4X tag syntax, 1-based), as docs/plc.md shows it. */
    public PlcProperties.StationNodes mapping(String station) {
        int base = 10 * stations.indexOf(station) + 1;
        PlcProperties.StationNodes n = PlcProperties.StationNodes.defaults()
                .withProtocol("modbus")
                .withTrigger("coil:" + (base + TRIGGER))
                .withTriggerAck("coil:" + (base + TRIGGER_ACK))
                .withReject("coil:" + (base + REJECT))
                .withResultReady("coil:" + (base + RESULT_READY))
                .withPartId("holding-register:" + base + ":UDINT")
                .withResultPartId("holding-register:" + (base + 2) + ":UDINT")
                .withResultCode("holding-register:" + (base + 4) + ":INT");
        return n;
    }

    public void onCoilWrite(BiConsumer<String, Integer> listener) {
        this.onCoilWrite = listener;
    }

    public boolean coil(String station, int offset) {
        return image.getDigitalOut(10 * stations.indexOf(station) + offset).isSet();
    }

    public void setCoil(String station, int offset, boolean value) {
        image.getDigitalOut(10 * stations.indexOf(station) + offset).set(value);
    }

    public long partId(String station) {
        return udint(10 * stations.indexOf(station));
    }

    public long resultPartId(String station) {
        return udint(10 * stations.indexOf(station) + 2);
    }

    public short resultCode(String station) {
        return (short) image.getRegister(10 * stations.indexOf(station) + 4).getValue();
    }

    public void setPartId(String station, long id) {
        int at = 10 * stations.indexOf(station);
        image.getRegister(at).setValue((int) (id >>> 16));
        image.getRegister(at + 1).setValue((int) (id & 0xffff));
    }

    private long udint(int at) {
        return ((long) image.getRegister(at).getValue() << 16)
                | image.getRegister(at + 1).getValue();
    }

    /** PLC program, first half of a part: the part id, then the trigger. */
    @Override
    public void trigger(String station, long partId) {
        setPartId(station, partId);
        setCoil(station, TRIGGER, true);
    }

    /** The station's coils +0 to +3, in {@link Signal}'s order. */
    @Override
    public boolean signal(String station, Signal signal) {
        return coil(station, signal.ordinal());
    }

    @Override
    public void setSignal(String station, Signal signal, boolean value) {
        setCoil(station, signal.ordinal(), value);
    }

    /** Takes the place of the {@link #onCoilWrite} listener. */
    @Override
    public void onResultReady(Consumer<String> listener) {
        onCoilWrite((station, coil) -> {
            if (coil == RESULT_READY && coil(station, coil)) {
                listener.accept(station);
            }
        });
    }

    @Override
    public void close() {
        ModbusSlaveFactory.close(slave);
    }
}
