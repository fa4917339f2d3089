package io.visionhub.vision.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model card's optional {@code camera:} block: GenICam features read in order as text, bad values refused. */
class ModelCardCameraTest {

    @TempDir
    Path dir;

    private static final String CARD = """
            name: cam-card
            version: "1"
            kind: anomaly
            input: {width: 64, height: 64}
            anomaly: {threshold: 0.5}
            """;

    @Test
    void cameraFeaturesAreReadInTheCardsOrderAsText() throws Exception {
        Path card = write(
                CARD + "camera: {features: {PixelFormat: Mono8, ExposureTime: 1200, Gain: 2.5, ReverseX: true}}\n");
        ModelCard c = ModelCard.read(card);
        assertThat(c.cameraFeatures())
                .containsExactly(
                        java.util.Map.entry("PixelFormat", "Mono8"),
                        java.util.Map.entry("ExposureTime", "1200"),
                        java.util.Map.entry("Gain", "2.5"),
                        java.util.Map.entry("ReverseX", "true"));
        // written back and read again: the block survives (the registry rewrites cards)
        c.write(dir.resolve("again.yaml"));
        assertThat(ModelCard.read(dir.resolve("again.yaml")).cameraFeatures()).isEqualTo(c.cameraFeatures());
    }

    @Test
    void aCardWithoutCameraBlockHasNoFeatures() throws Exception {
        assertThat(ModelCard.read(write(CARD)).cameraFeatures()).isEmpty();
        assertThat(ModelCard.read(write(CARD + "camera: {}\n")).cameraFeatures())
                .isEmpty();
    }

    @Test
    void aFeatureThatIsNotASingleValueIsAClearErrorNamingIt() throws Exception {
        assertThatThrownBy(() -> ModelCard.read(write(CARD + "camera: {features: {ExposureTime: [1, 2]}}\n")))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("camera.features.ExposureTime must be a single value");
        assertThatThrownBy(() -> ModelCard.read(write(CARD + "camera: {features: {Gain: {raw: 3}}}\n")))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("camera.features.Gain");
    }

    @Test
    void anUnknownKeyInTheCameraBlockIsRefused() throws Exception {
        assertThatThrownBy(() -> ModelCard.read(write(CARD + "camera: {feature: {Gain: 1}}\n")))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("feature");
    }

    private Path write(String text) throws Exception {
        Path p = Files.createTempFile(dir, "model", ".yaml");
        Files.writeString(p, text);
        return p;
    }
}
