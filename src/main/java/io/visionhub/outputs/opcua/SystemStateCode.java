package io.visionhub.outputs.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.eclipse.milo.opcua.stack.core.encoding.DefaultEncodingContext;
import org.eclipse.milo.opcua.stack.core.encoding.binary.OpcUaBinaryEncoder;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;

/**
 * OPC 40100-1 SystemStateDataType (SEMI E10 states) and how the hub derives it: PRD while the station is
 * Operational and has produced results, SBY when it is ready but has none yet, SDT when its camera route was
 * stopped (Halted), UDT when its camera was lost (Error); Preoperational (started, no camera yet) counts as SBY.
 * ENG and NST are not used.
 */
public enum SystemStateCode {
    PRD(1),
    SBY(2),
    ENG(3),
    SDT(4),
    UDT(5),
    NST(6);

    private final int value;

    SystemStateCode(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    static SystemStateCode of(VisionState state, boolean hasResults) {
        return switch (state) {
            case OPERATIONAL -> hasResults ? PRD : SBY;
            case PREOPERATIONAL -> SBY;
            case HALTED -> SDT;
            case ERROR -> UDT;
        };
    }

    /** A SystemStateDescriptionDataType {State, StateDescription} as an ExtensionObject. */
    ExtensionObject describe(String description, MachineVisionTypes types) {
        ByteBuf buf = Unpooled.buffer();
        try {
            OpcUaBinaryEncoder enc = new OpcUaBinaryEncoder(DefaultEncodingContext.INSTANCE).setBuffer(buf);
            enc.encodeUInt32(uint(description == null ? 0 : 1));
            enc.encodeInt32(value);
            if (description != null) {
                enc.encodeString(description);
            }
            return ExtensionObject.of(
                    ByteString.of(ByteBufUtil.getBytes(buf)),
                    types.id(MachineVisionTypes.SYSTEM_STATE_DESCRIPTION_BINARY));
        } finally {
            buf.release();
        }
    }
}
