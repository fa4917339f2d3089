package io.visionhub.ledger;

import io.visionhub.event.Defect;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.ProductionContext;
import io.visionhub.ledger.LedgerWrite.SqlRow;
import io.visionhub.ledger.store.ImageKey;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Turns an inspection event and its deliveries into a ledger write: the leaf body and the table rows. */
public final class InspectionRecord {

    public static final String TYPE = "INSPECTION";

    static final String INSERT_INSPECTION = "INSERT INTO inspection (id, ledger_seq, station, camera, line, "
            + "production_order, batch, shift, product, result, capture_time, inference_time, model_name, "
            + "model_version, model_sha256, anomaly_score, part_id, image_sha256, annotated_sha256, image_key, "
            + "annotated_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    static final String INSERT_DEFECT = "INSERT INTO inspection_defect (inspection_id, idx, defect_class, confidence, "
            + "x, y, w, h) VALUES (?,?,?,?,?,?,?,?)";
    static final String INSERT_OUTBOX = "INSERT INTO outbox (inspection_id, target, document_type, delivery_key, "
            + "status, attempts, next_attempt_at, created_at, updated_at) VALUES (?,?,?,?,'PENDING',0,?,?,?) "
            + "ON CONFLICT DO NOTHING";

    private InspectionRecord() {}

    /** Checks what the ledger cannot record; throws IllegalArgumentException naming the field. */
    public static void validate(InspectionEvent e, List<DeliveryRequest> deliveries) {
        if (e == null) {
            throw new IllegalArgumentException("no inspection event to record (body was null)");
        }
        require(e.id() != null && !e.id().isBlank() && e.id().length() <= 36, e, "id (1..36 characters)");
        require(e.result() != null, e, "result");
        require(e.station() != null && !e.station().isBlank(), e, "station");
        for (DeliveryRequest d : deliveries) {
            if (d == null || blank(d.target()) || blank(d.documentType()) || blank(d.key())) {
                throw new IllegalArgumentException(
                        "inspection " + e.id() + ": delivery " + d + " needs target, documentType and key");
            }
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static void require(boolean ok, InspectionEvent e, String what) {
        if (!ok) {
            throw new IllegalArgumentException(
                    "inspection event " + e.id() + " cannot be recorded: missing or bad " + what);
        }
    }

    public static LedgerWrite toWrite(InspectionEvent e, List<DeliveryRequest> deliveries, Instant now) {
        validate(e, deliveries);
        // one serialisation of the event, stored once: in the leaf (the view inspection_event reads it from there, V13)
        String eventJson = CanonicalJson.write(e);
        String bodyJson = "{\"deliveries\":" + CanonicalJson.write(deliveries) + ",\"event\":" + eventJson + "}";
        List<SqlRow> rows = new ArrayList<>();
        ProductionContext ctx = e.context();
        rows.add(SqlRow.of(
                INSERT_INSPECTION,
                e.id(),
                SqlRow.SEQUENCE,
                e.station(),
                e.camera(),
                e.line(),
                ctx == null ? null : ctx.productionOrder(),
                ctx == null ? null : ctx.batch(),
                ctx == null ? null : ctx.shift(),
                ctx == null ? null : ctx.product(),
                e.result().name(),
                ts(e.captureTime()),
                ts(e.inferenceTime()),
                e.model() == null ? null : e.model().name(),
                e.model() == null ? null : e.model().version(),
                e.model() == null ? null : e.model().sha256(),
                e.anomalyScore(),
                e.partId(),
                e.image() == null ? null : e.image().sha256(),
                e.image() == null ? null : e.image().annotatedSha256(),
                e.image() == null ? null : ImageKey.of(e.image().sha256()),
                e.image() == null ? null : ImageKey.of(e.image().annotatedSha256())));
        int i = 0;
        for (Defect d : e.defects()) {
            Defect.Box b = d.box();
            rows.add(SqlRow.of(
                    INSERT_DEFECT,
                    e.id(),
                    i++,
                    d.defectClass(),
                    d.confidence(),
                    b == null ? null : b.x(),
                    b == null ? null : b.y(),
                    b == null ? null : b.width(),
                    b == null ? null : b.height()));
        }
        OffsetDateTime t = ts(now);
        for (DeliveryRequest d : deliveries) {
            rows.add(SqlRow.of(INSERT_OUTBOX, e.id(), d.target(), d.documentType(), d.key(), t, t, t));
        }
        return new LedgerWrite(TYPE, e.id(), bodyJson, rows);
    }

    static OffsetDateTime ts(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }
}
