package io.visionhub.vision;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.images.ImageStore;
import io.visionhub.images.ImageStoreConfiguration;
import io.visionhub.vision.component.VisionComponent;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class VisionConfigurationTest {

    @TempDir
    Path dir;

    @Test
    void startupTeachesTheMissingDemoModelAndWiresTheVisionComponentWithTheImageStore() {
        Path model = dir.resolve("models/demo-anomaly");
        new ApplicationContextRunner()
                .withUserConfiguration(ImageStoreConfiguration.class, VisionConfiguration.class)
                .withPropertyValues(
                        "visionhub.vision.demo-model.path=" + model,
                        "visionhub.images.root=" + dir.resolve("images"),
                        "visionhub.vision.session.warmup-runs=1")
                .run(ctx -> {
                    if (ctx.getStartupFailure() != null) {
                        throw new AssertionError("start-up failed", ctx.getStartupFailure());
                    }
                    assertThat(ctx.getBean(VisionConfiguration.DemoModelReady.class)
                                    .taught())
                            .isTrue();
                    assertThat(model.resolve("model.onnx")).exists();
                    assertThat(model.resolve("model.yaml")).exists();
                    VisionComponent vision = ctx.getBean("vision", VisionComponent.class);
                    assertThat(vision.getImageStore()).isSameAs(ctx.getBean(ImageStore.class));
                    assertThat(vision.sessionTuning().warmupRuns()).isEqualTo(1);
                    try (InspectionModel m = new ModelLoader().load(model)) {
                        assertThat(m.ref().name()).isEqualTo("demo-anomaly");
                    }
                });
        long modified = model.resolve("model.onnx").toFile().lastModified();
        // second start: the model exists and is kept
        new ApplicationContextRunner()
                .withUserConfiguration(ImageStoreConfiguration.class, VisionConfiguration.class)
                .withPropertyValues(
                        "visionhub.vision.demo-model.path=" + model, "visionhub.images.root=" + dir.resolve("images"))
                .run(ctx -> assertThat(ctx.getBean(VisionConfiguration.DemoModelReady.class)
                                .taught())
                        .isFalse());
        assertThat(model.resolve("model.onnx").toFile().lastModified()).isEqualTo(modified);
        assertThat(Files.isDirectory(dir.resolve("images"))).isTrue();
    }
}
