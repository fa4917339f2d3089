package io.visionhub.vision.challenger;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.InspectionEvent;
import io.visionhub.event.InspectionEvent.Verdict;
import io.visionhub.event.ModelRef;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.vision.Frame;
import io.visionhub.vision.TestModels;
import io.visionhub.vision.component.VisionComponent;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelHandle;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.model.ModelVerdict;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Champion–challenger: a challenger never delays the champion (a deliberately blocked challenger, every champion
 * frame still completes, the frames it could not take are skipped and counted), and agreement, disagreements and
 * the confusion against dispositions come out right on a known set.
 */
class ChallengerTest {

    @TempDir
    static Path models;

    static Path champion;
    static Path challenger;
    static final List<BufferedImage> GOOD = TestModels.goodParts(5, 10);

    @BeforeAll
    static void build() {
        champion = TestModels.classifier(models.resolve("champion"), GOOD);
        challenger = TestModels.classifier(models.resolve("challenger"), TestModels.goodParts(9, 10));
    }

    /** A challenger that waits for the test before judging: as slow as the test wants. */
    static final class BlockedModel implements InspectionModel {
        final InspectionModel real;
        final CountDownLatch release;

        BlockedModel(InspectionModel real, CountDownLatch release) {
            this.real = real;
            this.release = release;
        }

        @Override
        public ModelRef ref() {
            return real.ref();
        }

        @Override
        public ModelVerdict inspect(BufferedImage image) {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return real.inspect(image);
        }

        @Override
        public void close() {
            real.close();
        }
    }

    @Test
    void aBlockedChallengerNeverDelaysTheChampionAndSkippedFramesAreCounted() throws Exception {
        CamelContext camel = new DefaultCamelContext();
        VisionComponent vision = new VisionComponent();
        vision.setModelWatchSeconds(0);
        camel.addComponent("vision", vision);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:frame")
                        .to("vision:station-1?storeImages=false&model=" + champion + "&challenger=" + challenger)
                        .to("mock:events");
            }
        });
        camel.start();
        CountDownLatch release = new CountDownLatch(1);
        try {
            vision.model(challenger.toString()).swap(new BlockedModel(new ModelLoader().load(challenger), release));
            ProducerTemplate frames = camel.createProducerTemplate();
            MockEndpoint events = camel.getEndpoint("mock:events", MockEndpoint.class);
            int n = 20;
            events.expectedMessageCount(n);
            for (int i = 0; i < n; i++) {
                frames.sendBody("direct:frame", GOOD.get(i % GOOD.size()));
            }
            // every champion frame went down the route while the challenger was still stuck on its first
            events.assertIsSatisfied(TimeUnit.SECONDS.toMillis(30));
            ChallengerRun run = vision.challengers().get("station-1");
            ChallengerRun.Stats during = run.stats();
            assertThat(during.offered()).isEqualTo(n);
            assertThat(during.compared()).isZero();
            // one frame being judged, one waiting in the queue of one: the other 18 skipped
            assertThat(during.skipped()).isEqualTo(n - 2);

            release.countDown();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> run.stats().compared() + run.stats().failed() == 2);
            ChallengerRun.Stats after = run.stats();
            assertThat(after.failed()).isZero();
            assertThat(after.agreement()).isNotNull();
            assertThat(after.challenger().sha256())
                    .isNotEqualTo(events.getReceivedExchanges()
                            .get(0)
                            .getIn()
                            .getBody(InspectionEvent.class)
                            .model()
                            .sha256());
        } finally {
            release.countDown();
            camel.stop();
        }
    }

    /** A challenger that says OK to everything. */
    static final class AlwaysOk implements InspectionModel {
        @Override
        public ModelRef ref() {
            return new ModelRef("lenient", "1", "b".repeat(64), "classify");
        }

        @Override
        public ModelVerdict inspect(BufferedImage image) {
            return new ModelVerdict(Verdict.OK, List.of(), null, 0, 0, 0);
        }

        @Override
        public void close() {}
    }

    @Test
    void agreementDisagreementsAndConfusionAgainstDispositionsOnAKnownSet() throws Exception {
        ExecutorService unbounded = Executors.newSingleThreadExecutor();
        ChallengerRun run = new ChallengerRun(
                "station-1",
                "/models/lenient",
                new ModelHandle("/models/lenient", new AlwaysOk()),
                unbounded,
                50_000_000,
                100,
                1000,
                1.0,
                null);
        // the champion said NG, NG, OK, UNCERTAIN, OK
        Verdict[] said = {Verdict.NG, Verdict.NG, Verdict.OK, Verdict.UNCERTAIN, Verdict.OK};
        List<InspectionEvent> champion = new ArrayList<>();
        for (int i = 0; i < said.length; i++) {
            InspectionEvent e = LedgerTestSupport.event("insp-" + i, said[i], "a".repeat(63) + i);
            champion.add(e);
            run.offer(new Frame("cam-1", i, Instant.now(), GOOD.get(i), null, null), e);
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> run.stats().compared() == said.length);
        unbounded.shutdown();

        ChallengerRun.Stats s = run.stats();
        assertThat(s.agreed()).isEqualTo(2);
        assertThat(s.agreement()).isEqualTo(0.4);
        assertThat(s.skipped()).isZero();
        // latest first, with the champion's inspection id and frame
        assertThat(s.disagreements())
                .extracting(ChallengerRun.Disagreement::inspectionId)
                .containsExactly("insp-3", "insp-1", "insp-0");
        assertThat(s.disagreements().get(0).imageSha256())
                .isEqualTo(champion.get(3).image().sha256());
        assertThat(s.disagreements().get(0).championSaid()).isEqualTo(Verdict.UNCERTAIN);
        assertThat(s.disagreements().get(0).challengerSaid()).isEqualTo(Verdict.OK);

        // people decided: 0 defective (REJECT), 1 good (ACCEPT), 2 defective (REWORK), 3 good (ACCEPT); 4 undecided
        Map<String, String> dispositions =
                Map.of("insp-0", "REJECT", "insp-1", "ACCEPT", "insp-2", "REWORK", "insp-3", "ACCEPT");
        ChallengerReport report = ChallengerReport.of(run, ids -> {
            assertThat(ids).containsExactlyInAnyOrder("insp-0", "insp-1", "insp-2", "insp-3", "insp-4");
            return dispositions;
        });
        assertThat(report.judgedByPeople()).isEqualTo(4);
        Confusion champ = report.confusion().get(0);
        Confusion chall = report.confusion().get(1);
        assertThat(champ.model())
                .isEqualTo(champion.get(0).model().name() + ":"
                        + champion.get(0).model().version());
        // champion: NG/REJECT tp, NG/ACCEPT fp, OK/REWORK fn (an escape), UNCERTAIN/ACCEPT
        assertThat(List.of(
                        champ.judged(),
                        champ.truePositive(),
                        champ.falsePositive(),
                        champ.trueNegative(),
                        champ.falseNegative(),
                        champ.uncertainGood(),
                        champ.uncertainDefective()))
                .containsExactly(4, 1, 1, 0, 1, 1, 0);
        assertThat(champ.accuracy()).isEqualTo(0.25);
        // the lenient challenger: OK to all: two good parts right, two defective ones missed
        assertThat(chall.model()).isEqualTo("lenient:1");
        assertThat(List.of(
                        chall.judged(),
                        chall.truePositive(),
                        chall.falsePositive(),
                        chall.trueNegative(),
                        chall.falseNegative()))
                .containsExactly(4, 0, 0, 2, 2);
        assertThat(chall.accuracy()).isEqualTo(0.5);
    }
}
