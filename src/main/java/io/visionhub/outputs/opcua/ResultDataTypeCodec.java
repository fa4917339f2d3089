package io.visionhub.outputs.opcua;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.encoding.DefaultEncodingContext;
import org.eclipse.milo.opcua.stack.core.encoding.EncodingContext;
import org.eclipse.milo.opcua.stack.core.encoding.binary.OpcUaBinaryDecoder;
import org.eclipse.milo.opcua.stack.core.encoding.binary.OpcUaBinaryEncoder;
import org.eclipse.milo.opcua.stack.core.types.builtin.ByteString;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;

/**
 * OPC UA binary encoding of the Machine Vision structures the hub sends and receives (OPC 10000-6 5.2.7: a
 * structure with optional fields starts with a UInt32 mask, one bit per optional field in declaration order; a
 * nested structure is encoded inline). Written by hand because Milo 1.0 has no codec for a NodeSet it does not
 * ship; the field order follows the DataTypeDefinitions in {@link MachineVisionTypes}, which is what a generic
 * client (node-opcua) decodes with.
 */
public final class ResultDataTypeCodec {

    private static final EncodingContext CONTEXT = DefaultEncodingContext.INSTANCE;
    /** first capacity of the buffer of a small structure (an id is ~50 bytes): Netty's default is 256 */
    private static final int SMALL = 64;

    private ResultDataTypeCodec() {}

    /** A ResultDataType as an ExtensionObject with the "Default Binary" encoding id of the given namespace. */
    public static ExtensionObject encode(MachineVisionResult r, MachineVisionTypes types) {
        return ExtensionObject.of(ByteString.of(encodeBody(r)), types.id(MachineVisionTypes.RESULT_DATA_TYPE_BINARY));
    }

