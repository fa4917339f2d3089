package io.visionhub.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.EventIds;
import io.visionhub.event.ImageRef;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.Latency;
import io.visionhub.event.ModelRef;
import io.visionhub.event.ProductionContext;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.disposition.SignedDisposition;
import io.visionhub.web.LineViews.Station;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/**
 * The line screens' memory on a real ledger (H2, Flyway): a line opened by a screen loads its last N results per
 * station and the counts of the current order and shift from the ledger's tables, then follows the live feed
 * (counts start again at a new order, a disposition marks its row, the renderer sends a burst as one message);
 * a line no screen opened costs nothing.
 */
class LineBoardTest {

    @TempDir
    Path dir;

    final Instant t0 = Instant.parse("2026-12-05T06:00:00Z");
    final List<LineStreamTestEmitter> emitters = new ArrayList<>();

    static final class LineStreamTestEmitter extends LiveStreamTest.RecordingEmitter {
        LineStreamTestEmitter() {
            super(false);
        }
    }

    @Test
    void aLineLoadsFromTheLedgerThenFollowsTheFeed() throws Exception {
        try (HikariDataSource ds = LedgerTestSupport.h2(dir);
                JdbcInspectionLedger ledger = LedgerTestSupport.ledger(ds, LedgerTestSupport.props(dir))) {
            List<InspectionEvent> recorded = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                InspectionEvent e = event("station-1", i == 1 ? "NG" : "OK", "PO-1", i);
                ledger.append(e, List.of());
                recorded.add(e);
            }
            InspectionEvent otherOrder = event("station-1", "NG", "PO-0", -10);
            ledger.append(otherOrder, List.of());

            DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
            TestAlarmBoard alarms = new TestAlarmBoard();
            beans.registerSingleton("alarmBoard", alarms);
            NamedParameterJdbcTemplate jdbc = new NamedParameterJdbcTemplate(ds);
            WebProperties props =
                    new WebProperties(true, "line-1", 2, 16, 10, Duration.ofSeconds(1), Duration.ofMillis(100));
            LineDirectory directory = new LineDirectory(
                    beans.getBeanProvider(org.apache.camel.CamelContext.class),
                    beans.getBeanProvider(io.visionhub.context.ProductionContextStore.class),
                    jdbc,
                    props);
            LiveStream stream = new LiveStream(64, 10) {
                @Override
                protected SseEmitter newEmitter() {
                    LineStreamTestEmitter e = new LineStreamTestEmitter();
                    emitters.add(e);
                    return e;
                }
            };
            SpringTemplateEngine engine = new SpringTemplateEngine();
            ClassLoaderTemplateResolver templates = new ClassLoaderTemplateResolver();
            templates.setPrefix("templates/");
            templates.setSuffix(".html");
            engine.setTemplateResolver(templates);
            try (LineBoard board = new LineBoard(
                    props,
                    directory,
                    jdbc,
                    beans.getBeanProvider(io.visionhub.ledger.disposition.DispositionQueries.class),
                    beans.getBeanProvider(io.visionhub.quality.oee.QualityRates.class),
                    beans.getBeanProvider(io.visionhub.quality.alarm.AlarmBoard.class),
                    beans.getBeanProvider(io.visionhub.context.ProductionContextStore.class),
                    stream,
                    new LineFragments(engine),
                    new PlantStates(beans))) {

                board.start();
                // a line no screen opened: only its name is noted
                InspectionEvent unseen = event("station-9", "OK", "PO-9", 0);
                board.onInspection(withLine(unseen, "line-9"));
                assertThat(directory.stations("line-9")).containsExactly("station-9");

                // opened: the last 2 results (recent-results = 2), counts of the newest recorded order
                LineViews.Screen screen = board.screen("line-1");
                assertThat(screen.context().order()).isEqualTo("PO-1");
                Station st = screen.stations().get(0);
                assertThat(st.station()).isEqualTo("station-1");
                assertThat(st.recent())
                        .extracting(LineViews.Result::id)
                        .containsExactly(recorded.get(2).id(), recorded.get(1).id());
                assertThat(st.latest().id()).isEqualTo(recorded.get(2).id());
                assertThat(st.counts()).isEqualTo(new LineViews.Counts(2, 1, 0));
                assertThat(st.rate()).as("no quality-rate service").isEqualTo(LineViews.Rate.NONE);

                // a screen watches: a new result (same order) counts and goes out live
                stream.open("line-1", List.of());
                InspectionEvent live = event("station-1", "UNCERTAIN", "PO-1", 10);
                ledger.append(live, List.of());
                board.onInspection(live);
                Station now = board.screen("line-1").stations().get(0);
                assertThat(now.counts()).isEqualTo(new LineViews.Counts(2, 1, 1));
                assertThat(now.recent())
                        .hasSize(2)
                        .first()
                        .extracting(LineViews.Result::id)
                        .isEqualTo(live.id());
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> emitters.get(0).hasEvent("inspection", "")
                                && String.join("", emitters.get(0).sent).contains("r-" + live.id()));
                String sent = String.join("", emitters.get(0).sent);
                assertThat(sent)
                        .contains("hx-swap-oob=\"afterbegin:#results-station-1\"")
                        .contains("id=\"counts-station-1\" hx-swap-oob=\"true\"")
                        .doesNotContain("\ndata:\n");

                // a disposition marks its row, on screen and in memory
                board.onDisposition(disposition(live.id(), "REWORK"));
                assertThat(board.screen("line-1").stations().get(0).latest().disposition())
                        .isEqualTo("REWORK");
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> emitters.get(0).hasEvent("disposition", ""));

