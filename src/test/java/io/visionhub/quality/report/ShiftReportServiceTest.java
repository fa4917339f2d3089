package io.visionhub.quality.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.visionhub.context.ContextChange;
import io.visionhub.context.JdbcContextHistoryLog;
import io.visionhub.event.Defect;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.InspectionEvent.Verdict;
import io.visionhub.event.ProductionContext;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.disposition.DispositionRequest;
import io.visionhub.quality.alarm.AlarmBoard;
import io.visionhub.quality.alarm.QualityAlarm;
import io.visionhub.quality.ncr.NcrRegister;
import io.visionhub.quality.oee.QualityRate;
import io.visionhub.quality.oee.QualityRateQueries;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * A line that ran shift A twice in a day with shift B in between: the report covers the two A periods only (their
 * inspections, alarms), and reads alarms and NCRs from the services where the hub has them.
 */
class ShiftReportServiceTest {

    static final LocalDate DAY = LocalDate.parse("2026-03-02");

    @TempDir
    Path dir;

    LedgerFixture ledger;
    JdbcContextHistoryLog history;
    long version;

    String schema;

    /** The same on H2 and on the machine's PostgreSQL (skipped where it is not running). */
    void open(String db) {
        if ("h2".equals(db)) {
            ledger = new LedgerFixture(dir);
        } else {
            assumeTrue(LedgerTestSupport.postgresAvailable(), "PostgreSQL not reachable on 127.0.0.1:5432");
            schema = LedgerTestSupport.uniqueSchema();
            ledger = new LedgerFixture(dir, LedgerTestSupport.postgres(schema));
        }
        history = new JdbcContextHistoryLog(new NamedParameterJdbcTemplate(ledger.ds));
    }

    @AfterEach
    void close() {
        if (ledger != null) {
            if (schema != null) {
                LedgerTestSupport.dropSchema(ledger.ds, schema);
            }
            ledger.close();
        }
    }

    ProductionContext push(String at, String order, String shift) {
        ProductionContext c = new ProductionContext(
                "l1", order, "P", null, null, "LOT-" + order, null, shift, null, null, ++version, Instant.parse(at));
        history.record(new ContextChange(c, Instant.parse(at), "REST", "mes"));
        return c;
    }

    InspectionEvent record(ProductionContext ctx, String at, String station, Verdict v, String... defects) {
        InspectionEvent b = LedgerTestSupport.event(UUID.randomUUID().toString(), v, null);
        InspectionEvent e = new InspectionEvent(
                        b.schemaVersion(),
                        b.id(),
                        station,
                        b.camera(),
                        "l1",
                        Instant.parse(at),
                        Instant.parse(at),
                        b.model(),
                        v,
                        java.util.Arrays.stream(defects)
                                .map(d -> new Defect(d, 0.9, null))
                                .toList(),
                        null,
                        null,
                        null,
                        null,
                        null,
                        b.latency())
                .withContext(ctx);
        ledger.ledger.append(e, List.of());
        return e;
    }

    static QualityAlarm alarm(String id, String at) {
        return new QualityAlarm(
                id, "NELSON_1", "HIGH", "l1", "s1", null, "p", "beyond the limit", Instant.parse(at), null, 5L);
    }

