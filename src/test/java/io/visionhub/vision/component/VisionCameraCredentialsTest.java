package io.visionhub.vision.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.visionhub.vision.Frame;
import io.visionhub.vision.source.FrameSource;
import io.visionhub.vision.source.FrameSourceException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Camera credentials as the secret options username and password: a snapshot camera (a real HTTP server on a free
 * port) that wants HTTP Basic gets them, a wrong password is refused with the camera's answer, and the password
 * shows in no error message.
 */
class VisionCameraCredentialsTest {

    private static final String USER = "viewer";
    private static final String PASSWORD = "p@ss:w/rd";

    private HttpServer camera;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private DefaultCamelContext camel;

    @BeforeEach
    void start() throws IOException {
        byte[] jpeg = jpeg();
        String expected =
                "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        camera = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        camera.createContext("/snapshot.jpg", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(String.valueOf(auth));
            boolean ok = expected.equals(auth);
            exchange.sendResponseHeaders(ok ? 200 : 401, ok ? jpeg.length : -1);
            if (ok) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(jpeg);
                }
            }
            exchange.close();
        });
        camera.start();
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        camera.stop(0);
    }

    private String snapshotUrl() {
        return "snapshot:http://127.0.0.1:" + camera.getAddress().getPort() + "/snapshot.jpg";
    }

    @Test
    void snapshotCameraGetsUsernameAndPasswordAsHttpBasic() throws Exception {
        VisionEndpoint endpoint = camel.getEndpoint(
                "vision:cred-1?model=models/none&readTimeout=3s&source=" + snapshotUrl() + "&username=" + USER
                        + "&password=RAW(" + PASSWORD + ")",
                VisionEndpoint.class);
        FrameSource source = endpoint.createFrameSource();
        try {
            source.open();
            Frame frame = source.next();
            assertThat(frame.encoded()).startsWith((byte) 0xFF, (byte) 0xD8);
        } finally {
            source.close();
        }
        assertThat(source.describe()).doesNotContain(PASSWORD).doesNotContain("p@ss");
        assertThat(authorizations).isNotEmpty().allSatisfy(a -> assertThat(a).startsWith("Basic "));
    }

    @Test
    void wrongPasswordIsRefusedWithTheCamerasAnswerAndWithoutThePassword() {
        VisionEndpoint endpoint = camel.getEndpoint(
                "vision:cred-2?model=models/none&readTimeout=3s&source=" + snapshotUrl() + "&username=" + USER
                        + "&password=RAW(wrong-secret)",
                VisionEndpoint.class);
        FrameSource source = endpoint.createFrameSource();
        assertThatThrownBy(source::open)
                .isInstanceOf(FrameSourceException.class)
                .hasMessageContaining("HTTP 401")
                .hasMessageContaining("cred-2")
                .hasMessageNotContaining("wrong-secret");
        source.close();
    }

    @Test
    void credentialsGoIntoStreamUrlsPercentEncodedUnlessTheUrlCarriesItsOwn() {
        VisionEndpoint endpoint = camel.getEndpoint(
                "vision:cred-3?model=models/none&username=" + USER + "&password=RAW(" + PASSWORD + ")",
                VisionEndpoint.class);
        assertThat(endpoint.withCredentials("rtsp://10.0.0.21:554/stream1"))
                .isEqualTo("rtsp://viewer:p%40ss%3Aw%2Frd@10.0.0.21:554/stream1");
        assertThat(endpoint.withCredentials("rtsp://other:pw@10.0.0.21/stream1"))
                .isEqualTo("rtsp://other:pw@10.0.0.21/stream1");
        assertThat(endpoint.withCredentials("/videos/line1.mp4")).isEqualTo("/videos/line1.mp4");
        VisionEndpoint anonymous = camel.getEndpoint("vision:cred-4?model=models/none", VisionEndpoint.class);
        assertThat(anonymous.withCredentials("rtsp://10.0.0.21/stream1")).isEqualTo("rtsp://10.0.0.21/stream1");
    }

    private static byte[] jpeg() throws IOException {
        BufferedImage image = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }
}
