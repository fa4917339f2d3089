package io.visionhub.vision.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.event.Defect;
import java.util.List;
import org.junit.jupiter.api.Test;

class YoloDecoderTest {

    @Test
    void yolov8ColumnsDecodeAndOverlappingBoxesOfOneClassAreSuppressed() {
        // 3 candidates, 2 classes: [1, 6, 3]
        int n = 3;
        float[] out = new float[6 * n];
        float[][] rows = {{100, 100, 20, 20, 0.9f, 0}, {102, 101, 20, 20, 0.8f, 0}, {300, 200, 40, 10, 0, 0.7f}};
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 6; k++) {
                out[k * n + i] = rows[i][k];
            }
        }
        YoloDecoder d = new YoloDecoder(YoloDecoder.Layout.YOLOV8, 2, new float[] {0.5f, 0.5f}, 0.45f, 100);
        assertThat(d.candidates(new long[] {1, 6, 3}, "m")).isEqualTo(3);
        List<Detection> dets = d.decode(out, n);
        assertThat(dets).hasSize(2);
        assertThat(dets.get(0).confidence()).isEqualTo(0.9f);
        assertThat(dets.get(1).classIndex()).isEqualTo(1);
        assertThat(dets.get(1).x1()).isEqualTo(280f);
    }

    @Test
    void theClassMajorScanKeepsTheBestClassPerCandidateAsACandidateByCandidateScanDoes() {
        // YOLOv8n's shape [1, 84, 8400] with random scores, ties, zeros, negatives and NaN class scores; per-class
        // thresholds: the decoder must pick what the plain candidate-by-candidate loop below picks
        int classes = 80;
        int n = 8400;
        java.util.Random rnd = new java.util.Random(19);
        float[] out = new float[(4 + classes) * n];
        for (int i = 0; i < n; i++) {
            out[i] = rnd.nextFloat() * 640;
            out[n + i] = rnd.nextFloat() * 640;
            out[2 * n + i] = 2 + rnd.nextFloat() * 60;
            out[3 * n + i] = 2 + rnd.nextFloat() * 60;
            for (int c = 0; c < classes; c++) {
                float v = (float) Math.pow(rnd.nextFloat(), 8); // mostly small, some above the thresholds
                int kind = rnd.nextInt(100);
                out[(4 + c) * n + i] = kind == 0 ? Float.NaN : kind == 1 ? -v : kind == 2 ? 0 : v;
            }
            if (i % 97 == 0) { // a tie between two classes: the first one wins
                out[(4 + 3) * n + i] = 0.6f;
                out[(4 + 40) * n + i] = 0.6f;
            }
        }
        float[] thresholds = new float[classes];
        for (int c = 0; c < classes; c++) {
            thresholds[c] = 0.2f + 0.5f * c / classes;
        }
        YoloDecoder d = new YoloDecoder(YoloDecoder.Layout.YOLOV8, classes, thresholds, 0.45f, 300);
        List<Detection> expected = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            int best = -1;
            float bestScore = 0;
            for (int c = 0; c < classes; c++) {
                if (out[(4 + c) * n + i] > bestScore) {
                    bestScore = out[(4 + c) * n + i];
                    best = c;
                }
            }
            if (best >= 0 && bestScore >= thresholds[best]) {
                float cx = out[i];
                float cy = out[n + i];
                float w = out[2 * n + i];
                float h = out[3 * n + i];
                expected.add(new Detection(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, bestScore, best, i));
            }
        }
        assertThat(expected).hasSizeGreaterThan(300); // the thresholds leave real work to NMS
        assertThat(d.decode(out, n)).containsExactlyElementsOf(YoloDecoder.nms(expected, 0.45f, 300));
        assertThat(expected.stream().filter(e -> e.candidate() % 97 == 0 && e.confidence() == 0.6f))
                .isNotEmpty()
                .allMatch(e -> e.classIndex() == 3);
    }

    @Test
    void aNanBoxOfACandidateAboveTheThresholdIsAClearError() {
        int n = 2;
        float[] out = new float[6 * n];
        out[0] = Float.NaN; // cx of candidate 0
        out[4 * n] = 0.9f; // class 0 score of candidate 0
        YoloDecoder d = new YoloDecoder(YoloDecoder.Layout.YOLOV8, 2, new float[] {0.5f, 0.5f}, 0.45f, 100);
        assertThatThrownBy(() -> d.decode(out, n))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("NaN/Inf at candidate 0");
    }

    @Test
    void yolov5RowsMultiplyObjectnessAndClassScore() {
        float[] out = {50, 60, 10, 10, 0.8f, 0.5f, 1.0f};
        YoloDecoder d = new YoloDecoder(YoloDecoder.Layout.YOLOV5, 2, new float[] {0.3f, 0.3f}, 0.45f, 100);
        assertThat(d.candidates(new long[] {1, 1, 7}, "m")).isEqualTo(1);
        List<Detection> dets = d.decode(out, 1);
        assertThat(dets).singleElement().satisfies(x -> {
            assertThat(x.classIndex()).isEqualTo(1);
            assertThat(x.confidence()).isEqualTo(0.8f);
        });
        assertThatThrownBy(() -> d.candidates(new long[] {1, 1, 9}, "m"))
                .hasMessageContaining("expects 7 values per box");
    }

    @Test
    void letterboxGeometryMapsBoxesBackToOriginalPixels() {
        // 640x480 frame letterboxed into 640x640: scale 1, 80 px bands above and below
        ImagePreprocessor.Geometry g = new ImagePreprocessor.Geometry(1, 1, 0, 80, 640, 480);
        assertThat(g.toOriginal(100, 180, 150, 230)).isEqualTo(new Defect.Box(100, 100, 50, 50));
        // clipped to the frame
        assertThat(g.toOriginal(-10, 0, 20, 100)).isEqualTo(new Defect.Box(0, 0, 20, 20));
    }
}
