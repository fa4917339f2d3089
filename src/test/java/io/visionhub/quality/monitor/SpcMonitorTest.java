package io.visionhub.quality.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.LedgerDatabase;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.quality.alarm.AlarmService;
import io.visionhub.quality.alarm.QualityAlarm;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The SPC monitor end to end on a real ledger (H2): inspections in, subgroups, baseline, Nelson rules, alarms
 * recorded in the ledger and the alarm table, cleared when back in control, charts rebuilt after a restart.
 * {@link PostgresSpcMonitorTest} runs the same on PostgreSQL.
 */
class SpcMonitorTest {

    @TempDir
    Path dir;

    final LedgerDatabase database = LedgerDatabase.of(getClass());
    LedgerFixture fx;
    AlarmService alarms;
    final List<QualityAlarm> told = new CopyOnWriteArrayList<>();
    final Instant start = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);

    @BeforeEach
    void open() {
        fx = new LedgerFixture(dir, database.open(dir));
        alarms = newAlarmService();
        alarms.addListener(told::add);
    }

    @AfterEach
    void close() {
        alarms.close();
        fx.ledger.close();
        database.close(fx.ds);
    }

    AlarmService newAlarmService() {
        return new AlarmService(fx.ledger, fx.ds, Clock.systemUTC());
    }

    /** Subgroups of 10 parts, limits from the first 5, the given rules, alarms clear after 2 good subgroups. */
    static SpcProperties props(List<Integer> rules) {
        return new SpcProperties(
                true, Duration.ofHours(8), 50, "p", "count", 10, null, 5, rules, 2, null, null, null, null);
    }

    /** Records each inspection (as ledger:record does) and hands it to the monitor (as quality:inspection does). */
    void run(SpcMonitor monitor, List<InspectionEvent> events) {
        for (InspectionEvent e : events) {
            fx.ledger.append(e, List.of());
            monitor.onInspection(e);
        }
    }

    @Test
    void aSubgroupBeyondTheUpperLimitRaisesRule1AlarmsRecordedInTheLedgerThatClearWhenBackInControl() throws Exception {
        SpcMonitor monitor = new SpcMonitor(props(List.of(1, 2, 3, 4, 5, 6, 7, 8)), alarms);
        SpcEvents line = new SpcEvents("line-1", "station-1", "PO-1", start);
        // baseline: 1 NG in 10 (p-bar 0.1, UCL 0.385 for n = 10), then two ordinary subgroups
        run(monitor, line.subgroups(10, 1, 1, 1, 1, 1, 1, 0));
        alarms.awaitRecorded(10_000);
        assertThat(alarms.active()).isEmpty();
        ChartView p = monitor.charts("line-1", "station-1", "p", null).get(0);
        assertThat(p.phase()).isEqualTo("MONITORING");
        assertThat(p.center()).isEqualTo(0.1);
        assertThat(p.points()).hasSize(7);
        assertThat(p.points().get(0).upperLimit()).isBetween(0.38, 0.39);

        // 6 NG of 10: beyond the UCL on the p chart and on the u chart of scratches
        run(monitor, line.subgroup(10, 6));
        alarms.awaitRecorded(10_000);
        List<QualityAlarm> active = alarms.active();
        assertThat(active)
                .extracting(QualityAlarm::chart, QualityAlarm::defectClass, QualityAlarm::rule, QualityAlarm::severity)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("p", null, "NELSON_1", "HIGH"),
                        org.assertj.core.groups.Tuple.tuple("u", "scratch", "NELSON_1", "HIGH"));
        QualityAlarm pAlarm =
                active.stream().filter(a -> a.chart().equals("p")).findFirst().orElseThrow();
        assertThat(pAlarm.station()).isEqualTo("station-1");
        assertThat(pAlarm.line()).isEqualTo("line-1");
        assertThat(pAlarm.message()).contains("Nelson rule 1").contains("NG rate 0.6000");
        assertThat(pAlarm.ledgerSeq()).isNotNull();
        JdbcTemplate jdbc = new JdbcTemplate(fx.ds);
        assertThat(jdbc.queryForObject(
                        "SELECT record_type FROM ledger_leaf WHERE seq = ?", String.class, pAlarm.ledgerSeq()))
                .isEqualTo(AlarmService.RECORD_TYPE);
        assertThat(jdbc.queryForObject("SELECT entry FROM ledger_leaf WHERE seq = ?", String.class, pAlarm.ledgerSeq()))
                .contains("\"action\":\"RAISED\"")
                .contains("\"inspected\":10")
                .contains("\"count\":6");
        assertThat(monitor.charts("line-1", "station-1", "p", null)
                        .get(0)
                        .points()
                        .get(7)
                        .violations())
                .contains(1);
        // still out of control: the rule-1 alarms stay (no second one); rule 5 (two of three beyond 2 sigma) joins
        run(monitor, line.subgroup(10, 7));
        alarms.awaitRecorded(10_000);
        assertThat(alarms.active())
                .hasSize(4)
                .extracting(QualityAlarm::rule)
                .containsExactlyInAnyOrder("NELSON_1", "NELSON_1", "NELSON_5", "NELSON_5");
        assertThat(alarms.active()).extracting(QualityAlarm::id).contains(pAlarm.id());

        // two subgroups in control: all clear (clear-after 2), each clear recorded
        run(monitor, line.subgroup(10, 1));
        alarms.awaitRecorded(10_000);
        assertThat(alarms.active()).hasSize(4);
        run(monitor, line.subgroup(10, 0));
        alarms.awaitRecorded(10_000);
        assertThat(alarms.active()).isEmpty();
        List<QualityAlarm> history =
                alarms.raisedBetween("line-1", start, Instant.now().plusSeconds(60));
        assertThat(history).hasSize(4).allSatisfy(a -> assertThat(a.cleared()).isNotNull());
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM ledger_leaf WHERE record_type = 'QUALITY_ALARM'", Integer.class))
                .isEqualTo(8);
        assertThat(jdbc.queryForObject("SELECT cleared_by FROM quality_alarm WHERE id = ?", String.class, pAlarm.id()))
                .isEqualTo(AlarmService.CLEARED_BY_SPC);
        assertThat(told)
                .extracting(QualityAlarm::active)
                .containsExactly(true, true, true, true, false, false, false, false);
        assertThat(fx.service.verify().ok()).isTrue();
    }

    @Test
    void aProcessThatStaysInControlRaisesNoAlarmWithEveryRuleOn() throws Exception {
        SpcMonitor monitor = new SpcMonitor(props(List.of(1, 2, 3, 4, 5, 6, 7, 8)), alarms);
        SpcEvents line = new SpcEvents("line-1", "station-1", "PO-1", start);
        run(monitor, line.subgroups(10, 1, 1, 1, 1, 1, 2, 0, 1, 2, 0, 1, 3, 1));
        alarms.awaitRecorded(10_000);
        assertThat(alarms.active()).isEmpty();
        assertThat(told).isEmpty();
        ChartView p = monitor.charts(null, "station-1", "p", null).get(0);
        assertThat(p.points())
                .hasSize(13)
                .allSatisfy(pt -> assertThat(pt.violations()).isEmpty());
    }

    @Test
    void aRestartRebuildsTheChartsFromTheInspectionTableAndKeepsTheBaseline() throws Exception {
        SpcMonitor before = new SpcMonitor(props(List.of(1)), alarms);
        SpcEvents line = new SpcEvents("line-1", "station-1", "PO-1", start);
        run(before, line.subgroups(10, 1, 1, 1, 1, 1, 1, 0));
        run(before, line.subgroup(10, 0).subList(0, 4)); // an open subgroup too
        List<ChartView> charts = before.charts(null, null, null, null);

        // the hub restarts: a new monitor and alarm service on the same database
        alarms.close();
        alarms = newAlarmService();
        alarms.addListener(told::add);
        SpcMonitor after = new SpcMonitor(props(List.of(1)), alarms);
        after.rebuild(fx.ds, Clock.systemUTC());
        assertThat(after.charts(null, null, null, null)).isEqualTo(charts);
        assertThat(after.charts(null, "station-1", "p", null).get(0).phase()).isEqualTo("MONITORING");

        // the open subgroup was rebuilt too: 6 more parts, 6 of them NG, close it beyond the UCL (6 of 10)
        List<InspectionEvent> rest = List.of(
                line.part(true), line.part(true), line.part(true), line.part(true), line.part(true), line.part(true));
        run(after, rest);
        alarms.awaitRecorded(10_000);
        assertThat(alarms.active()).extracting(QualityAlarm::chart).contains("p");
        assertThat(after.charts(null, "station-1", "p", null).get(0).points())
                .last()
                .satisfies(pt -> assertThat(pt.inspected()).isEqualTo(10));
    }

    @Test
    void activeAlarmsStayActiveAcrossARestart() throws Exception {
        SpcMonitor monitor = new SpcMonitor(props(List.of(1)), alarms);
        SpcEvents line = new SpcEvents("line-1", "station-1", "PO-1", start);
        run(monitor, line.subgroups(10, 1, 1, 1, 1, 1, 6));
        alarms.awaitRecorded(10_000);
        List<QualityAlarm> active = alarms.active();
        assertThat(active).hasSize(2);
        alarms.close();
        alarms = newAlarmService();
        assertThat(alarms.active()).containsExactlyInAnyOrderElementsOf(active);
    }

    @Test
    void aProductionOrderChangeoverStartsANewBaseline() {
        SpcMonitor monitor = new SpcMonitor(props(List.of(1)), alarms);
        SpcEvents line = new SpcEvents("line-1", "station-1", "PO-1", start);
        run(monitor, line.subgroups(10, 1, 1, 1, 1, 1, 1));
        assertThat(monitor.charts(null, "station-1", "p", null).get(0).phase()).isEqualTo("MONITORING");
        line.order("PO-2");
        run(monitor, line.subgroups(10, 0, 0));
        ChartView p = monitor.charts(null, "station-1", "p", null).get(0);
        assertThat(p.phase()).isEqualTo("BASELINE");
        assertThat(p.productionOrder()).isEqualTo("PO-2");
        assertThat(p.baselineCollected()).isEqualTo(2);
        assertThat(p.points()).isEmpty();
    }

    @Test
    void fixedLimitsNeedNoBaselineAndTimeSubgroupsFollowTheWindow() throws Exception {
        SpcProperties props = new SpcProperties(
                true,
                Duration.ofHours(8),
                50,
                "p",
                "time",
                null,
                Duration.ofSeconds(10),
                5,
                List.of(1),
                2,
                0.05,
                null,
                null,
                null);
        SpcMonitor monitor = new SpcMonitor(props, alarms);
        // parts 1 s apart from a 10 s boundary: a window of 10 parts closes with the first part of the next
        Instant boundary = Instant.ofEpochSecond(start.getEpochSecond() / 10 * 10 - 1);
        SpcEvents line = new SpcEvents("line-1", "station-1", "PO-1", boundary);
        run(monitor, line.subgroups(10, 0, 0, 5));
        run(monitor, List.of(line.part(false)));
        alarms.awaitRecorded(10_000);
        ChartView p = monitor.charts(null, "station-1", "p", null).get(0);
        assertThat(p.limitsFrom()).isEqualTo("FIXED");
        assertThat(p.center()).isEqualTo(0.05);
        assertThat(p.points()).hasSize(3).allSatisfy(pt -> {
            assertThat(pt.inspected()).isEqualTo(10);
            assertThat(Duration.between(pt.from(), pt.to())).isEqualTo(Duration.ofSeconds(10));
        });
        assertThat(alarms.active()).extracting(QualityAlarm::chart).containsExactly("p");
    }
}
