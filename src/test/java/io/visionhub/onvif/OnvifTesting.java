package io.visionhub.onvif;

import io.visionhub.vision.component.VisionComponent;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/** Helpers of the ONVIF tests: FFmpeg present, free ports, a Camel context with a vision station. */
public final class OnvifTesting {

    private OnvifTesting() {}

    public static boolean ffmpegPresent() {
        try {
            Process p = new ProcessBuilder("ffmpeg", "-version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** FFmpeg has this encoder (libx265 for the H.265 streams). */
    public static boolean ffmpegEncoder(String name) {
        try {
            Process p = new ProcessBuilder("ffmpeg", "-hide_banner", "-encoders")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return p.waitFor(10, TimeUnit.SECONDS) && out.contains(" " + name + " ");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A Camel context (not started) with the vision component; the model file is not watched. */
    public static CamelContext visionContext() {
        CamelContext camel = new DefaultCamelContext();
        VisionComponent vision = new VisionComponent();
        vision.setModelWatchSeconds(0);
        camel.addComponent("vision", vision);
        return camel;
    }

    /** The same with one route, {@code routeId}: from this vision: station URI to {@code mock:<routeId>}. */
    public static CamelContext visionStation(String visionUri, String routeId) throws Exception {
        CamelContext camel = visionContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(visionUri).routeId(routeId).to("mock:" + routeId);
            }
        });
        return camel;
    }
}
