package io.visionhub.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.event.Defect;
import io.visionhub.event.EventJson;
import io.visionhub.event.ImageRef;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.InspectionEvent.Verdict;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.disposition.DispositionRequest;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The labelling loop's export (route {@code rest-datasets-export} behind {@code GET /api/datasets/export}) on a
 * real ledger (H2) with stored frames and signed dispositions: YOLO and COCO zips parsed back, boxes normalised,
 * dispositions and hints present, frames outside the selection left out, a missing frame listed, bad parameters
 * refused naming the parameter. One ledger for the class: the export only reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatasetExportTest {

    @TempDir
    static Path dir;

    LedgerFixture f;
    DefaultCamelContext camel;
    ProducerTemplate api;

    static final Instant T0 = Instant.parse("2026-11-25T06:00:00Z");
    String accepted; // NG, 640x480 PNG, a person accepted the part: false positive
    String rejected; // UNCERTAIN, 320x240 JPEG with a segmentation mask, a person rejected the part
    String lost; // NG whose frame is not in the store

    @BeforeAll
    void setUp() throws Exception {
        f = new LedgerFixture(dir);
        accepted = record(
                "line-1",
                Verdict.NG,
                T0,
                png(640, 480),
                640,
                480,
                List.of(
                        new Defect("scratch", 0.91, new Defect.Box(100, 120, 64, 48)),
                        new Defect("dent", 0.62, new Defect.Box(0, 0, 32, 24))));
        rejected = record(
                "line-1",
                Verdict.UNCERTAIN,
                T0.plusSeconds(60),
                jpeg(320, 240),
                320,
                240,
                List.of(new Defect(
                        "dent",
                        0.41,
                        new Defect.Box(160, 120, 32, 24),
                        new Defect.Mask(
                                700,
                                List.of(List.of(160, 120), List.of(192, 120), List.of(192, 144), List.of(160, 144))))));
        record("line-1", Verdict.OK, T0.plusSeconds(120), png(64, 48), 64, 48, List.of()); // OK: not by default
        record("line-2", Verdict.NG, T0.plusSeconds(180), png(64, 48), 64, 48, List.of(crack())); // other line
        record("line-1", Verdict.NG, T0.minusSeconds(3600), png(64, 48), 64, 48, List.of(crack())); // before from
        lost = record("line-1", Verdict.NG, T0.plusSeconds(240), null, 64, 48, List.of(crack()));
        f.dispositions.sign(
                "qa.lee",
                DispositionRequest.of(
                        "INSPECTION", accepted, "ACCEPT", "reflection, not a scratch", "APPROVED", "s3cret!"));
        f.dispositions.sign(
                "qa.lee",
                DispositionRequest.of("INSPECTION", rejected, "REJECT", "dent confirmed", "APPROVED", "s3cret!"));

        DatasetExporter exporter = new DatasetExporter(
                new NamedParameterJdbcTemplate(f.ds), f.images, f.dispositionQueries, Clock.systemUTC());
        camel = new DefaultCamelContext();
        camel.addRoutes(new DatasetRestRoutes(exporter) {
            @Override
            protected void declareRest() {
                // platform-http is not part of this test; the REST verb only forwards to the direct: route
            }
        });
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // read the zip before the exchange completes (the temporary file is deleted then)
                from("direct:export").to("direct:api-datasets-export").process(e -> {
                    if (e.getMessage().getBody() instanceof File file) {
                        e.getMessage().setBody(Files.readAllBytes(file.toPath()));
                    }
                });
            }
        });
        camel.start();
        api = camel.createProducerTemplate();
    }

    @AfterAll
    void tearDown() {
        if (camel != null) {
            camel.stop();
        }
        if (f != null) {
            f.close();
        }
    }

    @Test
    void yoloExportHoldsTheSelectedFramesNormalisedBoxesAndDispositions() throws Exception {
        Exchange x = call("QUALITY", selection("yolo"));
        assertThat(status(x)).isEqualTo(200);
        assertThat(x.getMessage().getHeader("Content-Disposition", String.class))
                .contains("visionhub-dataset-yolo-line-1.zip");
        Map<String, byte[]> zip = unzip(x.getMessage().getBody(byte[].class));
        assertThat(zip.keySet())
                .containsExactlyInAnyOrder(
                        "images/" + accepted + ".png",
                        "images/" + rejected + ".jpg",
                        "labels/" + accepted + ".txt",
                        "labels/" + rejected + ".txt",
                        "data.yaml",
                        "metadata.jsonl",
                        "export.json");
        assertThat(ImageIO.read(new ByteArrayInputStream(zip.get("images/" + accepted + ".png")))
                        .getWidth())
                .isEqualTo(640);
        // classes sorted by name: 0 dent, 1 scratch; centre and size as fractions of the frame
        assertThat(text(zip, "data.yaml")).contains("nc: 2", "0: 'dent'", "1: 'scratch'", "train: images");
        assertThat(text(zip, "labels/" + accepted + ".txt").lines())
                .containsExactly("1 0.206250 0.300000 0.100000 0.100000", "0 0.025000 0.025000 0.050000 0.050000");
        assertThat(text(zip, "labels/" + rejected + ".txt").lines())
                .containsExactly("0 0.550000 0.550000 0.100000 0.100000");

        List<JsonNode> meta =
                text(zip, "metadata.jsonl").lines().map(DatasetExportTest::json).toList();
        assertThat(meta).extracting(m -> m.path("inspectionId").asText()).containsExactly(accepted, rejected);
        JsonNode a = meta.get(0);
        assertThat(a.path("result").asText()).isEqualTo("NG");
        assertThat(a.path("currentDisposition").asText()).isEqualTo("ACCEPT");
        assertThat(a.path("labelHint").asText()).contains("possible false positive", "Lee Quality");
        assertThat(a.path("dispositions").get(0).path("reason").asText()).isEqualTo("reflection, not a scratch");
        assertThat(a.path("context").path("batch").asText()).isEqualTo("LOT-7");
        assertThat(a.path("model").path("sha256").asText()).hasSize(64);
        assertThat(meta.get(1).path("labelHint").asText()).contains("confirmed defect");

        JsonNode manifest = json(text(zip, "export.json"));
        assertThat(manifest.path("frames").asInt()).isEqualTo(2);
        assertThat(manifest.path("labels").asInt()).isEqualTo(3);
        assertThat(manifest.path("exportedBy").asText()).isEqualTo("qa.lee");
        assertThat(manifest.path("skipped")).hasSize(1);
        assertThat(manifest.path("skipped").get(0).path("inspectionId").asText())
                .isEqualTo(lost);
        assertThat(manifest.path("skipped").get(0).path("reason").asText()).contains("not in the image store");
    }

    @Test
    void cocoExportHoldsImagesAnnotationsCategoriesAndMaskPolygons() throws Exception {
        Map<String, Object> p = selection("coco");
        Exchange x = call("ADMIN", p);
        assertThat(status(x)).isEqualTo(200);
        Map<String, byte[]> zip = unzip(x.getMessage().getBody(byte[].class));
        assertThat(zip).doesNotContainKey("data.yaml");
        assertThat(zip.keySet().stream().filter(k -> k.startsWith("labels/"))).isEmpty();
        JsonNode coco = json(text(zip, "annotations.json"));
        assertThat(coco.path("images")).hasSize(2);
        assertThat(coco.path("categories").toString())
                .isEqualTo("[{\"id\":1,\"name\":\"dent\",\"supercategory\":\"defect\"},"
                        + "{\"id\":2,\"name\":\"scratch\",\"supercategory\":\"defect\"}]");
        JsonNode img = coco.path("images").get(0);
        assertThat(img.path("file_name").asText()).isEqualTo("images/" + accepted + ".png");
        assertThat(img.path("width").asInt()).isEqualTo(640);
        assertThat(img.path("visionhub").path("currentDisposition").asText()).isEqualTo("ACCEPT");
        JsonNode anns = coco.path("annotations");
        assertThat(anns).hasSize(3);
        JsonNode scratch = anns.get(0);
        assertThat(scratch.path("image_id").asInt()).isEqualTo(img.path("id").asInt());
        assertThat(scratch.path("category_id").asInt()).isEqualTo(2);
        assertThat(scratch.path("bbox").toString()).isEqualTo("[100.0,120.0,64.0,48.0]");
        assertThat(scratch.path("area").asDouble()).isEqualTo(64 * 48);
        assertThat(scratch.path("score").asDouble()).isEqualTo(0.91);
        JsonNode masked = anns.get(2);
        assertThat(masked.path("image_id").asInt())
                .isEqualTo(coco.path("images").get(1).path("id").asInt());
        assertThat(masked.path("area").asDouble()).isEqualTo(700);
        assertThat(masked.path("segmentation").toString()).isEqualTo("[[160,120,192,120,192,144,160,144]]");
        assertThat(zip).containsKeys("images/" + rejected + ".jpg", "metadata.jsonl", "export.json");
    }

    @Test
    void verdictOkAddsGoodFramesAndNoLineTakesEveryLine() throws Exception {
        Map<String, Object> p = new HashMap<>(selection("yolo"));
        p.remove("line");
        p.put("verdict", "NG,UNCERTAIN,OK");
        Map<String, byte[]> zip = unzip(call("QUALITY", p).getMessage().getBody(byte[].class));
        JsonNode manifest = json(text(zip, "export.json"));
        assertThat(manifest.path("frames").asInt()).isEqualTo(4); // accepted, rejected, the OK one, line-2's
        assertThat(zip.keySet().stream().filter(k -> k.startsWith("labels/"))).hasSize(4);
        assertThat(text(zip, "data.yaml")).contains("'crack'");
    }

    @Test
    void badParametersAreRefusedNamingTheParameter() throws Exception {
        assertRefused(Map.of("format", "voc"), "format");
        assertRefused(Map.of("from", "yesterday"), "from");
        assertRefused(Map.of("from", T0.toString(), "to", T0.minusSeconds(1).toString()), "to");
        assertRefused(Map.of("verdict", "NG,MAYBE"), "verdict");
        assertRefused(Map.of("limit", "0"), "limit");
        assertRefused(Map.of("limit", "many"), "limit");
        assertRefused(Map.of("line", "line 1; drop"), "line");
        // a selection larger than the limit is refused, not cut short
        Map<String, Object> p = new HashMap<>(selection("yolo"));
        p.put("limit", "1");
        Exchange x = call("QUALITY", p);
        assertThat(status(x)).isEqualTo(400);
        assertThat(json(x.getMessage().getBody(String.class)).path("field").asText())
                .isEqualTo("limit");
        assertThat(json(x.getMessage().getBody(String.class)).path("message").asText())
                .contains("more than 1 frames");
    }

    @Test
    void rolesOtherThanQualityAndAdminAreRefused() {
        assertThat(status(call("OPERATOR", selection("yolo")))).isEqualTo(403);
        assertThat(status(call("AUDITOR,INTEGRATOR", selection("yolo")))).isEqualTo(403);
    }

    // --- helpers ---

    private void assertRefused(Map<String, Object> params, String field) throws Exception {
        Exchange x = call("QUALITY", params);
        assertThat(status(x)).as("%s", params).isEqualTo(400);
        JsonNode err = json(x.getMessage().getBody(String.class));
        assertThat(err.path("field").asText()).as("%s: %s", params, err).isEqualTo(field);
        assertThat(err.path("message").asText()).contains(field);
    }

    private static Map<String, Object> selection(String format) {
        return Map.of("from", T0.toString(), "to", T0.plusSeconds(3600).toString(), "line", "line-1", "format", format);
    }

    private Exchange call(String roles, Map<String, Object> params) {
        return api.request("direct:export", x -> {
            x.getMessage().setHeader("VisionHubPrincipal", "qa.lee");
            x.getMessage().setHeader("VisionHubRoles", roles);
            params.forEach(x.getMessage()::setHeader);
        });
    }

    private static int status(Exchange x) {
        Integer code = x.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return code == null ? 200 : code;
    }

    private String record(String line, Verdict verdict, Instant at, byte[] frame, int w, int h, List<Defect> defects) {
        String id = UUID.randomUUID().toString();
        String sha = frame == null ? "ee".repeat(32) : f.images.put(frame);
        InspectionEvent base = LedgerTestSupport.event(id, verdict, sha);
        InspectionEvent e = new InspectionEvent(
                base.schemaVersion(),
                id,
                base.station(),
                base.camera(),
                line,
                at,
                at.plusMillis(40),
                base.model(),
                verdict,
                defects,
                null,
                new ImageRef(sha, "/api/images/" + sha, null, null, w, h),
                base.context(),
                base.contextStatus(),
                base.partId(),
                base.latency());
        f.ledger.append(e, List.of());
        return id;
    }

    private static Defect crack() {
        return new Defect("crack", 0.8, new Defect.Box(1, 2, 3, 4));
    }

    private static byte[] png(int w, int h) throws Exception {
        return encode(w, h, "png");
    }

    private static byte[] jpeg(int w, int h) throws Exception {
        return encode(w, h, "jpg");
    }

    private static byte[] encode(int w, int h, String format) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        img.setRGB(w / 2, h / 2, 0xff0000 + w); // frames of the same size differ, so their hashes do
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, format, out);
        return out.toByteArray();
    }

    private static Map<String, byte[]> unzip(byte[] zip) throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                files.put(e.getName(), in.readAllBytes());
            }
        }
        return files;
    }

    private static String text(Map<String, byte[]> zip, String name) {
        assertThat(zip).containsKey(name);
        return new String(zip.get(name), StandardCharsets.UTF_8);
    }

    private static JsonNode json(String s) {
        try {
            return EventJson.mapper().readTree(s);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + s, e);
        }
    }
}
