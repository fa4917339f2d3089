package io.visionhub.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VisionPropertiesTest {

    @Test
    void maxConcurrentInspectionsDefaultsToOnePerCoreAndANegativeValueIsRefusedByName() {
        assertThat(new VisionProperties(null, null, null, null, null).maxConcurrentInspections())
                .isZero();
        assertThat(new VisionProperties(null, null, null, null, 3).maxConcurrentInspections())
                .isEqualTo(3);
        assertThatThrownBy(() -> new VisionProperties(null, null, null, null, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("visionhub.vision.max-concurrent-inspections")
                .hasMessageContaining("got -1");
    }
}
