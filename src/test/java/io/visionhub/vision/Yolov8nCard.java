package io.visionhub.vision;

import io.visionhub.vision.model.ModelCard;
import java.nio.file.Path;
import java.util.Map;

/**
 * A model card for the real YOLOv8n export of {@link RealFixtures#yolov8n()}, written into a folder of its own (the
 * card names the fixture file by its absolute path, so the 12.8 MB model is not copied). Classes come from the
 * export's metadata.
 */
public final class Yolov8nCard {

    private Yolov8nCard() {}

    /** Writes {@code model.yaml} into {@code dir} and returns {@code dir}, ready for {@code ModelLoader.load}. */
    public static Path write(Path dir, Path onnx) {
        new ModelCard(
                        "yolov8n",
                        "8.0",
                        ModelCard.DETECT,
                        onnx.toAbsolutePath().toString(),
                        "Ultralytics YOLOv8n (COCO), test and benchmark fixture; AGPL weights, never shipped",
                        new ModelCard.Input("images", 640, 640, 3, "RGB", true, 114, null, null, null),
                        new ModelCard.Output("yolov8", "output0", null, null, null),
                        null,
                        Map.of("default", 0.25),
                        null,
                        null,
                        null,
                        0.45,
                        null,
                        null)
                .write(dir.resolve(ModelCard.CARD_FILE));
        return dir;
    }
}
