package io.visionhub.vision.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.event.EventSchema;
import io.visionhub.event.InspectionEvent;
import io.visionhub.images.FileImageStore;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.FrameRefusedException;
import io.visionhub.vision.ImageDecoder;
import io.visionhub.vision.TestModels;
import io.visionhub.vision.component.VisionComponent;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.teach.AnomalyTeacher;
import io.visionhub.vision.teach.TeachService;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Java2DFrameConverter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Frames the hub will not judge (corrupt, or larger than visionhub.vision.max-frame-pixels by their header) are refused
 * before decoding, and a refused frame from a folder camera leaves a ledger record of its part and lands in
 * {@code .rejected/}.
 */
class RefusedFrameTest {

    @TempDir
    static Path modelDir;

    @TempDir
    Path dir;

    @BeforeAll
    static void teach() {
        new AnomalyTeacher().teach(TestModels.goodParts(4, 20), AnomalyTeacher.Spec.of("refused-test", "1"), modelDir);
    }

    /**
     * A PNG of a few hundred bytes whose header says 20000x20000 RGB (1.2 GB of pixels once decoded): signature,
     * IHDR, one IDAT holding a single deflated row, IEND, each chunk with its CRC.
     */
    static byte[] hugePngHeader() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(out);
        d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(20_000);
        h.writeInt(20_000);
        h.write(new byte[] {8, 2, 0, 0, 0}); // 8 bit, RGB, deflate, filter 0, no interlace
        chunk(d, "IHDR", ihdr.toByteArray());
        Deflater z = new Deflater();
        z.setInput(new byte[1 + 3 * 20_000]);
        z.finish();
        byte[] buf = new byte[1024];
        int n = z.deflate(buf);
        chunk(d, "IDAT", Arrays.copyOf(buf, n));
        chunk(d, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(DataOutputStream d, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.writeInt(data.length);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }

    /** A real PNG cut in half: its header is fine, its pixel data ends early. */
    static byte[] truncatedPng() {
        byte[] png =
                FrameInspector.encode(new SimulatedPartGenerator(3, 0).good(3).image(), "png");
        return Arrays.copyOf(png, png.length / 2);
    }

    @Test
    void aFrameAboveThePixelLimitIsRefusedFromItsHeaderWithoutDecoding() throws Exception {
        byte[] huge = hugePngHeader();
        assertThat(huge.length).isLessThan(2000);
        long heapBefore = usedHeap();
        assertThatThrownBy(() -> ImageDecoder.decode(huge, "cam-1"))
                .isInstanceOfSatisfying(
                        FrameRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(FrameRefusedException.Reason.TOO_LARGE))
                .hasMessageContaining("camera cam-1")
                .hasMessageContaining("20000x20000")
                .hasMessageContaining("400000000 pixels")
                .hasMessageContaining("limit of 50000000")
                .hasMessageContaining("visionhub.vision.max-frame-pixels");
        // nothing near the 1.2 GB a decode would take was allocated
        assertThat(usedHeap() - heapBefore).isLessThan(200L << 20);

        // the limit is configurable: a 640x480 frame against a 100000-pixel limit
        byte[] vga =
                FrameInspector.encode(new SimulatedPartGenerator(3, 0).good(1).image(), "png");
        assertThatThrownBy(() -> ImageDecoder.decode(vga, "cam-1", 100_000))
                .isInstanceOf(FrameRefusedException.class)
                .hasMessageContaining("640x480");
        assertThat(ImageDecoder.decode(vga, "cam-1", 640 * 480).getWidth()).isEqualTo(640);

        assertThatThrownBy(() -> ImageDecoder.decode(truncatedPng(), "cam-1"))
                .isInstanceOfSatisfying(
                        FrameRefusedException.class,
                        e -> assertThat(e.reason()).isEqualTo(FrameRefusedException.Reason.CORRUPT))
                .hasMessageContaining("camera cam-1");
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    @Test
    void aVideoStreamAboveThePixelLimitIsRefusedWhenItOpensNamingItsSize() throws Exception {
        // a short 640x480 video written with JavaCV's own FFmpeg (no ffmpeg binary needed)
        Path video = dir.resolve("parts.mp4");
        try (FFmpegFrameRecorder rec = new FFmpegFrameRecorder(video.toFile(), 640, 480);
                Java2DFrameConverter conv = new Java2DFrameConverter()) {
            rec.setFormat("mp4");
            rec.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            rec.setFrameRate(10);
            rec.start();
            SimulatedPartGenerator gen = new SimulatedPartGenerator(9, 0);
            for (int i = 0; i < 3; i++) {
                BufferedImage bgr = new BufferedImage(640, 480, BufferedImage.TYPE_3BYTE_BGR);
                bgr.createGraphics().drawImage(gen.good(i).image(), 0, 0, null);
                rec.record(conv.convert(bgr));
            }
            rec.stop();
        }
        FfmpegFrameSource small = new FfmpegFrameSource("cam-v", video.toString(), 3000, false, 100_000);
        assertThatThrownBy(small::open)
                .isInstanceOf(FrameSourceException.class)
                .hasMessageContaining("cam-v")
                .hasMessageContaining("640x480")
                .hasMessageContaining("visionhub.vision.max-frame-pixels");
        small.close();
        FfmpegFrameSource fits = new FfmpegFrameSource("cam-v", video.toString(), 3000, false, 640 * 480);
        try {
            fits.open();
            assertThat(fits.next().image().getWidth()).isEqualTo(640);
        } finally {
            fits.close();
        }
    }

    @Test
    void teachingRefusesAnOversizedImageNamingTheFileAndItsSize() throws Exception {
        Path good = Files.createDirectories(dir.resolve("good"));
        SimulatedPartGenerator gen = new SimulatedPartGenerator(5, 0);
        for (int i = 0; i < 3; i++) {
            Files.write(
                    good.resolve("good-" + i + ".png"),
                    FrameInspector.encode(gen.good(i).image(), "png"));
        }
        Files.write(good.resolve("huge.png"), hugePngHeader());
        TeachService teach = new TeachService(dir.resolve("models"));
        assertThatThrownBy(
                        () -> teach.teach(new TeachService.Request("m", "1", good.toString(), null, null, null, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("huge.png")
                .hasMessageContaining("20000x20000");
        // a configured limit below the good images refuses them too
        Files.delete(good.resolve("huge.png"));
        assertThatThrownBy(() -> TeachService.readImages(good, 1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("good-0.png")
                .hasMessageContaining("640x480");
    }

    @Test
    void aCorruptOrOversizedFrameFromAFolderCameraIsRecordedInTheLedgerAndMovedToRejected() throws Exception {
        Path drop = Files.createDirectories(dir.resolve("drop"));
        Files.write(
                drop.resolve("part-1.png"),
                FrameInspector.encode(new SimulatedPartGenerator(8, 0).good(1).image(), "png"));
        Files.write(drop.resolve("part-2.png"), truncatedPng());
        Files.write(drop.resolve("part-3.png"), hugePngHeader());
        Files.write(drop.resolve("part-4.jpg"), "this is not a jpeg".getBytes(StandardCharsets.UTF_8));
        for (String f : List.of("part-1.png", "part-2.png", "part-3.png", "part-4.jpg")) {
            Files.setLastModifiedTime(drop.resolve(f), FileTime.fromMillis(System.currentTimeMillis() - 5000));
        }
        try (LedgerFixture ledger = new LedgerFixture(dir.resolve("ledger"))) {
            CamelContext camel = new DefaultCamelContext();
            VisionComponent vision = new VisionComponent();
            vision.setImageStore(new FileImageStore(dir.resolve("images")));
            camel.addComponent("vision", vision);
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("vision:folder-station?camera=smartcam&line=line-1&source=folder:" + drop + "&fps=20&model="
                                    + modelDir)
                            .routeId("folder")
                            .process(e -> ledger.ledger.append(e.getIn().getBody(InspectionEvent.class), List.of()))
                            .to("mock:out");
                }
            });
            MockEndpoint out = camel.getEndpoint("mock:out", MockEndpoint.class);
            out.expectedMessageCount(4);
            camel.start();
            try {
                out.assertIsSatisfied(TimeUnit.SECONDS.toMillis(30));
            } finally {
                camel.stop();
            }
            Map<String, InspectionEvent> byPart = out.getReceivedExchanges().stream()
                    .map(e -> e.getIn().getBody(InspectionEvent.class))
                    .collect(Collectors.toMap(InspectionEvent::partId, e -> e));
            assertThat(byPart).containsOnlyKeys("part-1", "part-2", "part-3", "part-4");
            assertThat(byPart.get("part-1").result()).isIn(InspectionEvent.Verdict.OK, InspectionEvent.Verdict.NG);
            Map<String, String> refused =
                    Map.of("part-2", "frame_corrupt", "part-3", "frame_too_large", "part-4", "frame_corrupt");
            refused.forEach((part, why) -> {
                InspectionEvent e = byPart.get(part);
                assertThat(e.result()).as(part).isEqualTo(InspectionEvent.Verdict.UNCERTAIN);
                assertThat(e.defects())
                        .as(part)
                        .singleElement()
                        .satisfies(d -> assertThat(d.defectClass()).isEqualTo(why));
                assertThat(e.model().name()).isEqualTo("refused-test");
                assertThat(e.station()).isEqualTo("folder-station");
                assertThat(EventSchema.problems(e)).as(part).isEmpty();
            });
            // the ledger holds a record of every part, the refused ones included
            List<Map<String, Object>> rows =
                    new JdbcTemplate(ledger.ds).queryForList("SELECT part_id, result FROM inspection ORDER BY part_id");
            assertThat(rows)
                    .extracting(r -> r.get("PART_ID") + ":" + r.get("RESULT"))
                    .contains("part-2:UNCERTAIN", "part-3:UNCERTAIN", "part-4:UNCERTAIN")
                    .hasSize(4);
        }
        assertThat(drop.resolve(".inspected/part-1.png")).exists();
        for (String f : List.of("part-2.png", "part-3.png", "part-4.jpg")) {
            assertThat(drop.resolve(".rejected").resolve(f)).exists();
            assertThat(drop.resolve(".inspected").resolve(f)).doesNotExist();
            assertThat(drop.resolve(f)).doesNotExist();
        }
    }
}
