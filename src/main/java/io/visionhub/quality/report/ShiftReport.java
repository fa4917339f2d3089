package io.visionhub.quality.report;

import io.visionhub.ledger.disposition.SignedDisposition;
import io.visionhub.quality.alarm.QualityAlarm;
import io.visionhub.quality.ncr.NcrRegister.NcrSummary;
import io.visionhub.quality.oee.QualityRate;
import io.visionhub.quality.spc.ChartPoint;
import io.visionhub.quality.spc.RuleViolation;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * What the shift report of a line shows: everything comes from the ledger's tables and the context history, except
 * alarms and NCRs, which come from their services when the hub runs them (null: no such service).
 *
 * @param line        line
 * @param shift       shift
 * @param date        the date the shift started on
 * @param zone        the time zone of that date
 * @param periods     when the line ran the shift that day (context history)
 * @param ok          inspections judged OK
 * @param ng          judged NG
 * @param uncertain   judged UNCERTAIN
 * @param rate        quality rate of the line after dispositions current at generation
 * @param stations    the same per station
 * @param pareto      defects by class, most frequent first
 * @param charts      p-chart of the NG rate per station
 * @param alarms      alarms raised in the periods, or null without an alarm service
 * @param dispositions current dispositions of the shift's inspections and of their lots
 * @param ncrs        non-conformances of the line opened or changed in the periods, or null without an NCR register
 * @param ledger      the ledger records the figures come from
 * @param generatedAt when the report was made
 * @param generatedBy who asked for it
 */
public record ShiftReport(
        String line,
        String shift,
        LocalDate date,
        String zone,
        List<ShiftPeriods.Period> periods,
        long ok,
        long ng,
        long uncertain,
        QualityRate rate,
        Map<String, QualityRate> stations,
        List<DefectCount> pareto,
        List<StationChart> charts,
        List<QualityAlarm> alarms,
        List<SignedDisposition> dispositions,
        List<NcrSummary> ncrs,
        LedgerRange ledger,
        Instant generatedAt,
        String generatedBy) {

    public long inspections() {
        return ok + ng + uncertain;
    }

    /** A defect class and how often it was found. */
    public record DefectCount(String defectClass, long count) {}

    /**
     * A station's p-chart over the shift: subgroups by time, centre line and limits from the shift's own subgroups.
     *
     * @param window     subgroup length
     * @param points     the plotted subgroups
     * @param violations Nelson rules that fired on them
     */
    public record StationChart(
            String station, java.time.Duration window, List<ChartPoint> points, List<RuleViolation> violations) {}

    /**
     * The ledger records behind the report: the inspections' sequence range and count (a verifier can export the
     * range as an audit package and check every figure).
     */
    public record LedgerRange(Long firstSeq, Long lastSeq, long records) {}
}
