package io.visionhub.onvif.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.onvif.OnvifTesting;
import io.visionhub.onvif.sim.OnvifDeviceSimulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The onvif command in-process: discover and profiles against the simulator, exit codes, no password printed. */
class OnvifCommandTest {

    static final String PASSWORD = "cli-s3cret";

    @TempDir
    Path dir;

    OnvifDeviceSimulator camera;
    int port;

    record Run(int code, String out, String err) {}

    @BeforeEach
    void start() throws Exception {
        camera = new OnvifDeviceSimulator(dir, "hub", PASSWORD);
        port = OnvifTesting.freeUdpPort();
        camera.startDiscovery(port);
    }

    @AfterEach
    void stop() {
        camera.close();
    }

    Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = OnvifCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                env);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void discoverListsTheCameraWithItsProfilesAndSources() {
        Run r = run(
                Map.of(OnvifCommand.PASSWORD_ENV, PASSWORD),
                "discover",
                "--interface",
                "lo",
                "--port",
                String.valueOf(port),
                "--timeout",
                "1500ms",
                "--username",
                "hub");
        assertThat(r.code()).as(r.toString()).isZero();
        assertThat(r.out())
                .contains(camera.address() + "  Vision Hub Simulator  hardware SIM-1  location line-1")
                .contains("Vision Hub ONVIF simulator, firmware 1.0, serial SIM-0001")
                .contains("profile profile_main (mainStream, MPEG4 320x240)")
                .contains("source   onvif://" + camera.address() + "/profile_main")
                .contains("stream   " + camera.rtsp().uri("/live/main"))
                .doesNotContain(PASSWORD);
    }

    @Test
    void withoutCredentialsDiscoverListsCamerasOnlyAndAWrongPasswordIsExit1WithTheCamerasError() {
        Run bare = run(Map.of(), "discover", "--interface", "lo", "--port", String.valueOf(port), "--timeout", "1s");
        assertThat(bare.code()).isZero();
        assertThat(bare.out()).contains(camera.address()).contains("(profiles: give --username");
        Run wrong = run(
                Map.of(OnvifCommand.PASSWORD_ENV, "nope-pw"),
                "profiles",
                "--address",
                camera.address(),
                "--username",
                "hub");
        assertThat(wrong.code()).isEqualTo(1);
        assertThat(wrong.out())
                .contains("ERROR AUTH")
                .contains("refused the credentials")
                .doesNotContain("nope-pw");
    }

    @Test
    void aCameraThatDoesNotAnswerIsExit1NamingItAndWhatToCheck() throws Exception {
        int closed = OnvifTesting.freePort();
        Run r = run(
                Map.of(OnvifCommand.PASSWORD_ENV, PASSWORD),
                "profiles",
                "--address",
                "127.0.0.1:" + closed,
                "--username",
                "hub");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out())
                .contains("ERROR UNREACHABLE: camera 127.0.0.1:" + closed + " did not answer")
                .contains("check the address and port")
                .doesNotContain(PASSWORD);
    }

    @Test
    void aPasswordOnTheCommandLineAndBadOptionsAreUsageErrors() {
        Run pw = run(Map.of(), "profiles", "--address", camera.address(), "--password", "x");
        assertThat(pw.code()).isEqualTo(2);
        assertThat(pw.err()).contains("--password is not taken").contains(OnvifCommand.PASSWORD_ENV);
        assertThat(run(Map.of(), "profiles").err()).contains("profiles needs --address");
        assertThat(run(Map.of(), "discover", "--timeout", "soon").err()).contains("'soon' is not a duration");
        assertThat(run(Map.of(), "discover", "--interface", "nosuch0").err()).contains("no network interface");
        for (String port : new String[] {"abc", "0", "70000"}) {
            Run bad = run(Map.of(), "discover", "--port", port);
            assertThat(bad.code()).as(port).isEqualTo(2);
            assertThat(bad.err()).contains("--port '" + port + "' is not a UDP port");
        }
        assertThat(run(Map.of(), "profiles", "--address", "a b").code()).isEqualTo(2);
        assertThat(run(Map.of(), "frobnicate").err()).contains("unknown command frobnicate");
    }

    @Test
    void profilesOfACameraWhoseDeviceServiceIsAtAnotherPathSayWhichMediaServiceTheyCameFrom() throws Exception {
        try (OnvifDeviceSimulator media2 = new OnvifDeviceSimulator(
                dir.resolve("media2"),
                "hub",
                PASSWORD,
                OnvifDeviceSimulator.MediaServices.BOTH,
                "/onvif/device",
                false)) {
            Run r = run(
                    Map.of(OnvifCommand.PASSWORD_ENV, PASSWORD),
                    "profiles",
                    "--address",
                    media2.address(),
                    "--path",
                    "/onvif/device",
                    "--username",
                    "hub");
            assertThat(r.code()).as(r.toString()).isZero();
            assertThat(r.out())
                    .contains("; profiles from Media2 at " + media2.deviceService())
                    .contains("source   onvif://" + media2.address() + "/profile_main?path=/onvif/device")
                    .doesNotContain(PASSWORD);
            Run bad = run(Map.of(), "profiles", "--address", media2.address(), "--https", "maybe");
            assertThat(bad.code()).isEqualTo(2);
            assertThat(bad.err()).contains("--https is true or false, not maybe");
        }
    }
}
