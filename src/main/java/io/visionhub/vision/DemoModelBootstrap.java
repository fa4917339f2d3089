package io.visionhub.vision;

import io.visionhub.vision.model.ModelCard;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the demo anomaly model exists: when {@code <path>/model.onnx} is missing, teaches it from good
 * simulated parts (a second or two) and writes model.onnx and model.yaml there.
 */
public final class DemoModelBootstrap {

    private static final Logger LOG = LoggerFactory.getLogger(DemoModelBootstrap.class);

    private DemoModelBootstrap() {}

    /** @return true when a model was taught */
    public static boolean ensure(Path dir, int goodImages, long seed) {
        Path onnx = dir.resolve(ModelCard.DEFAULT_MODEL_FILE);
        if (Files.isRegularFile(onnx) && Files.isRegularFile(dir.resolve(ModelCard.CARD_FILE))) {
            LOG.info("Demo model present at {}, not teaching", dir.toAbsolutePath());
            return false;
        }
        LOG.info(
                "Demo model missing at {}: teaching it from {} good simulated parts (seed {})",
                dir.toAbsolutePath(),
                goodImages,
                seed);
        SimulatedPartGenerator gen = new SimulatedPartGenerator(seed, 0.0);
        List<BufferedImage> good = LongStream.range(0, goodImages)
                .mapToObj(i -> gen.good(i).image())
                .toList();
        new AnomalyTeacher()
                .teach(good, AnomalyTeacher.Spec.of(dir.getFileName().toString(), "1"), dir);
        return true;
    }
}
