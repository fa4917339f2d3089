package io.visionhub.vision;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.Defect;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.model.ModelVerdict;
import io.visionhub.vision.model.SessionTuning;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real YOLOv8n finds the same objects in a real photo whether its 1080p JPEG was decoded by the native decoder
 * or by ImageIO: same classes, boxes overlapping at IoU > 0.9, scores within 0.03 (the tolerance the issue sets for
 * the hub against ONNX Runtime's own result). Skipped without the fixtures (.ci/fetch-fixtures fetches them).
 */
class NativeJpegDetectionsTest {

    @TempDir
    Path dir;

    @Test
    void aRealPhotoAt1080pGivesTheSameDetectionsWithEitherDecoder() throws Exception {
        Path onnx = RealFixtures.yolov8n();
        int compared = 0;
        try (InspectionModel model = new ModelLoader(new SessionTuning(2, 1, false, "all", 0, false, 0))
                .load(Yolov8nCard.write(dir, onnx))) {
            for (String name : new String[] {"dog.jpg", "horses.jpg", "person.jpg"}) {
                Path photo = RealFixtures.darknetPhoto(name);
                BufferedImage src = ImageDecoder.decodeWithImageIO(Files.readAllBytes(photo), name, Long.MAX_VALUE);
                byte[] jpeg = ImageDecoderTest.jpeg(ImageDecoderTest.scaled(src, 1920, 1080), 0.9f);
                List<Defect> fast =
                        model.inspect(ImageDecoder.decode(jpeg, name)).defects();
                ModelVerdict slowVerdict = model.inspect(ImageDecoder.decodeWithImageIO(jpeg, name, Long.MAX_VALUE));
                List<Defect> slow = slowVerdict.defects();
                assertThat(slow)
                        .as(name + ": YOLOv8n finds something in this photo")
                        .isNotEmpty();
                assertThat(fast).as(name + ": same number of detections").hasSameSizeAs(slow);
                for (Defect s : slow) {
                    Defect best = fast.stream()
                            .filter(f -> f.defectClass().equals(s.defectClass()))
                            .max((a, b) -> Double.compare(iou(a.box(), s.box()), iou(b.box(), s.box())))
                            .orElseThrow(() -> new AssertionError(
                                    name + ": no " + s.defectClass() + " with the native " + "decoder; found " + fast));
                    assertThat(iou(best.box(), s.box()))
                            .as(name + " " + s.defectClass() + " IoU")
                            .isGreaterThan(0.9);
                    assertThat(Math.abs(best.confidence() - s.confidence()))
                            .as(name + " " + s.defectClass() + " score")
                            .isLessThan(0.03);
                    compared++;
                }
            }
        }
        assertThat(compared).isGreaterThanOrEqualTo(3);
    }

    private static double iou(Defect.Box a, Defect.Box b) {
        double ix = Math.max(0, Math.min(a.x() + a.width(), b.x() + b.width()) - Math.max(a.x(), b.x()));
        double iy = Math.max(0, Math.min(a.y() + a.height(), b.y() + b.height()) - Math.max(a.y(), b.y()));
        double inter = ix * iy;
        return inter / ((double) a.width() * a.height() + (double) b.width() * b.height() - inter);
    }
}
