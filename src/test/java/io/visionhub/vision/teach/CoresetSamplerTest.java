package io.visionhub.vision.teach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class CoresetSamplerTest {

    private static final int CLUSTERS = 6;
    private static final int PER_CLUSTER = 60;
    private static final int DIMS = 32;

    /** Six tight clusters far apart: a good coreset of six takes one patch of each. */
    private static float[] clusters(long seed) {
        Random rnd = new Random(seed);
        float[] data = new float[CLUSTERS * PER_CLUSTER * DIMS];
        for (int c = 0; c < CLUSTERS; c++) {
            float[] centre = new float[DIMS];
            for (int j = 0; j < DIMS; j++) {
                centre[j] = (float) (rnd.nextGaussian() * 50);
            }
            for (int k = 0; k < PER_CLUSTER; k++) {
                int row = c * PER_CLUSTER + k;
                for (int j = 0; j < DIMS; j++) {
                    data[row * DIMS + j] = centre[j] + (float) (rnd.nextGaussian() * 0.5);
                }
            }
        }
        return data;
    }

    @Test
    void coresetTakesOnePatchOfEveryClusterSoEveryPatchStaysClose() {
        float[] data = clusters(3);
        int rows = CLUSTERS * PER_CLUSTER;
        for (int projection : new int[] {DIMS, 8}) {
            CoresetSampler.Result r = CoresetSampler.sample(data, rows, DIMS, CLUSTERS, projection, 11, null);
            assertThat(r.indices()).hasSize(CLUSTERS);
            Set<Integer> clustersHit = new TreeSet<>();
            Arrays.stream(r.indices()).forEach(i -> clustersHit.add(i / PER_CLUSTER));
            assertThat(clustersHit).as("projection to %d dims", projection).hasSize(CLUSTERS);
            // within-cluster spread is 0.5 per dimension (about 4 across 32 dims, 8 between two members);
            // clusters lie about 400 apart
            double coverage = CoresetSampler.coverage(data, rows, DIMS, r.indices());
            assertThat(coverage).isLessThan(12);
        }
    }

    @Test
    void greedyCoresetCoversBetterThanTheSameNumberOfRandomPatches() {
        Random rnd = new Random(5);
        int rows = 2000;
        int dims = 16;
        float[] data = new float[rows * dims];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rnd.nextGaussian();
        }
        CoresetSampler.Result r = CoresetSampler.sample(data, rows, dims, 100, dims, 1, null);
        assertThat(Arrays.stream(r.indices()).distinct().count()).isEqualTo(100);
        assertThat(r.coverageRadius()).isCloseTo(CoresetSampler.coverage(data, rows, dims, r.indices()), within());
        int[] random = rnd.ints(0, rows).distinct().limit(100).toArray();
        assertThat(r.coverageRadius()).isLessThan(CoresetSampler.coverage(data, rows, dims, random));
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-3);
    }

    @Test
    void sameSeedPicksTheSamePatches() {
        float[] data = clusters(9);
        int rows = CLUSTERS * PER_CLUSTER;
        int[] a = CoresetSampler.sample(data, rows, DIMS, 40, 8, 77, null).indices();
        int[] b = CoresetSampler.sample(data, rows, DIMS, 40, 8, 77, null).indices();
        assertThat(a).containsExactly(b);
    }

    @Test
    void sizeOutsideTheDataIsRefused() {
        float[] data = new float[10 * 4];
        assertThatThrownBy(() -> CoresetSampler.sample(data, 10, 4, 11, 4, 1, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("coreset size must be 1..10");
        assertThatThrownBy(() -> CoresetSampler.sample(data, 10, 4, 0, 4, 1, null))
                .hasMessageContaining("coreset size");
    }
}
