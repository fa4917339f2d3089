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

    @Test
    void aDeviceServiceAtAnotherPathOrOverHttpsIsGivenAsOptions() {
        OnvifCameraUri u = OnvifCameraUri.parse("onvif://hub:pw@10.0.0.5:8443/main?path=/onvif/device&https=true");
        assertThat(u.profile()).isEqualTo("main");
        assertThat(u.deviceService()).hasToString("https://10.0.0.5:8443/onvif/device");
        assertThat(u.toString()).isEqualTo("onvif://hub:***@10.0.0.5:8443/main?path=/onvif/device&https=true");
        assertThat(OnvifCameraUri.parse("onvif://cam/p/snapshot?path=/a%20b/dev")
                        .deviceService())
                .hasToString("http://cam/a%20b/dev");
        assertThat(OnvifCameraUri.sourceFor(java.net.URI.create("https://10.0.0.5:8443/onvif/device"), "main"))
                .isEqualTo("onvif://10.0.0.5:8443/main?path=/onvif/device&https=true");
        assertThat(OnvifCameraUri.sourceFor(java.net.URI.create("http://10.0.0.5/onvif/device_service"), "main"))
                .isEqualTo("onvif://10.0.0.5/main");
        assertThat(OnvifCameraUri.sourceFor(java.net.URI.create("http://[fe80::1]:81/x"), "p"))
                .isEqualTo("onvif://[fe80::1]:81/p?path=/x");
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> OnvifCameraUri.parse("onvif://u:topsecret@cam/p?path=onvif/device"))
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(OnvifException.Kind.BAD_INPUT))
                .hasMessageContaining("path 'onvif/device' is not the path of a device service")
                .hasMessageNotContaining("topsecret");
        assertThatThrownBy(() -> OnvifCameraUri.parse("onvif://cam/p?https=yes"))
                .hasMessageContaining("https must be true or false, not 'yes'");
        assertThatThrownBy(() -> OnvifCameraUri.parse("onvif://cam/p?port=81"))
                .hasMessageContaining("unknown option 'port' (options: path, https)");
    }
}
