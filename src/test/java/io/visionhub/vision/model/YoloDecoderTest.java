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
