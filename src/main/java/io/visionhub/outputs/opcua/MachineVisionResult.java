package io.visionhub.outputs.opcua;

import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One ledger record as an OPC 40100-1 ResultDataType (encoded by {@link ResultDataTypeCodec}).
 *
 * <p>Mapping: ResultId, MeasId and JobId are the inspection id (the hub runs one job per frame and no client gives
 * a MeasId); PartId the part id; ProductId the production context's product; InternalRecipeId the model (name,
 * version, SHA-256 of the .onnx); InternalConfigurationId the station; CreationTime the end of inference;
 * ProcessingTimes capture → end of inference with acquisition (decode) and processing (total) durations in ms;
 * ResultState 1 (Completed: the ledger only holds finished inspections); ResultContent = [verdict, the event JSON
 * exactly as the ledger stored it].
 */
public record MachineVisionResult(
        String resultId,
        boolean isSimulated,
        int resultState,
        String measId,
        String partId,
        String recipeId,
        String recipeVersion,
        byte[] recipeHash,
        String productId,
        String configurationId,
        String jobId,
        Instant creationTime,
        Instant startTime,
        Instant endTime,
        Double acquisitionMs,
        Double processingMs,
        List<String> content) {

    /** OPC 40100-1 ResultStateDataType: 1 = Completed. */
    public static final int COMPLETED = 1;

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    /** The result of a recorded inspection; {@code storedJson} is the ledger's event document. */
    public static MachineVisionResult of(InspectionEvent e, String storedJson, boolean simulated) {
        Instant created = e.inferenceTime() != null ? e.inferenceTime() : e.captureTime();
        byte[] hash = null;
        if (e.model() != null
                && e.model().sha256() != null
                && SHA256_HEX.matcher(e.model().sha256()).matches()) {
            hash = HexFormat.of().parseHex(e.model().sha256());
        }
        return new MachineVisionResult(
                e.id(),
                simulated,
                COMPLETED,
                e.id(),
                e.partId(),
                e.model() == null ? "unknown" : e.model().name(),
                e.model() == null ? null : e.model().version(),
                hash,
                e.context() == null ? null : e.context().product(),
                e.station(),
                e.id(),
                created,
                e.captureTime() != null ? e.captureTime() : created,
                created,
                e.latency() == null ? null : e.latency().decodeMs(),
                e.latency() == null ? null : e.latency().totalMs(),
                List.of(
                        e.result() == null ? "UNCERTAIN" : e.result().name(),
                        storedJson != null ? storedJson : EventJson.toJson(e)));
    }
}
