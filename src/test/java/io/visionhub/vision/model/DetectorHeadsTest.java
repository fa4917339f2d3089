package io.visionhub.vision.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visionhub.enterprise.TestEvents;
import io.visionhub.event.Defect;
import io.visionhub.event.EventJson;
import io.visionhub.event.EventSchema;
import io.visionhub.event.InspectionEvent.Verdict;
import io.visionhub.vision.onnx.OnnxGraphWriter;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detector heads beyond YOLOv8 through the hub's whole detect path (card, loader, decoder, letterbox mapping):
 * YOLOv5 {@code [1, N, 5 + C]}, end-to-end YOLOv10/YOLO11 {@code [1, 300, 6]} and YOLOv8-seg (boxes plus mask
 * prototypes). The graphs answer fixed tensors (whatever the image), so every box and mask is known; a 640x320 frame
 * letterboxes into 640x640 at scale 1 with 160 px bands above and below, so original y = input y - 160.
 */
class DetectorHeadsTest {

    @TempDir
    Path dir;

    private static final BufferedImage FRAME = new BufferedImage(640, 320, BufferedImage.TYPE_INT_RGB);

    @Test
    void yolov5RowsMultiplyObjectnessByClassAndSuppressDuplicates() {
        // rows cx, cy, w, h, objectness, scratch, dent
        float[][] rows = {
            {100, 200, 40, 20, 0.9f, 0.1f, 0.8f}, // dent 0.72
            {102, 201, 40, 20, 0.8f, 0.1f, 0.8f}, // dent 0.64, same place: suppressed
            {400, 300, 60, 60, 0.5f, 0.9f, 0.0f}, // scratch 0.45
            {500, 250, 10, 10, 0.3f, 0.9f, 0.9f} // 0.27: under the 0.3 threshold
        };
        float[] flat = flatten(rows);
        Path m = model("v5", "yolov5", Map.of("output0", new Tensor(new long[] {1, 4, 7}, flat)));
        try (InspectionModel model = new ModelLoader().load(m)) {
            ModelVerdict v = model.inspect(FRAME);
            assertThat(v.result()).isEqualTo(Verdict.NG);
            assertThat(v.defects())
                    .extracting(Defect::defectClass, Defect::confidence, Defect::box)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("dent", 0.72, new Defect.Box(80, 30, 40, 20)),
                            org.assertj.core.groups.Tuple.tuple("scratch", 0.45, new Defect.Box(370, 110, 60, 60)));
        }
    }

    @Test
    void endToEndRowsAreTakenAsTheyAreWithoutSuppression() {
        float[][] rows = new float[300][6];
        rows[0] = new float[] {100, 190, 200, 240, 0.9f, 1}; // dent
        rows[1] = new float[] {104, 192, 204, 240, 0.8f, 1}; // overlaps the first: an end-to-end model keeps both
        rows[2] = new float[] {300, 300, 340, 330, 0.5f, 0}; // scratch
        rows[3] = new float[] {10, 170, 20, 180, 0.2f, 0}; // under the threshold
        // rows 4..299: zero padding, score 0
        Path m = model("v10", "yolov10", Map.of("output0", new Tensor(new long[] {1, 300, 6}, flatten(rows))));
        try (InspectionModel model = new ModelLoader().load(m)) {
            ModelVerdict v = model.inspect(FRAME);
            assertThat(v.defects())
                    .extracting(Defect::defectClass, Defect::confidence, Defect::box)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("dent", 0.9, new Defect.Box(100, 30, 100, 50)),
                            org.assertj.core.groups.Tuple.tuple("dent", 0.8, new Defect.Box(104, 32, 100, 48)),
                            org.assertj.core.groups.Tuple.tuple("scratch", 0.5, new Defect.Box(300, 140, 40, 30)));
        }
    }

    @Test
    void endToEndRowNamingAClassTheCardLacksIsRefusedByName() {
        float[][] rows = new float[300][6];
        rows[0] = new float[] {100, 190, 200, 240, 0.9f, 7};
        Path m =
                model("v10bad", "yolo11-end2end", Map.of("output0", new Tensor(new long[] {1, 300, 6}, flatten(rows))));
        // the warm-up runs at load already read the row, so the model is refused before it sees a frame
        assertThatThrownBy(() -> new ModelLoader().load(m))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("v10bad")
                .hasMessageContaining("names class 7.0")
                .hasMessageContaining("2 classes");
    }

    @Test
    void segmentationMasksAreCroppedToTheBoxAndMappedToTheFrame() {
        int m = 32;
        int ph = 160;
        int pw = 160;
        // prototypes: channel 0 is +10 over input x 80..159, y 200..279 (cells 20..39, 50..69), -10 elsewhere;
        // channel 1 is +10 over input x 400..439, y 240..319 (cells 100..109, 60..79)
        float[] proto = new float[m * ph * pw];
        for (int y = 0; y < ph; y++) {
            for (int x = 0; x < pw; x++) {
                proto[y * pw + x] = x >= 20 && x < 40 && y >= 50 && y < 70 ? 10 : -10;
                proto[ph * pw + y * pw + x] = x >= 100 && x < 110 && y >= 60 && y < 80 ? 10 : -10;
            }
        }
        int n = 4;
        int stride = 4 + 2 + m;
        float[] out = new float[stride * n];
        // candidate: cx, cy, w, h, scratch, dent, coefficients
        setColumn(out, n, 0, new float[] {120, 240, 100, 100, 0.9f, 0}, coef(m, 0)); // box wider than the mask
        setColumn(out, n, 1, new float[] {100, 240, 40, 80, 0, 0.8f}, coef(m, 0)); // box cuts the mask: x 80..120
        setColumn(out, n, 2, new float[] {420, 280, 60, 100, 0.7f, 0}, coef(m, 1)); // the other shape
        setColumn(out, n, 3, new float[] {420, 280, 60, 100, 0.1f, 0}, coef(m, 1)); // under the threshold
        Map<String, Tensor> outputs = new LinkedHashMap<>();
        outputs.put("output0", new Tensor(new long[] {1, stride, n}, out));
        outputs.put("output1", new Tensor(new long[] {1, m, ph, pw}, proto));
        Path p = model("seg", "yolov8-seg", outputs);
        try (InspectionModel model = new ModelLoader().load(p)) {
            List<Defect> defects = model.inspect(FRAME).defects().stream()
                    .sorted(Comparator.comparingDouble(Defect::confidence).reversed())
                    .toList();
            assertThat(defects).hasSize(3);
            // bilinear upsampling of the blocky prototypes shaves one pixel off each corner the box does not cut
            Defect whole = defects.get(0);
            assertThat(whole.box()).isEqualTo(new Defect.Box(70, 30, 100, 100));
            assertThat(whole.mask().area()).isEqualTo(80 * 80 - 4);
            assertThat(whole.mask().polygon())
                    .containsExactly(
                            List.of(81, 40),
                            List.of(159, 40),
                            List.of(159, 41),
                            List.of(160, 41),
                            List.of(160, 119),
                            List.of(159, 119),
                            List.of(159, 120),
                            List.of(81, 120),
                            List.of(81, 119),
                            List.of(80, 119),
                            List.of(80, 41),
                            List.of(81, 41));
            Defect cut = defects.get(1);
            assertThat(cut.defectClass()).isEqualTo("dent");
            assertThat(cut.box()).isEqualTo(new Defect.Box(80, 40, 40, 80));
            assertThat(cut.mask().area()).isEqualTo(40 * 80 - 2);
            assertThat(cut.mask().polygon())
                    .containsExactly(
                            List.of(81, 40),
                            List.of(120, 40),
                            List.of(120, 120),
                            List.of(81, 120),
                            List.of(81, 119),
                            List.of(80, 119),
                            List.of(80, 41),
                            List.of(81, 41));
            Defect other = defects.get(2);
            assertThat(other.mask().area()).isEqualTo(40 * 80 - 4);
            assertThat(other.mask().polygon()).hasSize(12).contains(List.of(401, 80), List.of(440, 81));
            // the event document carries the mask and still validates against the schema
            assertThat(EventJson.mapper().valueToTree(whole).toString())
                    .contains("\"mask\":{\"area\":6396,\"polygon\":[[81,40],[159,40],[159,41],[160,41],");
            ObjectNode event = EventJson.mapper().valueToTree(TestEvents.ng("station-1", "scratch"));
            event.set("defects", EventJson.mapper().valueToTree(defects));
            assertThat(EventSchema.problems(event)).isEmpty();
            ((ObjectNode) event.at("/defects/0/mask")).put("area", -1);
            assertThat(EventSchema.problems(event)).isNotEmpty();
        }
    }

    @Test
    void outlineOfAMaskWithOneSpanPerRowFollowsItsStaircase() {
        // a right triangle: row y spans x 0..y
        List<int[]> rows = List.of(new int[] {0, 0, 0}, new int[] {1, 0, 1}, new int[] {2, 0, 2});
        assertThat(SegmentMasks.outline(rows))
                .containsExactly(
                        List.of(0, 0),
                        List.of(1, 0),
                        List.of(1, 1),
                        List.of(2, 1),
                        List.of(2, 2),
                        List.of(3, 2),
                        List.of(3, 3),
                        List.of(0, 3));
    }

    @Test
    void outlineOfALargeMaskIsThinnedToTheVertexLimit() {
        List<int[]> rows = new java.util.ArrayList<>();
        for (int y = 0; y < 500; y++) {
            rows.add(new int[] {y, 250 - y / 2, 250 + y / 2});
        }
        List<List<Integer>> poly = SegmentMasks.outline(rows);
        assertThat(poly).hasSize(Defect.Mask.MAX_VERTICES);
        assertThat(poly.get(0)).isEqualTo(List.of(250, 0));
    }

    @Test
    void unknownLayoutIsRefusedNamingTheOnesTheHubReads() throws Exception {
        Path m = model("v8", "yolov8", Map.of("output0", new Tensor(new long[] {1, 6, 2}, new float[12])));
        Path card = m.resolve("model.yaml");
        Files.writeString(card, Files.readString(card).replace("layout: yolov8", "layout: yolov9-obb"));
        assertThatThrownBy(() -> new ModelLoader().load(m))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("output.layout must be one of")
                .hasMessageContaining("yolov10")
                .hasMessageContaining("yolov8-seg")
                .hasMessageContaining("got yolov9-obb");
    }

    @Test
    void outputsThatDoNotMatchTheCardsLayoutAreRefusedSayingWhatWasExpected() {
        // a YOLOv8 head under a yolov10 card
        Path v8 = model("wrong-e2e", "yolov10", Map.of("output0", new Tensor(new long[] {1, 6, 3}, new float[18])));
        assertThatThrownBy(() -> new ModelLoader().load(v8))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("wrong-e2e")
                .hasMessageContaining("[1, K, 6]");
        // an end-to-end head under a yolov5 card (2 classes: 7 values per row)
        Path e2e = model("wrong-v5", "yolov5", Map.of("output0", new Tensor(new long[] {1, 300, 6}, new float[1800])));
        assertThatThrownBy(() -> new ModelLoader().load(e2e))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("[1, N, 7]");
        // a segmentation card on a model without prototypes
        Path noProto =
                model("no-proto", "yolov8-seg", Map.of("output0", new Tensor(new long[] {1, 38, 3}, new float[114])));
        assertThatThrownBy(() -> new ModelLoader().load(noProto))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("no-proto")
                .hasMessageContaining("mask prototype output");
        // prototypes with 16 channels but 32 coefficients per candidate
        Map<String, Tensor> mismatch = new LinkedHashMap<>();
        mismatch.put("output0", new Tensor(new long[] {1, 38, 3}, new float[114]));
        mismatch.put("output1", new Tensor(new long[] {1, 16, 8, 8}, new float[16 * 64]));
        Path seg = model("seg-mismatch", "yolov8-seg", mismatch);
        assertThatThrownBy(() -> new ModelLoader().load(seg))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("16 mask coefficients")
                .hasMessageContaining("[1, 22, N]");
    }

    // --- graphs answering fixed tensors ---

    record Tensor(long[] shape, float[] values) {}

    /** A 640x640 detector for classes scratch, dent (threshold 0.3, NMS 0.45) whose outputs are these tensors. */
    private Path model(String name, String layout, Map<String, Tensor> outputs) {
        Path d = dir.resolve(name);
        OnnxGraphWriter g = new OnnxGraphWriter(name);
        g.input("images", new long[] {1, 3, 640, 640});
        // 0 x mean(image) keeps the input in the graph; each output = its constant + that zero
        g.node(
                "ReduceMean",
                List.of("images"),
                List.of("mean"),
                Map.of("axes", new long[] {0, 1, 2, 3}, "keepdims", 0L));
        g.initializer("zero", new long[] {1}, new float[] {0f});
        g.node("Mul", List.of("mean", "zero"), List.of("nothing"));
        for (Map.Entry<String, Tensor> o : outputs.entrySet()) {
            g.initializer(
                    o.getKey() + "_value", o.getValue().shape(), o.getValue().values());
            g.node("Add", List.of(o.getKey() + "_value", "nothing"), List.of(o.getKey()));
            g.output(o.getKey(), o.getValue().shape());
        }
        g.write(d.resolve("model.onnx"));
        new ModelCard(
                        name,
                        "1",
                        ModelCard.DETECT,
                        null,
                        null,
                        new ModelCard.Input("images", 640, 640, 3, "RGB", true, 114, null, null, null),
                        new ModelCard.Output(layout, "output0", null, null, null),
                        List.of("scratch", "dent"),
                        Map.of("default", 0.3),
                        null,
                        null,
                        null,
                        0.45,
                        null,
                        null)
                .write(d.resolve("model.yaml"));
        return d;
    }

    private static float[] flatten(float[][] rows) {
        float[] f = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, f, i * rows[0].length, rows[0].length);
        }
        return f;
    }

    private static float[] coef(int m, int hot) {
        float[] c = new float[m];
        c[hot] = 1;
        return c;
    }

    /** Candidate i of a column-layout output [stride, n]: box and class scores, then mask coefficients. */
    private static void setColumn(float[] out, int n, int i, float[] head, float[] coefficients) {
        for (int k = 0; k < head.length; k++) {
            out[k * n + i] = head[k];
        }
        for (int k = 0; k < coefficients.length; k++) {
            out[(head.length + k) * n + i] = coefficients[k];
        }
    }
}
