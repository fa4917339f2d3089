package io.visionhub.vision.teach;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ByteArrayResource;

/** The images of a teaching upload: what is read, and every bad upload refused naming the field, file and limit. */
class TeachUploadTest {

    private static final TeachUpload.Limits LIMITS = new TeachUpload.Limits(10, 2_000_000, 5_000_000, 50_000_000);
    private static final SimulatedPartGenerator GEN = new SimulatedPartGenerator(7, 0);

    @Test
    void readsLooseImagesAndZipsPerFieldSkippingWhatAFolderReadSkips() throws Exception {
        byte[] zip = zip(Map.of(
                "parts/a.png",
                png(1),
                "parts/b.PNG",
                png(2),
                "README.txt",
                "notes".getBytes(),
                "__MACOSX/parts/._a.png",
                new byte[] {1, 2},
                "parts/",
                new byte[0]));
        Map<String, List<BufferedImage>> images = TeachUpload.read(
                List.of(
                        part("good", "good.zip", zip),
                        part("good", "c.png", png(3)),
                        part("heldOutDefective", "d.png", png(4))),
                LIMITS);
        assertThat(images.get(TeachUpload.GOOD)).hasSize(3);
        assertThat(images.get(TeachUpload.HELD_OUT_GOOD)).isEmpty();
        assertThat(images.get(TeachUpload.HELD_OUT_DEFECTIVE)).hasSize(1);
        assertThat(images.get(TeachUpload.GOOD).get(0).getWidth()).isEqualTo(640);
    }

    @Test
    void anEmptyUploadOrOneWithoutGoodImagesNamesTheMissingField() {
        assertThatThrownBy(() -> TeachUpload.read(List.of(), LIMITS))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no files")
                .hasMessageContaining("'good'");
        assertThatThrownBy(() -> TeachUpload.read(List.of(part("heldOutGood", "h.png", png(1))), LIMITS))
                .hasMessageContaining("no good images");
    }

    @Test
    void aFileThatIsNotAnImageIsRefusedByName() {
        assertThatThrownBy(() -> TeachUpload.read(List.of(part("good", "notes.txt", "hello".getBytes())), LIMITS))
                .hasMessageContaining("good file notes.txt is not an image");
        // named like an image but not one: refused as the folder-based teach refuses it
        assertThatThrownBy(() ->
                        TeachUpload.read(List.of(part("good", "fake.png", "not a png at all".getBytes())), LIMITS))
                .hasMessageContaining("image good file fake.png cannot be read");
        assertThatThrownBy(() -> TeachUpload.read(List.of(part("good", "empty.png", new byte[0])), LIMITS))
                .hasMessageContaining("good file empty.png is empty");
        assertThatThrownBy(() -> TeachUpload.read(List.of(part("photos", "a.png", png(1))), LIMITS))
                .hasMessageContaining("unknown file field 'photos'");
    }

    @Test
    void brokenEmptyNestedOrImagelessZipsAreRefused() throws Exception {
        assertThatThrownBy(() -> TeachUpload.read(List.of(part("good", "g.zip", "PK not really".getBytes())), LIMITS))
                .hasMessageContaining("good file g.zip");
        assertThatThrownBy(() -> TeachUpload.read(List.of(part("good", "g.zip", zip(Map.of()))), LIMITS))
                .hasMessageContaining("g.zip is not a zip or is empty");
        assertThatThrownBy(() ->
                        TeachUpload.read(List.of(part("good", "g.zip", zip(Map.of("a.txt", "x".getBytes())))), LIMITS))
                .hasMessageContaining("g.zip holds no .png/.jpg/.jpeg/.bmp images");
        assertThatThrownBy(() -> TeachUpload.read(
                        List.of(part("good", "g.zip", zip(Map.of("inner.zip", zip(Map.of("a.png", png(1))))))), LIMITS))
                .hasMessageContaining("entry inner.zip is a zip inside the zip");
        assertThatThrownBy(() -> TeachUpload.read(
                        List.of(part("good", "g.zip", zip(Map.of("bad.jpg", "xx".getBytes())))), LIMITS))
                .hasMessageContaining("image good file g.zip entry bad.jpg cannot be read");
    }

    @Test
    void aZipBombStopsAtTheLimitOnTheBytesActuallyUnpacked() throws Exception {
        // 50 MB of zeros compress to about 50 kB; the entry alone is over the per-image limit
        byte[] bomb = zip(Map.of("huge.png", new byte[50_000_000]));
        assertThat(bomb.length).isLessThan(200_000);
        assertThatThrownBy(() -> TeachUpload.read(List.of(part("good", "bomb.zip", bomb)), LIMITS))
                .hasMessageContaining("good file bomb.zip entry huge.png is larger than 2000000 bytes")
                .hasMessageContaining("max-image-size");
        // under the per-image limit but over the total: the total stops it while unpacking
        TeachUpload.Limits smallTotal = new TeachUpload.Limits(100, 2_000_000, 1_000_000, 50_000_000);
        byte[] big = zip(Map.of("a.png", new byte[1_500_000]));
        assertThatThrownBy(() -> TeachUpload.read(List.of(part("good", "big.zip", big)), smallTotal))
                .hasMessageContaining("unpacks to more than 1000000 bytes")
                .hasMessageContaining("zip bomb");
    }

    @Test
    void tooManyImagesAreRefusedWithTheLimit() throws Exception {
        byte[] png = png(1);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (int i = 0; i < 11; i++) {
            entries.put("p" + i + ".png", png);
        }
        assertThatThrownBy(() -> TeachUpload.read(List.of(part("good", "g.zip", zip(entries))), LIMITS))
                .hasMessageContaining("too many images: more than 10")
                .hasMessageContaining("max-images");
    }

    @Test
    void anImageAboveThePixelLimitIsRefusedFromItsHeader() throws Exception {
        TeachUpload.Limits fewPixels = new TeachUpload.Limits(10, 2_000_000, 5_000_000, 1000);
        assertThatThrownBy(() -> TeachUpload.read(List.of(part("good", "a.png", png(1))), fewPixels))
                .hasMessageContaining("above the limit of 1000");
    }

    private static TeachUpload.Part part(String field, String name, byte[] bytes) {
        return new TeachUpload.Part(field, name, new ByteArrayResource(bytes));
    }

    private static byte[] png(int i) {
        return FrameInspector.encode(GEN.good(i).image(), "png");
    }

    static byte[] zip(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : new TreeMap<>(entries).entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
