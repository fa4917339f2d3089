package io.visionhub.vision.teach;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.vision.RealFixtures;
import io.visionhub.vision.model.AnomalyModel;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelLoader;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PatchCore on the real YOLOv8n export (its C2f blocks model.4 and model.6 as features, cut out of the graph by the
 * hub) and the real CC0 brick texture: crops taken anywhere in the texture at varying brightness. Skips when the
 * fixture or the texture is absent (.ci/fetch-fixtures fetches both).
 */
class PatchCoreRealBackboneTest {

    @TempDir
    Path dir;

    @Test
    void stainedAndScratchedBrickScoresAboveEveryGoodCropAndTheMapPeaksOnTheDefect() {
        Path backbone = RealFixtures.yolov8n();
        BufferedImage brick = TextureCrops.read(RealFixtures.texture("brick.png"));
        TextureCrops crops = new TextureCrops(brick, brick, 256, 0);
        List<BufferedImage> good = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            good.add(crops.good(100 + i).image());
        }
        AnomalyTeacher.Result taught =
                new PatchCoreTeacher().teach(good, PatchCoreTeacher.Spec.of("brick", "1", backbone), dir);
        assertThat(taught.card().patchcore().featureDims()).isEqualTo(32 + 64);

        try (InspectionModel m = new ModelLoader().load(dir)) {
            AnomalyModel am = (AnomalyModel) m;
            double maxGood = 0;
            for (int i = 0; i < 6; i++) {
                maxGood = Math.max(
                        maxGood, am.anomalyMap(crops.good(500 + i).image()).score());
            }
            assertThat(maxGood).isLessThan(taught.threshold());
            // seeds whose defects lie inside the judged area (not in the 24 px border)
            List<TextureCrops.Sample> bad = List.of(
                    crops.defective(901, TextureCrops.BLOT),
                    crops.defective(902, TextureCrops.SCRATCH),
                    crops.defective(903, TextureCrops.BLOT));
            for (TextureCrops.Sample s : bad) {
                AnomalyModel.AnomalyMap map = am.anomalyMap(s.image());
                assertThat(map.score()).as(s.defect()).isGreaterThan(maxGood);
                int peak = 0;
                for (int i = 1; i < map.values().length; i++) {
                    if (map.values()[i] > map.values()[peak]) {
                        peak = i;
                    }
                }
                // the map is at input resolution (256 = the crop): the peak lies within one patch (8 px) of the mask
                assertThat(nearMask(s.mask(), 256, peak % 256, peak / 256, 8))
                        .as(s.defect() + " peak at " + peak % 256 + "," + peak / 256)
                        .isTrue();
            }
        }
    }

    private static boolean nearMask(boolean[] mask, int size, int x, int y, int r) {
        for (int yy = Math.max(0, y - r); yy < Math.min(size, y + r + 1); yy++) {
            for (int xx = Math.max(0, x - r); xx < Math.min(size, x + r + 1); xx++) {
                if (mask[yy * size + xx]) {
                    return true;
                }
            }
        }
        return false;
    }
}
