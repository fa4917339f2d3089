package io.visionhub.onvif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** onvif:// source addresses: parsed, percent-decoded, masked, and refused with a message when malformed. */
class OnvifCameraUriTest {

    @Test
    void userPasswordHostPortAndProfileAreRead() {
        OnvifCameraUri u = OnvifCameraUri.parse("onvif://admin:s%40cr%3At@192.168.0.20:8080/profile_main");
        assertThat(u.host()).isEqualTo("192.168.0.20");
        assertThat(u.port()).isEqualTo(8080);
        assertThat(u.username()).isEqualTo("admin");
        assertThat(u.password()).isEqualTo("s@cr:t");
        assertThat(u.profile()).isEqualTo("profile_main");
        assertThat(u.snapshot()).isFalse();
        assertThat(u.deviceService()).hasToString("http://192.168.0.20:8080/onvif/device_service");
        assertThat(u.toString()).isEqualTo("onvif://admin:***@192.168.0.20:8080/profile_main");
    }

    @Test
    void snapshotSuffixAndEmptyProfileAndNoCredentials() {
        OnvifCameraUri u = OnvifCameraUri.parse("onvif://cam-7/sub/snapshot");
        assertThat(u.profile()).isEqualTo("sub");
        assertThat(u.snapshot()).isTrue();
        assertThat(u.username()).isNull();
        assertThat(OnvifCameraUri.parse("onvif://cam-7").profile()).isEmpty();
        assertThat(OnvifCameraUri.parse("onvif://cam-7/").deviceService())
                .hasToString("http://cam-7/onvif/device_service");
    }

    @Test
    void malformedAddressesAreRefusedWithoutShowingThePassword() {
        assertThatThrownBy(() -> OnvifCameraUri.parse("rtsp://a:b@host/x"))
                .isInstanceOf(OnvifException.class)
                .hasMessageContaining("not an onvif source")
                .hasMessageNotContaining(":b@");
        assertThatThrownBy(() -> OnvifCameraUri.parse("onvif://u:topsecret@/p"))
                .hasMessageContaining("no host")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> OnvifCameraUri.parse("onvif://u:topsecret@host/a/b/c"))
                .hasMessageContaining("is not a profile")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> OnvifCameraUri.parse("onvif://u:top secret@host/p"))
                .hasMessageContaining("bad onvif source")
                .hasMessageNotContaining("top secret");
    }
}
