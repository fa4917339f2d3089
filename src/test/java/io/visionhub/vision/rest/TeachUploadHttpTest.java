package io.visionhub.vision.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.api.HubHttpClient;
import io.visionhub.event.EventJson;
import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.sim.SimulatedPart;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code POST /api/models/teach/upload} over real HTTP: a multipart form with a zip and loose images teaches a
 * model and reports the held-out set; bad uploads get a 400 (413 when too large) naming the problem, and no model.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"isolated", "api-only"})
class TeachUploadHttpTest {

    private static final Path MODELS = tempDir();
    private static final SimulatedPartGenerator GEN = new SimulatedPartGenerator(11, 0);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void teach(DynamicPropertyRegistry r) {
        r.add("visionhub.vision.teach.enabled", () -> "true");
        r.add("visionhub.vision.teach.models-root", MODELS::toString);
        r.add("visionhub.vision.teach.upload.max-size", () -> "8MB");
        r.add("visionhub.vision.teach.upload.max-images", () -> "40");
    }

    @LocalServerPort
    int port;

    @Test
    void aZipAndLooseImagesTeachAModelAndTheHeldOutSetIsReported() throws Exception {
        Map<String, byte[]> good = new LinkedHashMap<>();
        for (int i = 0; i < 18; i++) {
            good.put("good/g" + i + ".png", png(GEN.good(i).image()));
        }
        List<Object[]> files = new ArrayList<>();
        files.add(new Object[] {"good", "good.zip", zip(good)});
        files.add(new Object[] {"good", "g18.png", png(GEN.good(18).image())});
        files.add(new Object[] {"good", "g19.png", png(GEN.good(19).image())});
        String[] kinds = {SimulatedPart.SCRATCH, SimulatedPart.SPOT, SimulatedPart.MISSING_FEATURE};
        for (int i = 0; i < 6; i++) {
            files.add(new Object[] {
                "heldOutGood", "h" + i + ".png", png(GEN.good(100 + i).image())
            });
            files.add(new Object[] {
                "heldOutDefective",
                "d" + i + ".png",
                png(GEN.defective(200 + i, kinds[i % 3]).image())
            });
        }
        HttpResponse<String> r = upload("integrator", Map.of("name", "uploaded-widget", "version", "4"), files);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode answer = EventJson.mapper().readTree(r.body());
        assertThat(answer.path("goodImages").asInt()).isEqualTo(20);
        assertThat(answer.path("report").path("good").asInt()).isEqualTo(6);
        assertThat(answer.path("report").path("defective").asInt()).isEqualTo(6);
        try (InspectionModel m = new ModelLoader().load(MODELS.resolve("uploaded-widget"))) {
            assertThat(m.ref().version()).isEqualTo("4");
            assertThat(m.ref().sha256()).isEqualTo(answer.path("sha256").asText());
        }
    }

    @Test
    void badUploadsAreRefusedWith400NamingTheProblemAndTeachNothing() throws Exception {
        byte[] png = png(GEN.good(1).image());
        assertRefused(upload("integrator", Map.of("name", "empty"), List.of()), 400, "the upload holds no files");
        assertRefused(
                upload("integrator", Map.of("name", "text"), List.<Object[]>of(new Object[] {
                    "good", "notes.txt", "hello".getBytes()
                })),
                400,
                "good file notes.txt is not an image");
        assertRefused(
                upload("integrator", Map.of("name", "fake"), List.<Object[]>of(new Object[] {
                    "good", "fake.png", "not a png".getBytes()
                })),
                400,
                "image good file fake.png cannot be read");
        assertRefused(
                upload("integrator", Map.of("name", "bomb"), List.<Object[]>of(new Object[] {
                    "good", "bomb.zip", zip(Map.of("huge.png", new byte[60_000_000]))
                })),
                400,
                "max-image-size");
        byte[] tiny = png(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB));
        Map<String, byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i < 41; i++) {
            many.put("p" + i + ".png", tiny);
        }
        assertRefused(
                upload("integrator", Map.of("name", "many"), List.<Object[]>of(new Object[] {
                    "good", "many.zip", zip(many)
                })),
                400,
                "too many images: more than 40");
        assertRefused(
                upload("integrator", Map.of("name", "few"), List.<Object[]>of(new Object[] {"good", "a.png", png})),
                400,
                "needs at least 3 good images");
        assertRefused(
                upload("integrator", Map.of("name", "../escape"), List.<Object[]>of(new Object[] {"good", "a.png", png
                })),
                400,
                "name must be");
        // larger than visionhub.vision.teach.upload.max-size: refused before it is read
        assertRefused(
                upload("integrator", Map.of("name", "large"), List.<Object[]>of(new Object[] {
                    "good", "large.png", new byte[9_000_000]
                })),
                413,
                "visionhub.vision.teach.upload.max-size");
        // JSON instead of a form: the operation consumes multipart/form-data only
        HttpResponse<String> json = new HubHttpClient(() -> port)
                .send("POST", "/api/models/teach/upload", "{\"name\":\"x\"}", HubHttpClient.basicJson("integrator"));
        assertThat(json.statusCode()).as(json.body()).isEqualTo(415);
        assertThat(EventJson.mapper().readTree(json.body()).path("code").asText())
                .isEqualTo("unsupported_media_type");

        try (var models = Files.list(MODELS)) {
            assertThat(models.map(p -> p.getFileName().toString()))
                    .doesNotContain("empty", "text", "fake", "bomb", "many", "few", "large", "x");
        }
    }

    @Test
    void onlyIntegratorsAndAdminsMayTeach() throws Exception {
        byte[] png = png(GEN.good(1).image());
        HttpResponse<String> r =
                upload("operator", Map.of("name", "not-mine"), List.<Object[]>of(new Object[] {"good", "a.png", png}));
        assertThat(r.statusCode()).isEqualTo(403);
    }

    private static void assertRefused(HttpResponse<String> r, int status, String message) throws IOException {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode error = EventJson.mapper().readTree(r.body());
        assertThat(error.path("message").asText()).as(r.body()).contains(message);
    }

    /** A multipart/form-data request as curl -F sends it: text fields, then files {field, file name, bytes}. */
    private HttpResponse<String> upload(String user, Map<String, String> fields, List<Object[]> files)
            throws Exception {
        String boundary = "----visionhub" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
                            + f.getValue() + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        for (Object[] file : files) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + file[0] + "\"; filename=\""
                            + file[1] + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.write((byte[]) file[2]);
            body.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest req = HttpRequest.newBuilder(new HubHttpClient(() -> port).uri("/api/models/teach/upload"))
                .header("Authorization", HubHttpClient.basicAuth(user, user + "-demo"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] png(BufferedImage image) {
        return FrameInspector.encode(image, "png");
    }

    private static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("visionhub-teach-upload");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