    static byte[] encodeBody(MachineVisionResult r) {
        // sized for the content (the event JSON, ASCII as a rule) so that the buffer does not grow while writing
        int size = 256;
        if (r.content() != null) {
            for (String c : r.content()) {
                size += 8 + (c == null ? 0 : c.length());
            }
        }
        ByteBuf buf = Unpooled.buffer(size);
        try {
            OpcUaBinaryEncoder enc = new OpcUaBinaryEncoder(CONTEXT).setBuffer(buf);
            boolean[] present = {
                false,
                true,
                r.measId() != null,
                r.partId() != null,
                false,
                r.productId() != null,
                false,
                r.startTime() != null && r.endTime() != null,
                r.content() != null
            };
            enc.encodeUInt32(uint(mask(present)));
            enc.encodeString(r.resultId()); // ResultId (ResultIdDataType{Id})
            enc.encodeBoolean(false); // IsPartial
            enc.encodeBoolean(r.isSimulated()); // IsSimulated
            enc.encodeInt32(r.resultState()); // ResultState
            if (r.measId() != null) {
                encodeDescribedId(enc, r.measId()); // MeasId{Id, Description?}
            }
            if (r.partId() != null) {
                encodeDescribedId(enc, r.partId()); // PartId{Id, Description?}
            }
            encodeBinaryId(enc, r.recipeId(), r.recipeVersion(), r.recipeHash()); // InternalRecipeId
            if (r.productId() != null) {
                encodeDescribedId(enc, r.productId()); // ProductId{Id, Description?}
            }
            encodeBinaryId(enc, r.configurationId(), null, null); // InternalConfigurationId
            enc.encodeString(r.jobId()); // JobId{Id}
            enc.encodeDateTime(dateTime(r.creationTime())); // CreationTime
            if (present[7]) { // ProcessingTimes
                encodeProcessingTimes(enc, r);
            }
            if (r.content() != null) { // ResultContent: BaseDataType[]
                enc.encodeInt32(r.content().size());
                for (String c : r.content()) {
                    enc.encodeVariant(new Variant(c));
                }
            }
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    private static void encodeProcessingTimes(OpcUaBinaryEncoder enc, MachineVisionResult r) {
        enc.encodeUInt32(uint(mask(new boolean[] {r.acquisitionMs() != null, r.processingMs() != null})));
        enc.encodeDateTime(dateTime(r.startTime()));
        enc.encodeDateTime(dateTime(r.endTime()));
        if (r.acquisitionMs() != null) {
            enc.encodeDouble(r.acquisitionMs());
        }
        if (r.processingMs() != null) {
            enc.encodeDouble(r.processingMs());
        }
    }

    /**
     * One component variable of a ResultType variable (OPC 40100-1 9.1), by browse name, the same as the field of
     * {@link #encode}: the mandatory ResultId, CreationTime, IsPartial, ResultState, JobId, InternalRecipeId and
     * InternalConfigurationId, and the optional IsSimulated, MeasId, PartId, ProductId and ProcessingTimes (an absent
     * optional field: a null value). One at a time, so that a station encodes only the components that changed.
     */
    public static Variant component(String browseName, MachineVisionResult r, MachineVisionTypes types) {
        return switch (browseName) {
            case "ResultId" ->
                new Variant(idStructure(r.resultId(), types.id(MachineVisionTypes.RESULT_ID_BINARY), false));
            case "CreationTime" -> new Variant(dateTime(r.creationTime()));
            case "IsPartial" -> new Variant(false);
            case "IsSimulated" -> new Variant(r.isSimulated());
            case "ResultState" -> new Variant(r.resultState());
            case "JobId" -> new Variant(idStructure(r.jobId(), types.id(MachineVisionTypes.JOB_ID_BINARY), false));
            case "InternalRecipeId" ->
                new Variant(binaryIdStructure(
                        r.recipeId(),
                        r.recipeVersion(),
                        r.recipeHash(),
                        types.id(MachineVisionTypes.RECIPE_ID_INTERNAL_BINARY)));
            case "InternalConfigurationId" ->
                new Variant(binaryIdStructure(
                        r.configurationId(), null, null, types.id(MachineVisionTypes.CONFIGURATION_ID_BINARY)));
            case "MeasId" -> described(r.measId(), types.id(MachineVisionTypes.MEAS_ID_BINARY));
            case "PartId" -> described(r.partId(), types.id(MachineVisionTypes.PART_ID_BINARY));
            case "ProductId" -> described(r.productId(), types.id(MachineVisionTypes.PRODUCT_ID_BINARY));
            case "ProcessingTimes" -> processingTimes(r, types);
            default -> throw new IllegalArgumentException("ResultType has no component " + browseName);
        };
    }

    private static Variant processingTimes(MachineVisionResult r, MachineVisionTypes types) {
        if (r.startTime() == null || r.endTime() == null) {
            return Variant.NULL_VALUE;
        }
        ByteBuf buf = Unpooled.buffer(SMALL);
        try {
            encodeProcessingTimes(new OpcUaBinaryEncoder(CONTEXT).setBuffer(buf), r);
            return new Variant(ExtensionObject.of(
                    ByteString.of(ByteBufUtil.getBytes(buf)), types.id(MachineVisionTypes.PROCESSING_TIMES_BINARY)));
        } finally {
            buf.release();
        }
    }

    private static Variant described(String id, NodeId binaryEncodingId) {
        return id == null ? Variant.NULL_VALUE : new Variant(idStructure(id, binaryEncodingId, true));
    }

    private static ExtensionObject binaryIdStructure(String id, String version, byte[] hash, NodeId binaryEncodingId) {
        ByteBuf buf = Unpooled.buffer(SMALL);
        try {
            encodeBinaryId(new OpcUaBinaryEncoder(CONTEXT).setBuffer(buf), id, version, hash);
            return ExtensionObject.of(ByteString.of(ByteBufUtil.getBytes(buf)), binaryEncodingId);
        } finally {
            buf.release();
        }
    }

    private static void encodeDescribedId(OpcUaBinaryEncoder enc, String id) {
        enc.encodeUInt32(uint(0));
        enc.encodeString(id);
    }

    private static String decodeDescribedId(OpcUaBinaryDecoder dec) {
        long m = dec.decodeUInt32().longValue();
        String id = dec.decodeString();
        if (bit(m, 0)) {
            dec.decodeLocalizedText();
        }
        return id;
    }

    private static void encodeBinaryId(OpcUaBinaryEncoder enc, String id, String version, byte[] hash) {
        enc.encodeUInt32(uint(mask(new boolean[] {version != null, hash != null, hash != null})));
        enc.encodeString(id);
        if (version != null) {
            enc.encodeString(version);
        }
        if (hash != null) {
            enc.encodeByteString(ByteString.of(hash));
            enc.encodeString("SHA-256");
        }
    }

    /** Decodes a ResultDataType body (the inverse of {@link #encode}); for clients and tests. */
    public static MachineVisionResult decode(ExtensionObject xo) {
        ByteBuf buf = Unpooled.wrappedBuffer(((ByteString) xo.getBody()).bytesOrEmpty());
        OpcUaBinaryDecoder dec = new OpcUaBinaryDecoder(CONTEXT).setBuffer(buf);
        long mask = dec.decodeUInt32().longValue();
        String resultId = dec.decodeString();
        if (bit(mask, 0)) {
            dec.decodeBoolean();
        }
        dec.decodeBoolean(); // IsPartial
        boolean simulated = bit(mask, 1) && dec.decodeBoolean();
        int state = dec.decodeInt32();
        String measId = bit(mask, 2) ? decodeDescribedId(dec) : null;
        String partId = bit(mask, 3) ? decodeDescribedId(dec) : null;
        if (bit(mask, 4)) {
            decodeBinaryId(dec);
        }
        Object[] recipe = decodeBinaryId(dec);
        String productId = bit(mask, 5) ? decodeDescribedId(dec) : null;
        if (bit(mask, 6)) {
            decodeBinaryId(dec);
        }
        Object[] config = decodeBinaryId(dec);
        String jobId = dec.decodeString();
        Instant created = dec.decodeDateTime().getJavaInstant();
        Instant start = null;
        Instant end = null;
        Double acquisition = null;
        Double processing = null;
        if (bit(mask, 7)) {
            long m = dec.decodeUInt32().longValue();
            start = dec.decodeDateTime().getJavaInstant();
            end = dec.decodeDateTime().getJavaInstant();
            acquisition = bit(m, 0) ? dec.decodeDouble() : null;
            processing = bit(m, 1) ? dec.decodeDouble() : null;
        }
        List<String> content = null;
        if (bit(mask, 8)) {
            int n = dec.decodeInt32();
            content = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                content.add(String.valueOf(dec.decodeVariant().getValue()));
            }
        }
        return new MachineVisionResult(
                resultId,
                simulated,
                state,
                measId,
                partId,
                (String) recipe[0],
                (String) recipe[1],
                (byte[]) recipe[2],
                productId,
                (String) config[0],
                jobId,
                created,
                start,
                end,
                acquisition,
                processing,
                content);
    }

    private static Object[] decodeBinaryId(OpcUaBinaryDecoder dec) {
        long m = dec.decodeUInt32().longValue();
        String id = dec.decodeString();
        String version = bit(m, 0) ? dec.decodeString() : null;
        byte[] hash = bit(m, 1) ? dec.decodeByteString().bytesOrEmpty() : null;
        if (bit(m, 2)) {
            dec.decodeString();
        }
        if (bit(m, 3)) {
            dec.decodeLocalizedText();
        }
        return new Object[] {id, version, hash};
    }

    /**
     * The Id of an id structure a client passes as a method argument: {@code described} for those with an optional
     * Description (MeasIdDataType, PartIdDataType, ProductIdDataType: encoding mask first), not for ResultIdDataType
     * and JobIdDataType. A plain String is taken as the Id too; an empty or null argument means "not given".
     */
    public static String idOf(Object argument, boolean described) {
        if (argument == null) {
            return null;
        }
        if (argument instanceof String s) {
            return s.isBlank() ? null : s.strip();
        }
        if (argument instanceof ExtensionObject xo && xo.getBody() instanceof ByteString body) {
            if (body.isNull() || body.length() == 0) {
                return null;
            }
            OpcUaBinaryDecoder dec =
                    new OpcUaBinaryDecoder(CONTEXT).setBuffer(Unpooled.wrappedBuffer(body.bytesOrEmpty()));
            String id = described ? decodeDescribedId(dec) : dec.decodeString();
            return id == null || id.isBlank() ? null : id.strip();
        }
        throw new IllegalArgumentException("expected an id structure (ResultIdDataType, PartIdDataType ...) or a "
                + "String, got " + argument.getClass().getSimpleName());
    }

    /** The Id of a recipe or configuration id structure (BinaryIdBaseDataType layout); null when not given. */
    public static String binaryIdOf(Object argument) {
        if (argument == null || argument instanceof String) {
            return idOf(argument, false);
        }
        if (argument instanceof ExtensionObject xo && xo.getBody() instanceof ByteString body) {
            if (body.isNull() || body.length() == 0) {
                return null;
            }
            OpcUaBinaryDecoder dec =
                    new OpcUaBinaryDecoder(CONTEXT).setBuffer(Unpooled.wrappedBuffer(body.bytesOrEmpty()));
            dec.decodeUInt32();
            String id = dec.decodeString();
            return id == null || id.isBlank() ? null : id.strip();
        }
        throw new IllegalArgumentException("expected a recipe/configuration id structure (BinaryIdBaseDataType) or a "
                + "String, got " + argument.getClass().getSimpleName());
    }

    /** An id structure (ResultIdDataType, PartIdDataType ...) as an ExtensionObject, for clients of the hub. */
    public static ExtensionObject idStructure(String id, NodeId binaryEncodingId, boolean described) {
        ByteBuf buf = Unpooled.buffer(SMALL);
        try {
            OpcUaBinaryEncoder enc = new OpcUaBinaryEncoder(CONTEXT).setBuffer(buf);
            if (described) {
                encodeDescribedId(enc, id);
            } else {
                enc.encodeString(id);
            }
            return ExtensionObject.of(ByteString.of(ByteBufUtil.getBytes(buf)), binaryEncodingId);
        } finally {
            buf.release();
        }
    }

    /** A RecipeIdInternalDataType {Id, Version} as an ExtensionObject (output of the recipe methods). */
    public static ExtensionObject encodeRecipeId(String id, String version, MachineVisionTypes types) {
        ByteBuf buf = Unpooled.buffer(SMALL);
        try {
            encodeBinaryId(new OpcUaBinaryEncoder(CONTEXT).setBuffer(buf), id, version, null);
            return ExtensionObject.of(
                    ByteString.of(ByteBufUtil.getBytes(buf)), types.id(MachineVisionTypes.RECIPE_ID_INTERNAL_BINARY));
        } finally {
            buf.release();
        }
    }

    private static long mask(boolean[] present) {
        long m = 0;
        for (int i = 0; i < present.length; i++) {
            if (present[i]) {
                m |= 1L << i;
            }
        }
        return m;
    }

    private static boolean bit(long mask, int i) {
        return (mask & (1L << i)) != 0;
    }

    private static DateTime dateTime(Instant t) {
        return t == null ? DateTime.NULL_VALUE : new DateTime(t);
    }
}
