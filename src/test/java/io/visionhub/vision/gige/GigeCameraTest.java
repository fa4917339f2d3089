package io.visionhub.vision.gige;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.vision.pixel.GenicamPixelFormat;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GenICam features by name and streaming against Aravis' in-process fake camera (deterministic, no network). */
class GigeCameraTest {

    @BeforeAll
    static void aravis() {
        Assumptions.assumeTrue(Aravis.available(), Aravis::unavailableReason);
    }

    @Test
    void featuresAreSetAndReadByNameWithTheOlderSfncNamesAsFallback() {
        try (GigeCamera cam = GigeCamera.open("Fake_1")) {
            assertThat(cam.describe()).contains("Aravis");
            cam.set("PixelFormat", "Mono16");
            assertThat(cam.get("PixelFormat")).isEqualTo("Mono16");
            // the fake camera only knows ExposureTimeAbs (pre-SFNC 2.0 name): ExposureTime reaches it
            assertThat(cam.set("ExposureTime", "2500")).isEqualTo("ExposureTimeAbs");
            assertThat(Double.parseDouble(cam.get("ExposureTime"))).isEqualTo(2500.0);
            cam.set("Width", "64");
            assertThat(cam.get("Width")).isEqualTo("64");
            cam.set("TriggerMode", "On");
            cam.set("TriggerSource", "Software");
            assertThat(cam.get("TriggerSource")).isEqualTo("Software");
        }
    }

    @Test
    void anUnknownFeatureOrABadValueIsAClearErrorNamingIt() {
        try (GigeCamera cam = GigeCamera.open("Fake_1")) {
            assertThatThrownBy(() -> cam.set("ExposureTimeBogus", "1"))
                    .isInstanceOf(GigeException.class)
                    .hasMessageContaining("Fake_1")
                    .hasMessageContaining("no GenICam feature named ExposureTimeBogus");
            assertThatThrownBy(() -> cam.get("Nonsense"))
                    .isInstanceOf(GigeException.class)
                    .hasMessageContaining("Nonsense");
            assertThatThrownBy(() -> cam.set("PixelFormat", "Purple12"))
                    .isInstanceOf(GigeException.class)
                    .hasMessageContaining("PixelFormat=Purple12");
        }
    }

    @Test
    void anUnknownCameraIsAClearError() {
        assertThatThrownBy(() -> GigeCamera.open("Fake_NoSuchCamera_9"))
                .isInstanceOf(GigeException.class)
                .hasMessageContaining("Fake_NoSuchCamera_9");
    }

    @Test
    void aStreamDeliversFramesInTheChosenPixelFormatAndCountsThem() {
        try (GigeCamera cam = GigeCamera.open("Fake_1")) {
            cam.set("Width", "128");
            cam.set("Height", "96");
            cam.set("PixelFormat", "Mono8");
            cam.set("AcquisitionFrameRate", "50");
            cam.startStreaming(4);
            for (int i = 0; i < 3; i++) {
                String got = cam.next(
                        10_000,
                        (data, w, h, pf, t, id) -> w + "x" + h + " "
                                + GenicamPixelFormat.fromCode(pf).genicamName() + " " + data.capacity());
                assertThat(got).isEqualTo("128x96 Mono8 12288");
            }
            assertThat(cam.statistics().completed()).isGreaterThanOrEqualTo(3);
        }
    }
}
