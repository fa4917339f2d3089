package io.visionhub.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visionhub.event.EventJson;
import io.visionhub.images.ImageStore;
import io.visionhub.ledger.disposition.DispositionQueries;
import io.visionhub.ledger.disposition.SignedDisposition;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * Exports recorded frames with the model's detections and the people's dispositions as a dataset for retraining
 * (the labelling loop): YOLO ({@code images/}, {@code labels/*.txt}, {@code data.yaml}) or COCO
 * ({@code images/}, {@code annotations.json}), both with {@code metadata.jsonl} (one line per frame: context,
 * defects, dispositions and a hint for the labeller) and {@code export.json} (selection, counts, frames skipped
 * and why). The labels are what the model said; the dispositions say where a person disagreed, so a labeller knows
 * which labels to correct. Reads only.
 */
public class DatasetExporter {

    private static final ObjectMapper JSON = EventJson.mapper().copy().disable(SerializationFeature.INDENT_OUTPUT);

    private final NamedParameterJdbcTemplate jdbc;
    private final ImageStore images;
    private final DispositionQueries dispositions;
    private final Clock clock;

    public DatasetExporter(
            NamedParameterJdbcTemplate jdbc, ImageStore images, DispositionQueries dispositions, Clock clock) {
        this.jdbc = jdbc;
        this.images = images;
        this.dispositions = dispositions;
        this.clock = clock;
    }

    /** What an export held. */
    public record Summary(int frames, int labels, List<String> classes, int skipped) {}

    /** One box to label: its class, corners and size in frame pixels, the frame's size and COCO image id. */
    private record Label(
            String className,
            double x,
            double y,
            double w,
            double h,
            int frameWidth,
            int frameHeight,
            int imageId,
            JsonNode defect) {}

    /** One recorded inspection chosen for the dataset. */
    private record Row(String id, String batch, JsonNode event) {}

    /**
     * The frames of the selection, oldest first; refuses a selection of more than {@code limit} frames (naming
     * {@code limit}) before anything is written.
     */
    private List<Row> select(DatasetSelection s) {
        StringBuilder sql = new StringBuilder(
                "SELECT i.id, i.batch, i.event_json FROM inspection_event i WHERE i.result IN (:verdicts)");
        MapSqlParameterSource p = new MapSqlParameterSource("verdicts", s.verdicts());
        if (s.line() != null) {
            sql.append(" AND i.line = :line");
            p.addValue("line", s.line());
        }
        if (s.from() != null) {
            sql.append(" AND i.capture_time >= :from_time");
            p.addValue("from_time", s.from().atOffset(ZoneOffset.UTC));
        }
        if (s.to() != null) {
            sql.append(" AND i.capture_time < :to_time");
            p.addValue("to_time", s.to().atOffset(ZoneOffset.UTC));
        }
        sql.append(" ORDER BY i.capture_time, i.ledger_seq LIMIT :limit_rows");
        p.addValue("limit_rows", s.limit() + 1);
        List<Row> rows = jdbc.query(sql.toString(), p, (rs, n) -> {
            try {
                return new Row(rs.getString(1), rs.getString(2), JSON.readTree(rs.getString(3)));
            } catch (IOException e) {
                throw new UncheckedIOException("inspection " + rs.getString(1) + ": stored event is not JSON", e);
            }
        });
        if (rows.size() > s.limit()) {
            throw new DatasetSelection.Invalid(
                    "limit",
                    "the selection holds more than " + s.limit() + " frames: narrow from/to or line, or raise limit"
                            + " (at most " + DatasetSelection.MAX_LIMIT + ")");
        }
        return rows;
    }

    /** Writes the dataset zip for the selection to {@code out}. */
    public Summary export(DatasetSelection s, String exportedBy, OutputStream out) throws IOException {
        List<Row> rows = select(s);
        Set<String> targets = new LinkedHashSet<>();
        for (Row r : rows) {
            targets.add(r.id());
            if (r.batch() != null) {
                targets.add(r.batch());
            }
        }
        Map<String, List<SignedDisposition>> byTarget = new HashMap<>();
        for (SignedDisposition d : dispositions.forTargets(targets)) {
            byTarget.computeIfAbsent(d.targetType() + "|" + d.targetId(), k -> new ArrayList<>())
                    .add(d);
        }
        // classes of the frames exported (sorted names), known once every frame is read: labels wait till then
        TreeSet<String> classNames = new TreeSet<>();
        Map<String, List<Label>> labelsByFile = new LinkedHashMap<>();
        ArrayNode skipped = JSON.createArrayNode();
        ArrayNode cocoImages = JSON.createArrayNode();
        ArrayNode cocoAnnotations = JSON.createArrayNode();
        StringBuilder metadata = new StringBuilder();
        int frames = 0;
        int labels = 0;
        ZipOutputStream zip = new ZipOutputStream(out);
        zip.setLevel(Deflater.BEST_SPEED); // the images are compressed already
        for (Row r : rows) {
            JsonNode event = r.event();
            String sha = event.path("image").path("sha256").asText(null);
            Optional<byte[]> bytes = sha == null ? Optional.empty() : images.get(sha);
            if (bytes.isEmpty()) {
                skipped.addObject()
                        .put("inspectionId", r.id())
                        .put(
                                "reason",
                                sha == null
                                        ? "the event names no stored frame"
                                        : "frame " + sha + " is not in the image store (retention?)");
                continue;
            }
            frames++;
            int width = event.path("image").path("width").asInt();
            int height = event.path("image").path("height").asInt();
            String stem = r.id().replaceAll("[^A-Za-z0-9._-]", "_"); // ids are UUIDs; never a path in the zip
            String file = "images/" + stem + extension(bytes.get());
            put(zip, file, bytes.get());

            List<SignedDisposition> own = byTarget.getOrDefault("INSPECTION|" + r.id(), List.of());
            List<SignedDisposition> lot =
                    r.batch() == null ? List.of() : byTarget.getOrDefault("LOT|" + r.batch(), List.of());
            SignedDisposition current = current(own).orElse(current(lot).orElse(null));
            String result = event.path("result").asText();

            List<Label> frameLabels = new ArrayList<>();
            for (JsonNode d : event.path("defects")) {
                JsonNode box = d.path("box");
                if (box.isMissingNode() || box.isNull()) {
                    continue; // whole-image classes (classifiers) have no box to label
                }
                labels++;
                String cls = d.path("defectClass").asText();
                classNames.add(cls);
                double x = box.path("x").asDouble();
                double y = box.path("y").asDouble();
                double w = box.path("width").asDouble();
                double h = box.path("height").asDouble();
                frameLabels.add(new Label(cls, x, y, w, h, width, height, frames, d));
            }
            labelsByFile.put("labels/" + stem + ".txt", frameLabels);
            ObjectNode meta = JSON.createObjectNode();
            meta.put("inspectionId", r.id());
            meta.put("file", file);
            meta.put("width", width);
            meta.put("height", height);
            for (String f : List.of("station", "camera", "line", "captureTime", "result", "partId")) {
                if (event.hasNonNull(f)) {
                    meta.set(f, event.get(f));
                }
            }
            meta.set("model", event.path("model"));
            if (event.hasNonNull("context")) {
                meta.set("context", event.get("context"));
            }
            if (event.hasNonNull("anomalyScore")) {
                meta.set("anomalyScore", event.get("anomalyScore"));
            }
            meta.set("defects", event.path("defects"));
            ArrayNode ds = meta.putArray("dispositions");
            for (SignedDisposition d : concat(own, lot)) {
                ObjectNode o = ds.addObject();
                o.put("targetType", d.targetType());
                o.put("targetId", d.targetId());
                o.put("disposition", d.disposition());
                o.put("reason", d.reason());
                o.put("user", d.user());
                o.put("printedName", d.printedName());
                o.put("signedAt", d.signedAt().toString());
                o.put("meaning", d.meaning());
                o.put("current", d.current());
            }
            meta.put("currentDisposition", current == null ? null : current.disposition());
            meta.put("labelHint", hint(result, current));
            metadata.append(JSON.writeValueAsString(meta)).append('\n');

            ObjectNode img = cocoImages.addObject();
            img.put("id", frames);
            img.put("file_name", file);
            img.put("width", width);
            img.put("height", height);
            img.set("date_captured", event.path("captureTime"));
            img.set("visionhub", meta);
        }

        List<String> classes = List.copyOf(classNames);
        for (Map.Entry<String, List<Label>> e : labelsByFile.entrySet()) {
            StringBuilder yolo = new StringBuilder();
            for (Label l : e.getValue()) {
                int cls = classes.indexOf(l.className());
                yolo.append(String.format(
                        Locale.ROOT,
                        "%d %.6f %.6f %.6f %.6f%n",
                        cls,
                        unit((l.x() + l.w() / 2) / l.frameWidth()),
                        unit((l.y() + l.h() / 2) / l.frameHeight()),
                        unit(l.w() / l.frameWidth()),
                        unit(l.h() / l.frameHeight())));
                ObjectNode a = cocoAnnotations.addObject();
                a.put("id", cocoAnnotations.size());
                a.put("image_id", l.imageId());
                a.put("category_id", cls + 1);
                a.putArray("bbox").add(l.x()).add(l.y()).add(l.w()).add(l.h());
                JsonNode mask = l.defect().path("mask");
                a.put("area", mask.has("area") ? mask.path("area").asDouble() : l.w() * l.h());
                ArrayNode seg = a.putArray("segmentation");
                if (mask.path("polygon").size() >= 3) {
                    ArrayNode ring = seg.addArray();
                    mask.path("polygon")
                            .forEach(pt ->
                                    ring.add(pt.get(0).asInt()).add(pt.get(1).asInt()));
                }
                a.put("iscrowd", 0);
                a.put("score", l.defect().path("confidence").asDouble());
            }
            if (DatasetSelection.YOLO.equals(s.format())) {
                put(zip, e.getKey(), yolo.toString().getBytes(StandardCharsets.UTF_8));
            }
        }

        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("format", s.format());
        ObjectNode sel = manifest.putObject("selection");
        sel.put("from", s.from() == null ? null : s.from().toString());
        sel.put("to", s.to() == null ? null : s.to().toString());
        sel.put("line", s.line());
        s.verdicts().forEach(sel.putArray("verdicts")::add);
        sel.put("limit", s.limit());
        manifest.put("exportedAt", clock.instant().toString());
        manifest.put("exportedBy", exportedBy);
        manifest.put("frames", frames);
        manifest.put("labels", labels);
        classes.forEach(manifest.putArray("classes")::add);
        manifest.set("skipped", skipped);
        manifest.put(
                "note",
                "labels are the model's detections; dispositions (metadata.jsonl) say where a person disagreed:"
                        + " correct the labels before training");

        if (DatasetSelection.YOLO.equals(s.format())) {
            put(zip, "data.yaml", dataYaml(classes).getBytes(StandardCharsets.UTF_8));
        } else {
            ObjectNode coco = JSON.createObjectNode();
            ObjectNode info = coco.putObject("info");
            info.put("description", "Vision Hub dataset export: the model's detections, to be checked");
            info.put("version", "1.0");
            info.put("year", clock.instant().atOffset(ZoneOffset.UTC).getYear());
            info.put("contributor", "Vision Hub");
            info.put("date_created", clock.instant().toString());
            coco.putArray("licenses");
            coco.set("images", cocoImages);
            coco.set("annotations", cocoAnnotations);
            ArrayNode cats = coco.putArray("categories");
            for (int i = 0; i < classes.size(); i++) {
                cats.addObject().put("id", i + 1).put("name", classes.get(i)).put("supercategory", "defect");
            }
            put(zip, "annotations.json", JSON.writeValueAsBytes(coco));
        }
        put(zip, "metadata.jsonl", metadata.toString().getBytes(StandardCharsets.UTF_8));
        put(zip, "export.json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        zip.finish();
        return new Summary(frames, labels, classes, skipped.size());
    }

    /** What the labeller should do with this frame's labels, from the model's verdict and the person's decision. */
    static String hint(String result, SignedDisposition current) {
        if (current == null) {
            return "not reviewed: the labels are the model's detections, unchecked";
        }
        boolean flagged = "NG".equals(result) || "UNCERTAIN".equals(result);
        String who = current.printedName() != null ? current.printedName() : current.user();
        return switch (current.disposition()) {
            case "ACCEPT", "USE_AS_IS" ->
                flagged
                        ? "possible false positive: the model said " + result + ", " + who + " dispositioned the part "
                                + current.disposition() + "; correct or delete these labels"
                        : "confirmed good";
            case "REJECT", "REWORK" ->
                flagged
                        ? "confirmed defect: " + who + " dispositioned the part " + current.disposition()
                                + "; check the boxes"
                        : "possible missed defect: the model said OK, the part was " + current.disposition()
                                + "; add the missing labels";
            default -> "dispositioned " + current.disposition() + ": check the labels";
        };
    }

    private static Optional<SignedDisposition> current(List<SignedDisposition> history) {
        return history.stream().filter(SignedDisposition::current).reduce((a, b) -> b);
    }

    private static List<SignedDisposition> concat(List<SignedDisposition> a, List<SignedDisposition> b) {
        List<SignedDisposition> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    static String dataYaml(List<String> classes) {
        StringBuilder y = new StringBuilder(
                "# Vision Hub dataset export (YOLO). Labels are the model's detections: check them against the\n"
                        + "# dispositions in metadata.jsonl before training. Split train/val yourself.\n");
        y.append("path: .\ntrain: images\nval: images\n");
        y.append("nc: ").append(classes.size()).append('\n');
        y.append("names:\n");
        for (int i = 0; i < classes.size(); i++) {
            y.append("  ")
                    .append(i)
                    .append(": '")
                    .append(classes.get(i).replace("'", "''"))
                    .append("'\n");
        }
        return y.toString();
    }

    private static double unit(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private static String extension(byte[] b) {
        if (b.length > 3 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return ".png";
        }
        if (b.length > 2 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8) {
            return ".jpg";
        }
        return ".bin";
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }
}