    ShiftReportService service(AlarmBoard alarms, NcrRegister ncrs) {
        return new ShiftReportService(
                new JdbcTemplate(ledger.ds),
                () -> history,
                new QualityRateQueries(ledger.ds),
                ledger.dispositionQueries,
                () -> alarms,
                () -> ncrs,
                ZoneOffset.UTC,
                Clock.fixed(Instant.parse("2026-03-02T20:00:00Z"), ZoneOffset.UTC));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aShiftRunTwiceInADayIsReportedWithoutWhatCameBetween(String db) {
        open(db);
        ProductionContext a1 = push("2026-03-02T06:00:00Z", "PO-1", "A");
        ProductionContext b = push("2026-03-02T10:00:00Z", "PO-1", "B");
        ProductionContext a2 = push("2026-03-02T12:00:00Z", "PO-2", "A");
        push("2026-03-02T14:00:00Z", "PO-2", "C");
        record(a1, "2026-03-02T06:10:00Z", "s1", Verdict.OK);
        InspectionEvent ng = record(a1, "2026-03-02T07:00:00Z", "s1", Verdict.NG, "scratch", "dent");
        record(b, "2026-03-02T11:00:00Z", "s1", Verdict.NG, "crack"); // shift B: not in the report
        record(a2, "2026-03-02T12:30:00Z", "s2", Verdict.NG, "scratch");
        record(a2, "2026-03-02T13:00:00Z", "s2", Verdict.UNCERTAIN);
        ledger.dispositions.sign(
                "qa.lee",
                new DispositionRequest(
                        "INSPECTION", ng.id(), "REWORK", "polish", "APPROVED", null, "s3cret!", null, null, null));

        AlarmBoard board = new AlarmBoard() {
            @Override
            public List<QualityAlarm> active() {
                return List.of();
            }

            @Override
            public List<QualityAlarm> raisedBetween(String line, Instant from, Instant to) {
                assertThat(from).isEqualTo(Instant.parse("2026-03-02T06:00:00Z"));
                assertThat(to).isEqualTo(Instant.parse("2026-03-02T14:00:00Z"));
                return List.of(
                        alarm("in-first", "2026-03-02T07:05:00Z"),
                        alarm("in-B", "2026-03-02T11:05:00Z"),
                        alarm("in-second", "2026-03-02T13:05:00Z"));
            }

            @Override
            public void addListener(Consumer<QualityAlarm> listener) {}
        };
        NcrRegister register = (line, from, to) -> List.of(new NcrRegister.NcrSummary(
                "NCR-9", "PO-1", "scratch", line, "OPEN", 2, Instant.parse("2026-03-02T07:01:00Z"), null, null));

        ShiftReport r = service(board, register).report("l1", "A", DAY, "qa.lee");
        assertThat(r.periods())
                .extracting(ShiftPeriods.Period::orders)
                .containsExactly(List.of("PO-1"), List.of("PO-2"));
        assertThat(r.inspections()).isEqualTo(4);
        assertThat(r.ng()).isEqualTo(2);
        assertThat(r.uncertain()).isEqualTo(1);
        assertThat(r.rate()).isEqualTo(new QualityRate(4, 1, 1, 0, 1));
        assertThat(r.stations()).containsOnlyKeys("s1", "s2");
        assertThat(r.pareto())
                .containsExactly(new ShiftReport.DefectCount("scratch", 2), new ShiftReport.DefectCount("dent", 1));
        assertThat(r.alarms()).extracting(QualityAlarm::id).containsExactly("in-first", "in-second");
        assertThat(r.ncrs()).extracting(NcrRegister.NcrSummary::id).containsExactly("NCR-9");
        assertThat(r.dispositions()).extracting(d -> d.disposition()).containsExactly("REWORK");
        assertThat(r.ledger().records()).isEqualTo(4);
        assertThat(r.ledger().lastSeq() - r.ledger().firstSeq()).isEqualTo(4); // the B record lies between
        assertThat(r.charts()).extracting(ShiftReport.StationChart::station).containsExactly("s1", "s2");

        // without the services: null, which the PDF prints as "no alarm service" / "no NCR register"
        ShiftReport plain = service(null, null).report("l1", "A", DAY, "qa.lee");
        assertThat(plain.alarms()).isNull();
        assertThat(plain.ncrs()).isNull();

        assertThatThrownBy(() -> service(null, null).report("l1", "B", DAY.plusDays(1), "x"))
                .isInstanceOf(ShiftReportService.NoSuchShiftException.class)
                .hasMessageContaining("did not start shift B on 2026-03-03");
        assertThatThrownBy(() -> service(null, null).report("l9", "A", DAY, "x"))
                .isInstanceOf(ShiftReportService.NoSuchShiftException.class)
                .hasMessageContaining("line l9 has no production context history");
    }
}
