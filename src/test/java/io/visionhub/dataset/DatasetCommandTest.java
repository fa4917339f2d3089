package io.visionhub.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.disposition.DispositionRequest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The dataset command on a ledger file: writes the same zip as the endpoint; bad options name the option. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatasetCommandTest {

    @TempDir
    static Path dir;

    LedgerFixture f;
    List<InspectionEvent> events;

    @BeforeAll
    void record() {
        f = new LedgerFixture(dir);
        events = f.inspections(3); // NG, each with one boxed scratch and an unboxed dent, 64x48 frames
        f.dispositions.sign(
                "qa.lee",
                DispositionRequest.of("INSPECTION", events.get(0).id(), "ACCEPT", "no scratch", "APPROVED", "s3cret!"));
    }

    @AfterAll
    void close() {
        if (f != null) {
            f.close();
        }
    }

    record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = DatasetCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String[] args(Path out, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of(
                "export",
                "--out",
                out.toString(),
                "--db",
                LedgerTestSupport.h2Url(dir),
                "--images",
                dir.resolve("images").toString(),
                "--by",
                "qa.lee"));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void exportWritesACocoDatasetOfTheLedgersFrames() throws Exception {
        Path zip = dir.resolve("coco.zip");
        Run r = run(args(zip, "--format", "coco"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("3 frames, 3 labels, classes [scratch]");
        Map<String, byte[]> files = unzip(zip);
        assertThat(files.keySet().stream().filter(n -> n.startsWith("images/"))).hasSize(3);
        assertThat(new String(files.get("annotations.json"), StandardCharsets.UTF_8))
                .contains("\"bbox\":[10.0,20.0,30.0,40.0]");
        assertThat(new String(files.get("metadata.jsonl"), StandardCharsets.UTF_8))
                .contains("possible false positive");
    }

    @Test
    void badOptionsAreRefusedNamingTheOptionAndLeaveAnExistingFileAlone() throws Exception {
        Path zip = dir.resolve("kept.zip");
        Files.writeString(zip, "an earlier export");
        Run format = run(args(zip, "--format", "voc"));
        assertThat(format.code()).isEqualTo(2);
        assertThat(format.err()).contains("--format", "yolo or coco");
        Run limit = run(args(zip, "--limit", "2"));
        assertThat(limit.code()).isEqualTo(2);
        assertThat(limit.err()).contains("--limit", "more than 2 frames");
        assertThat(run(args(zip, "--from", "monday")).err()).contains("--from", "ISO-8601");
        assertThat(run(args(zip, "--colour", "red")).err()).contains("unknown option --colour");
        assertThat(run("export").err()).contains("--out is required");
        assertThat(Files.readString(zip)).isEqualTo("an earlier export");
        try (var listing = Files.list(dir)) {
            assertThat(listing.filter(p -> p.getFileName().toString().endsWith(".part")))
                    .isEmpty();
        }
    }

    private static Map<String, byte[]> unzip(Path zip) throws Exception {
        Map<String, byte[]> files = new TreeMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                files.put(e.getName(), in.readAllBytes());
            }
        }
        return files;
    }
}
