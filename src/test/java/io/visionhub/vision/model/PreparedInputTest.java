package io.visionhub.vision.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.visionhub.vision.TestModels;
import io.visionhub.vision.pixel.YCbCrPlanes;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs filled ahead of their run (decode-ahead's pre-processing on another thread): the model judges them as it
 * judges the frame itself, only the model that filled one runs it, once, and a buffer that passed through another
 * thread gets its letterbox padding written again.
 */
class PreparedInputTest {

    @TempDir
    static Path modelDir;

    static final SimulatedPartGenerator PARTS = new SimulatedPartGenerator(8, 0.5);

    @BeforeAll
    static void teach() {
        TestModels.anomalyModel(modelDir, "prepared-input-test");
    }

    @Test
    void anInputPreparedOnAnotherThreadGivesTheVerdictOfTheFrameAndRunsOnceOnItsOwnModel() throws Exception {
        try (InspectionModel model = new ModelLoader().load(modelDir);
                InspectionModel other = new ModelLoader().load(modelDir)) {
            for (long part = 0; part < 4; part++) {
                BufferedImage image = PARTS.generate(part).image();
                ModelVerdict direct = model.inspect(image);
                InspectionModel.PreparedInput in = CompletableFuture.supplyAsync(
                                () -> model.prepareInput(image, null, image.getWidth(), image.getHeight()))
                        .get();
                assertThat(in).isNotNull();
                assertThat(in.preprocessMs()).isPositive();
                ModelVerdict ahead = model.runPrepared(in);
                assertThat(ahead.anomalyScore()).as("part %d", part).isEqualTo(direct.anomalyScore());
                assertThat(ahead.result()).isEqualTo(direct.result());
                assertThat(ahead.preprocessMs()).isEqualTo(in.preprocessMs(), within(0.001));
                assertThatThrownBy(() -> model.runPrepared(in))
                        .isInstanceOf(ModelException.class)
                        .hasMessageContaining("run twice");
            }
            BufferedImage image = PARTS.generate(9).image();
            InspectionModel.PreparedInput in = model.prepareInput(image, null, image.getWidth(), image.getHeight());
            assertThatThrownBy(() -> other.runPrepared(in))
                    .isInstanceOf(ModelException.class)
                    .hasMessageContaining("another model");
            // bad data: no image, a frame no camera sends
            assertThatThrownBy(() -> model.prepareInput(null, null, 640, 480)).isInstanceOf(ModelException.class);
            BufferedImage tiny = new BufferedImage(4, 4, BufferedImage.TYPE_3BYTE_BGR);
            assertThatThrownBy(() -> model.prepareInput(tiny, null, 4, 4))
                    .isInstanceOf(ModelException.class)
                    .hasMessageContaining("4x4");
        }
    }

    @Test
    void aBufferFilledBeforeGetsItsPaddingWrittenAgainAfterForgetPadding() {
        ImagePreprocessor pre = new ImagePreprocessor(ImagePreprocessorTest.YOLO, true);
        // a 1920x1080 frame decoded at 3/8 (720x405, 4:2:0): letterboxed to 640x360, grey bands above and below
        byte[] y = new byte[720 * 405];
        Arrays.fill(y, (byte) 200);
        byte[] c = new byte[360 * 203];
        Arrays.fill(c, (byte) 128);
        YCbCrPlanes planes = new YCbCrPlanes(720, 405, y, 720, c, c.clone(), 360, 2, 2);
        FloatBuffer out = ByteBuffer.allocateDirect(pre.size() * 4)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        float grey = 114f / 255f;
        pre.apply(planes, out, 1920, 1080);
        assertThat(out.get(0)).as("top band").isEqualTo(grey, within(1e-4f));
        out.put(0, 42f); // what another thread's fill of another frame shape would leave there
        pre.apply(planes, out, 1920, 1080);
        assertThat(out.get(0))
                .as("same buffer, same shape: padding not rewritten")
                .isEqualTo(42f);
        pre.forgetPadding();
        pre.apply(planes, out, 1920, 1080);
        assertThat(out.get(0)).as("after forgetPadding").isEqualTo(grey, within(1e-4f));
    }
}