                // a new order: its counts start from zero
                board.onInspection(event("station-1", "OK", "PO-2", 20));
                assertThat(board.screen("line-1").stations().get(0).counts()).isEqualTo(new LineViews.Counts(1, 0, 0));

                // a burst: every new row reaches the screen
                List<String> burst = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    InspectionEvent e = event(i % 2 == 0 ? "station-1" : "station-2", "OK", "PO-2", 30 + i);
                    burst.add(e.id());
                    board.onInspection(e);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    String all = String.join("", emitters.get(0).sent);
                    return all.contains("r-" + burst.get(49));
                });
                assertThat(board.screen("line-1").stations())
                        .extracting(Station::station)
                        .containsExactly("station-1", "station-2");

                // alarms: shown on the screen, and a new one goes out live
                assertThat(board.screen("line-1").alarmsAvailable()).isTrue();
                assertThat(board.screen("line-1").alarms()).isEmpty();
                alarms.raise(new io.visionhub.quality.alarm.QualityAlarm(
                        "a-1",
                        "NELSON_1",
                        "HIGH",
                        "line-1",
                        "station-1",
                        null,
                        "p",
                        "NG rate above the upper control limit",
                        Instant.now(),
                        null,
                        null));
                assertThat(board.screen("line-1").alarms())
                        .extracting(LineViews.Alarm::message)
                        .containsExactly("NG rate above the upper control limit");
                await().atMost(Duration.ofSeconds(5))
                        .until(() -> emitters.get(0).hasEvent("alarm", "")
                                && String.join("", emitters.get(0).sent).contains("NG rate above the upper"));

                // a feed event without line or station is ignored, not an error
                board.onInspection(withLine(unseen, null));
            } finally {
                stream.close();
            }
        }
    }

    /** An alarm board as the SPC monitor keeps one: active alarms and listeners. */
    static final class TestAlarmBoard implements io.visionhub.quality.alarm.AlarmBoard {
        final List<io.visionhub.quality.alarm.QualityAlarm> active = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<java.util.function.Consumer<io.visionhub.quality.alarm.QualityAlarm>> listeners =
                new java.util.concurrent.CopyOnWriteArrayList<>();

        void raise(io.visionhub.quality.alarm.QualityAlarm a) {
            active.add(0, a);
            listeners.forEach(l -> l.accept(a));
        }

        @Override
        public List<io.visionhub.quality.alarm.QualityAlarm> active() {
            return active;
        }

        @Override
        public List<io.visionhub.quality.alarm.QualityAlarm> raisedBetween(String line, Instant from, Instant to) {
            return List.of();
        }

        @Override
        public void addListener(java.util.function.Consumer<io.visionhub.quality.alarm.QualityAlarm> listener) {
            listeners.add(listener);
        }
    }

    private InspectionEvent event(String station, String verdict, String order, int secondsAfter) {
        Instant at = t0.plusSeconds(secondsAfter);
        return new InspectionEvent(
                InspectionEvent.SCHEMA_VERSION,
                EventIds.newId(),
                station,
                "cam-" + station,
                "line-1",
                at,
                at.plusMillis(30),
                new ModelRef("demo-anomaly", "1.0", "ab".repeat(32), "anomaly"),
                InspectionEvent.Verdict.valueOf(verdict),
                List.of(),
                0.5,
                new ImageRef("cd".repeat(32), "/api/images/" + "cd".repeat(32), null, null, 64, 48),
                new ProductionContext("line-1", order, "P", "1", null, "L", null, "A", null, null, 1, t0),
                InspectionEvent.ContextStatus.APPLIED,
                null,
                new Latency(1, 1, 10, 1, 13));
    }

    private static InspectionEvent withLine(InspectionEvent e, String line) {
        return new InspectionEvent(
                e.schemaVersion(),
                e.id(),
                e.station(),
                e.camera(),
                line,
                e.captureTime(),
                e.inferenceTime(),
                e.model(),
                e.result(),
                e.defects(),
                e.anomalyScore(),
                e.image(),
                e.context(),
                e.contextStatus(),
                e.partId(),
                e.latency());
    }

    private static SignedDisposition disposition(String inspectionId, String what) {
        return new SignedDisposition(
                EventIds.newId(),
                99,
                "INSPECTION",
                inspectionId,
                "ee".repeat(32),
                1,
                what,
                "test",
                "Approved",
                "quality",
                "Quinn Quality (demo)",
                Instant.now(),
                "ff".repeat(32),
                "aa".repeat(32),
                "APPROVED",
                1,
                null,
                null,
                null,
                null);
    }
}
