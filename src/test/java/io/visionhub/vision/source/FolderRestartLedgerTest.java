package io.visionhub.vision.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visionhub.event.InspectionEvent;
import io.visionhub.images.FileImageStore;
import io.visionhub.ledger.InspectionLedger;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.LedgerRecordedParts;
import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.TestModels;
import io.visionhub.vision.component.VisionComponent;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A hub that dies after a folder part's ledger record and before the file's move leaves the file in the drop folder;
 * the next start reads it again, finds the part with that image in the ledger and does not record it twice, while a
 * file it never recorded is recorded (bench/faults, row "kill -9 mid-burst").
 */
class FolderRestartLedgerTest {

    @TempDir
    static Path modelDir;

    @TempDir
    Path dir;

    @BeforeAll
    static void teach() {
        new AnomalyTeacher().teach(TestModels.goodParts(4, 20), AnomalyTeacher.Spec.of("restart-test", "1"), modelDir);
    }

    @Test
    void aFileWhosePartTheLedgerHoldsIsNotRecordedAgainAfterARestart() throws Exception {
        Path drop = Files.createDirectories(dir.resolve("drop"));
        SimulatedPartGenerator gen = new SimulatedPartGenerator(8, 0);
        for (int i = 1; i <= 2; i++) {
            Path f = drop.resolve("part-" + i + ".png");
            Files.write(f, FrameInspector.encode(gen.good(i).image(), "png"));
            Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() - 5000));
        }
        try (LedgerFixture ledger = new LedgerFixture(dir.resolve("ledger"))) {
            JdbcTemplate jdbc = new JdbcTemplate(ledger.ds);
            // first run: part-1 is recorded, then the "process dies" before the route returns (the file stays);
            // part-2 is read but never recorded
            AtomicBoolean firstRun = new AtomicBoolean(true);
            CamelContext first = camel(drop, ledger, firstRun);
            first.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> count(jdbc, "part-1") == 1);
            } finally {
                first.stop();
            }
            assertThat(drop.resolve("part-1.png")).as("recorded, not yet moved").exists();
            assertThat(count(jdbc, "part-2")).isZero();

            firstRun.set(false);
            CamelContext second = camel(drop, ledger, firstRun);
            second.start();
            try {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> Files.exists(drop.resolve(".inspected/part-1.png"))
                                && Files.exists(drop.resolve(".inspected/part-2.png")));
            } finally {
                second.stop();
            }
            assertThat(count(jdbc, "part-1")).as("part-1 recorded once").isEqualTo(1);
            assertThat(count(jdbc, "part-2"))
                    .as("part-2 recorded at the restart")
                    .isEqualTo(1);
        }
    }

    @Test
    void aPartTheLedgerRefusedIntoTheDeadLetterChannelIsReadAgainAndRecorded() throws Exception {
        Path drop = Files.createDirectories(dir.resolve("drop"));
        Path f = drop.resolve("part-1.png");
        Files.write(
                f,
                FrameInspector.encode(new SimulatedPartGenerator(8, 0).good(1).image(), "png"));
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() - 5000));
        try (LedgerFixture ledger = new LedgerFixture(dir.resolve("ledger"))) {
            JdbcTemplate jdbc = new JdbcTemplate(ledger.ds);
            AtomicBoolean diskFull = new AtomicBoolean(true);
            AtomicInteger deadLetters = new AtomicInteger();
            CamelContext camel = new DefaultCamelContext();
            camel.addComponent("vision", vision(dir));
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    errorHandler(deadLetterChannel("direct:inspection-failed").useOriginalMessage());
                    from("direct:inspection-failed").process(e -> deadLetters.incrementAndGet());
                    from("vision:folder-station?camera=smartcam&line=line-1&source=folder:" + drop + "&fps=20&model="
                                    + modelDir)
                            .routeId("folder")
                            .process(e -> {
                                if (diskFull.get()) {
                                    throw new IllegalStateException("No space left on device");
                                }
                                var receipt = ledger.ledger.append(e.getIn().getBody(InspectionEvent.class), List.of());
                                // as ledger:record does (LedgerRecordProducer)
                                e.getIn().setHeader(InspectionLedger.HEADER_SEQUENCE, receipt.sequence());
                            });
                }
            });
            camel.start();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters.get() >= 1);
                assertThat(f).as("refused by the ledger: the file stays").exists();
                diskFull.set(false); // space freed
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(drop.resolve(".inspected/part-1.png")));
            } finally {
                camel.stop();
            }
            assertThat(count(jdbc, "part-1")).isEqualTo(1);
        }
    }

    private VisionComponent vision(Path dir) {
        VisionComponent vision = new VisionComponent();
        vision.setImageStore(new FileImageStore(dir.resolve("images")));
        return vision;
    }

    private static int count(JdbcTemplate jdbc, String part) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM inspection WHERE part_id = ?", Integer.class, part);
    }

    private CamelContext camel(Path drop, LedgerFixture ledger, AtomicBoolean dies) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("recordedParts", new LedgerRecordedParts(ledger.ds));
        camel.addComponent("vision", vision(dir));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("vision:folder-station?camera=smartcam&line=line-1&source=folder:" + drop + "&fps=20&model="
                                + modelDir)
                        .routeId("folder")
                        .process(e -> {
                            InspectionEvent ev = e.getIn().getBody(InspectionEvent.class);
                            if (dies.get() && ev.partId().equals("part-2")) {
                                throw new IllegalStateException("the process is gone before part-2's record");
                            }
                            ledger.ledger.append(ev, List.of());
                            if (dies.get()) {
                                throw new IllegalStateException("the process is gone after part-1's record");
                            }
                        });
            }
        });
        return camel;
    }
}
