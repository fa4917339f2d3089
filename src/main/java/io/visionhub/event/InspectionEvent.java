package io.visionhub.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * One inspection of one frame: the document that the ledger records and every output publishes.
 * Versioned by {@link #SCHEMA_VERSION}; its JSON Schema is docs/schema/inspection-event.schema.json.
 *
 * @param schemaVersion   version of this document's layout
 * @param id              unique id (UUID) of the inspection; travels to every target as the external reference
 * @param station         inspection station id (site-unique)
 * @param camera          camera id that captured the frame
 * @param line            production line the station belongs to
 * @param captureTime     when the frame was captured (UTC); decides which production context applies
 * @param inferenceTime   when inference finished (UTC)
 * @param model           model that judged the frame
 * @param result          verdict of the model
 * @param defects         defects found, boxes in original-frame pixels
 * @param anomalyScore    anomaly score where the model gives one, else null
 * @param image           hash and link of the stored frame (and annotated frame)
 * @param context         production context that applied at capture time, or null with contextStatus=MISSING
 * @param contextStatus   whether a context applied
 * @param partId          part id from the PLC or the simulated camera, or null
 * @param latency         latency breakdown in milliseconds
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InspectionEvent(
        String schemaVersion,
        String id,
        String station,
        String camera,
        String line,
        Instant captureTime,
        Instant inferenceTime,
        ModelRef model,
        Verdict result,
        List<Defect> defects,
        Double anomalyScore,
        ImageRef image,
        ProductionContext context,
        ContextStatus contextStatus,
        String partId,
        Latency latency) {

    public static final String SCHEMA_VERSION = "1.0";

    public InspectionEvent {
        defects = defects == null ? List.of() : List.copyOf(defects);
    }

    /** A copy with the production context set (and its status). */
    public InspectionEvent withContext(ProductionContext ctx) {
        return with(c -> {
            c.context = ctx;
            c.contextStatus = ctx == null ? ContextStatus.MISSING : ContextStatus.APPLIED;
        });
    }

    /** A copy with the image reference set (once the frame is stored by content hash). */
    public InspectionEvent withImage(ImageRef ref) {
        return with(c -> c.image = ref);
    }

    /** A copy with the part id set (PLC-triggered capture). */
    public InspectionEvent withPartId(String part) {
        return with(c -> c.partId = part);
    }

    /** A copy with the latency set (a triggered inspection adds its trigger-to-exposure delay). */
    public InspectionEvent withLatency(Latency l) {
        return with(c -> c.latency = l);
    }

    // one place restates the 16-argument constructor, so a new component cannot be forgotten in one with…()
    private InspectionEvent with(Consumer<Copy> change) {
        Copy c = new Copy(this);
        change.accept(c);
        return new InspectionEvent(
                schemaVersion,
                id,
                station,
                camera,
                line,
                captureTime,
                inferenceTime,
                model,
                result,
                defects,
                anomalyScore,
                c.image,
                c.context,
                c.contextStatus,
                c.partId,
                c.latency);
    }

    /** The components a with…() may change. */
    private static final class Copy {
        ImageRef image;
        ProductionContext context;
        ContextStatus contextStatus;
        String partId;
        Latency latency;

        Copy(InspectionEvent e) {
            image = e.image;
            context = e.context;
            contextStatus = e.contextStatus;
            partId = e.partId;
            latency = e.latency;
        }
    }

    public enum Verdict {
        OK,
        NG,
        UNCERTAIN
    }

    public enum ContextStatus {
        APPLIED,
        MISSING
    }
}
