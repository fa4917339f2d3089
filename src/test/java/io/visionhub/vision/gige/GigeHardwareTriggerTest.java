package io.visionhub.vision.gige;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hardware trigger line, as far as Aravis' fake cameras can show it. Their GenICam document (the same for the
 * in-process Fake_1 and {@code arv-fake-gv-camera-0.8}, Aravis 0.8.26) has TriggerSource entries Line0 and Software
 * only, and TriggerActivation RisingEdge only: TriggerSource=Line1 is refused (tried here), and Line0 exists as a
 * register but no input can be driven, so no frame can be made to follow a line edge. What is tested is the
 * configuration path: the source's features TriggerSelector, TriggerMode, TriggerSource and TriggerActivation are
 * written to the camera, read back, and make the source a line-triggered one; a line the camera lacks is an error
 * naming the value and the camera's entries.
 */
class GigeHardwareTriggerTest {

    static final String LINE_FEATURES =
            "TriggerSelector=FrameStart&TriggerMode=On&TriggerSource=Line0&TriggerActivation=RisingEdge";

    @TempDir
    Path dir;

    @Test
    void theFakeCamerasGenicamHasNoLine1AndSayingSoNamesTheEntriesItHas() {
        Assumptions.assumeTrue(Aravis.available(), Aravis::unavailableReason);
        try (GigeCamera cam = GigeCamera.open("Fake_1")) {
            cam.set("TriggerSelector", "FrameStart");
            cam.set("TriggerMode", "On");
            assertThatThrownBy(() -> cam.set("TriggerSource", "Line1"))
                    .isInstanceOf(GigeException.class)
                    .hasMessageContaining("camera Fake_1: cannot set GenICam feature TriggerSource=Line1")
                    .hasMessageContaining("(the camera's TriggerSource entries: Line0, Software)");
            assertThatThrownBy(() -> cam.set("TriggerActivation", "FallingEdge"))
                    .hasMessageContaining("(the camera's TriggerActivation entries: RisingEdge)");
            // the features are written and read back at the GenICam level
            cam.set("TriggerSource", "Line0");
            cam.set("TriggerActivation", "RisingEdge");
            assertThat(cam.get("TriggerMode")).isEqualTo("On");
            assertThat(cam.get("TriggerSource")).isEqualTo("Line0");
            assertThat(cam.get("TriggerActivation")).isEqualTo("RisingEdge");
            cam.set("TriggerSource", "Software");
            assertThat(cam.get("TriggerSource"))
                    .as("a second write is read back too")
                    .isEqualTo("Software");
        }
    }

    @Test
    void aLineTriggeredSourceWritesItsTriggerFeaturesToTheGvFakeCameraAndIsLineTriggered() throws Exception {
        try (FakeGvCamera fake = FakeGvCamera.start(dir)) {
            try (GigeFrameSource source = new GigeFrameSource(
                    "line-cam",
                    "gige://" + FakeGvCamera.ADDRESS + "?PixelFormat=Mono8&Width=64&Height=48&" + LINE_FEATURES,
                    5_000,
                    1_000_000,
                    null)) {
                source.open();
                assertThat(source.triggerKind()).isEqualTo(GigeFrameSource.TriggerKind.LINE);
                assertThat(source.feature("TriggerSelector")).isEqualTo("FrameStart");
                assertThat(source.feature("TriggerMode")).isEqualTo("On");
                assertThat(source.feature("TriggerSource")).isEqualTo("Line0");
                assertThat(source.feature("TriggerActivation")).isEqualTo("RisingEdge");
            }
            try (GigeFrameSource line1 = new GigeFrameSource(
                    "line-cam",
                    "gige://" + FakeGvCamera.ADDRESS + "?TriggerSelector=FrameStart&TriggerMode=On&TriggerSource=Line1",
                    5_000,
                    1_000_000,
                    null)) {
                assertThatThrownBy(line1::open)
                        .isInstanceOf(GigeException.class)
                        .hasMessageContaining("cannot set GenICam feature TriggerSource=Line1")
                        .hasMessageContaining("entries: Line0, Software");
            }
        }
    }
}
