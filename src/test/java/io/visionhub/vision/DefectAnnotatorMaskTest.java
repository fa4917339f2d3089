package io.visionhub.vision;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.Defect;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The annotated frame shows a segmentation model's mask outline inside its box. */
class DefectAnnotatorMaskTest {

    @Test
    void maskOutlineIsDrawnInsideTheBox() {
        BufferedImage frame = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        Defect.Mask diamond = new Defect.Mask(
                5000, List.of(List.of(300, 150), List.of(400, 250), List.of(300, 350), List.of(200, 250)));
        BufferedImage withMask = DefectAnnotator.annotate(
                frame, List.of(new Defect("dent", 0.9, new Defect.Box(180, 130, 240, 240), diamond)));
        BufferedImage boxOnly =
                DefectAnnotator.annotate(frame, List.of(new Defect("dent", 0.9, new Defect.Box(180, 130, 240, 240))));
        // a point of the diamond's edge, well inside the box: red only where the outline was drawn
        assertThat(withMask.getRGB(350, 200) & 0xffffff).isNotZero();
        assertThat(boxOnly.getRGB(350, 200) & 0xffffff).isZero();
        // the centre of the diamond stays the frame's own pixel
        assertThat(withMask.getRGB(300, 250) & 0xffffff).isZero();
    }
}
