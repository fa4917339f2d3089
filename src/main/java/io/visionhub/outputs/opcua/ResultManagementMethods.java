package io.visionhub.outputs.opcua;

import static io.visionhub.outputs.opcua.MachineVisionTypes.*;
import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.eclipse.milo.opcua.sdk.server.AccessContext;
import org.eclipse.milo.opcua.sdk.server.methods.MethodInvocationHandler;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DiagnosticInfo;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OPC 40100-1 ResultManagement methods of one station, answered from the ledger: GetResultById,
 * GetResultListFiltered (paged, at most {@link LedgerResultSource#MAX_PAGE} per call) and ReleaseResultHandle.
 * Arguments and their types are the NodeSet's. The ledger's records do not change, so a result handle holds no
 * resource; handles are still issued and checked on release as the specification describes.
 *
 * <p>Error output: 0 OK; -1 no such result (GetResultById); -2 unknown handle (ReleaseResultHandle); -3 the ledger
 * could not be read (logged). A malformed argument answers Bad_InvalidArgument naming it.
 */
public final class ResultManagementMethods {

    public static final int ERROR_NOT_FOUND = -1;
    public static final int ERROR_UNKNOWN_HANDLE = -2;
    public static final int ERROR_LEDGER = -3;
    private static final Logger LOG = LoggerFactory.getLogger(ResultManagementMethods.class);
    private static final int MAX_OPEN_HANDLES = 10_000;

    private final String station;
    private final MachineVisionTypes types;
    private final Supplier<LedgerResultSource> ledger;
    private final AtomicLong nextHandle = new AtomicLong();
    private final Map<Long, Boolean> openHandles = new ConcurrentHashMap<>();

    public ResultManagementMethods(String station, MachineVisionTypes types, Supplier<LedgerResultSource> ledger) {
        this.station = station;
        this.types = types;
        this.ledger = ledger;
    }

    static Argument[] getResultByIdInputs(MachineVisionTypes t) {
        return new Argument[] {arg("ResultId", t.id(RESULT_ID_DATA_TYPE)), arg("Timeout", NodeIds.Int32)};
    }

    static Argument[] getResultByIdOutputs(MachineVisionTypes t) {
        return new Argument[] {
            arg("ResultHandle", t.id(HANDLE)), arg("Result", t.id(RESULT_DATA_TYPE)), arg("Error", NodeIds.Int32)
        };
    }

    static Argument[] getResultListFilteredInputs(MachineVisionTypes t) {
        return new Argument[] {
            arg("ResultState", t.id(RESULT_STATE_DATA_TYPE)),
            arg("MeasId", t.id(MEAS_ID_DATA_TYPE)),
            arg("PartId", t.id(PART_ID_DATA_TYPE)),
            arg("ExternalRecipeId", t.id(RECIPE_ID_EXTERNAL_DATA_TYPE)),
            arg("InternalRecipeId", t.id(RECIPE_ID_INTERNAL_DATA_TYPE)),
            arg("ExternalConfigurationId", t.id(CONFIGURATION_ID_DATA_TYPE)),
            arg("InternalConfigurationId", t.id(CONFIGURATION_ID_DATA_TYPE)),
            arg("ProductId", t.id(PRODUCT_ID_DATA_TYPE)),
            arg("JobId", t.id(JOB_ID_DATA_TYPE)),
            arg("MaxResults", NodeIds.UInt32),
            arg("StartIndex", NodeIds.UInt32),
            arg("Timeout", NodeIds.Int32)
        };
    }

    static Argument[] getResultListFilteredOutputs(MachineVisionTypes t) {
        return new Argument[] {
            arg("IsComplete", NodeIds.Boolean),
            arg("ResultCount", NodeIds.UInt32),
            arg("ResultHandle", t.id(HANDLE)),
            new Argument("ResultList", t.id(RESULT_DATA_TYPE), 1, new UInteger[] {uint(0)}, LocalizedText.NULL_VALUE),
            arg("Error", NodeIds.Int32)
        };
    }

    static Argument[] releaseResultHandleInputs(MachineVisionTypes t) {
        return new Argument[] {arg("ResultHandle", t.id(HANDLE))};
    }

    static Argument[] releaseResultHandleOutputs(MachineVisionTypes t) {
        return new Argument[] {arg("Error", NodeIds.Int32)};
    }

    private static Argument arg(String name, NodeId type) {
        return new Argument(name, type, -1, null, LocalizedText.NULL_VALUE);
    }

    MethodInvocationHandler getResultById() {
        return (AccessContext ctx, CallMethodRequest req) -> call(
                req,
                2,
                in -> {
                    String id = argument("ResultId", () -> ResultDataTypeCodec.idOf(in[0].getValue(), false));
                    if (id == null) {
                        throw new BadArgument(
                                "ResultId is empty: give the inspection id (ResultIdDataType{Id} or a String)");
                    }
                    Optional<MachineVisionResult> r = ledger().byId(station, id);
                    if (r.isEmpty()) {
                        return new Variant[] {new Variant(uint(0)), Variant.NULL_VALUE, new Variant(ERROR_NOT_FOUND)};
                    }
                    return new Variant[] {
                        new Variant(uint(handle())),
                        new Variant(ResultDataTypeCodec.encode(r.get(), types)),
                        new Variant(0)
                    };
                },
                3);
    }

    MethodInvocationHandler getResultListFiltered() {
        return (AccessContext ctx, CallMethodRequest req) -> call(
                req,
                12,
                in -> {
                    Object state = in[0].getValue();
                    String measId = argument("MeasId", () -> ResultDataTypeCodec.idOf(in[1].getValue(), true));
                    String partId = argument("PartId", () -> ResultDataTypeCodec.idOf(in[2].getValue(), true));
                    String externalRecipe =
                            argument("ExternalRecipeId", () -> ResultDataTypeCodec.binaryIdOf(in[3].getValue()));
                    String recipe =
                            argument("InternalRecipeId", () -> ResultDataTypeCodec.binaryIdOf(in[4].getValue()));
                    String externalConfig =
                            argument("ExternalConfigurationId", () -> ResultDataTypeCodec.binaryIdOf(in[5].getValue()));
                    String config =
                            argument("InternalConfigurationId", () -> ResultDataTypeCodec.binaryIdOf(in[6].getValue()));
                    String productId = argument("ProductId", () -> ResultDataTypeCodec.idOf(in[7].getValue(), true));
                    String jobId = argument("JobId", () -> ResultDataTypeCodec.idOf(in[8].getValue(), false));
                    long max = unsigned("MaxResults", in[9].getValue());
                    long start = unsigned("StartIndex", in[10].getValue());
                    if (measId != null && jobId != null && !measId.equals(jobId)) {
                        return emptyList(); // both are the inspection id here
                    }
                    int resultState = state == null ? 0 : ((Number) state).intValue();
                    boolean none = (resultState != 0 && resultState != MachineVisionResult.COMPLETED)
                            || externalRecipe != null
                            || externalConfig != null
                            || (config != null && !config.equals(station));
                    if (none) {
                        return emptyList(); // the ledger holds only completed results, without external ids
                    }
                    LedgerResultSource.Page page = ledger().list(new LedgerResultSource.Filter(
                            station,
                            partId,
                            productId,
                            recipe,
                            measId != null ? measId : jobId,
                            (int) Math.min(start, Integer.MAX_VALUE),
                            (int) Math.min(max, LedgerResultSource.MAX_PAGE)));
                    ExtensionObject[] list = page.results().stream()
                            .map(r -> ResultDataTypeCodec.encode(r, types))
                            .toArray(ExtensionObject[]::new);
                    return new Variant[] {
                        new Variant(page.complete()),
                        new Variant(uint(list.length)),
                        new Variant(uint(handle())),
                        new Variant(list),
                        new Variant(0)
                    };
                },
                5);
    }

    MethodInvocationHandler releaseResultHandle() {
        return (AccessContext ctx, CallMethodRequest req) -> call(
                req,
                1,
                in -> {
                    long h = unsigned("ResultHandle", in[0].getValue());
                    return new Variant[] {new Variant(openHandles.remove(h) != null ? 0 : ERROR_UNKNOWN_HANDLE)};
                },
                1);
    }

    private Variant[] emptyList() {
        return new Variant[] {
            new Variant(true),
            new Variant(uint(0)),
            new Variant(uint(handle())),
            new Variant(new ExtensionObject[0]),
            new Variant(0)
        };
    }

    private long handle() {
        long h = nextHandle.incrementAndGet() & 0xFFFFFFFFL;
        if (openHandles.size() >= MAX_OPEN_HANDLES) {
            openHandles.clear(); // clients that never release: the handles guard nothing, forget them
        }
        openHandles.put(h, Boolean.TRUE);
        return h;
    }

    private LedgerResultSource ledger() {
        LedgerResultSource l = ledger.get();
        if (l == null) {
            throw new LedgerUnavailable("no ledger data source is configured");
        }
        return l;
    }

    private interface Body {
        Variant[] apply(Variant[] in);
    }

    private CallMethodResult call(CallMethodRequest req, int inputs, Body body, int outputs) {
        Variant[] in = req.getInputArguments() == null ? new Variant[0] : req.getInputArguments();
        if (in.length < inputs) {
            return new CallMethodResult(new StatusCode(StatusCodes.Bad_ArgumentsMissing), null, null, null);
        }
        if (in.length > inputs) {
            return new CallMethodResult(new StatusCode(StatusCodes.Bad_TooManyArguments), null, null, null);
        }
        try {
            return new CallMethodResult(StatusCode.GOOD, new StatusCode[0], new DiagnosticInfo[0], body.apply(in));
        } catch (BadArgument e) {
            LOG.info("OPC UA {} at station {} refused: {}", req.getMethodId(), station, e.getMessage());
            return new CallMethodResult(new StatusCode(StatusCodes.Bad_InvalidArgument), null, null, null);
        } catch (RuntimeException e) {
            LOG.warn(
                    "OPC UA result query at station {} failed: the ledger could not be read ({}); check the "
                            + "database connection",
                    station,
                    e.toString());
            Variant[] out = new Variant[outputs];
            Arrays.fill(out, Variant.NULL_VALUE);
            out[outputs - 1] = new Variant(ERROR_LEDGER);
            return new CallMethodResult(StatusCode.GOOD, new StatusCode[0], new DiagnosticInfo[0], out);
        }
    }

    private static String argument(String name, Supplier<String> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            throw new BadArgument(name + ": " + e.getMessage());
        }
    }

    private static long unsigned(String name, Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof Number n && n.longValue() >= 0) {
            return n.longValue();
        }
        throw new BadArgument(name + " must be an unsigned integer, got " + v);
    }

    static final class BadArgument extends RuntimeException {
        BadArgument(String message) {
            super(message);
        }
    }

    static final class LedgerUnavailable extends RuntimeException {
        LedgerUnavailable(String message) {
            super(message);
        }
    }
}
