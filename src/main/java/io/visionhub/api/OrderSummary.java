package io.visionhub.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Quality of one production order as inspected.
 *
 * @param productionOrder the order
 * @param lines           lines it ran on
 * @param products        products inspected under it
 * @param firstCapture    first inspection's capture time
 * @param lastCapture     last inspection's capture time
 * @param counts          inspections by result, NG rate, first-pass yield, defects by class: whole order
 * @param shifts          the same per shift (shift as the MES context named it; "(none)" without one)
 * @param quality         the OEE quality rate after the current dispositions (each inspection counted once)
 */
public record OrderSummary(
        String productionOrder,
        List<String> lines,
        List<String> products,
        Instant firstCapture,
        Instant lastCapture,
        Counts counts,
        List<ShiftCounts> shifts,
        AfterDispositions quality) {

    /**
     * @param inspections    inspections recorded
     * @param ok             result OK
     * @param ng             result NG
     * @param uncertain      result UNCERTAIN
     * @param ngRate         ng / inspections (0 when none)
     * @param parts          distinct parts (an inspection without part id counts as one part)
     * @param firstPassOk    parts whose first inspection was OK
     * @param firstPassYield firstPassOk / parts
     * @param defectsByClass defects found, by class
     */
    public record Counts(
            long inspections,
            long ok,
            long ng,
            long uncertain,
            double ngRate,
            long parts,
            long firstPassOk,
            double firstPassYield,
            Map<String, Long> defectsByClass) {}

    public record ShiftCounts(String shift, Counts counts) {}

    /**
     * The order's quality after human decisions ({@code io.visionhub.quality.oee.QualityRate}): each inspection
     * with its current disposition (its own, else its lot's).
     *
     * @param inspections   inspections counted
     * @param good          OK, or dispositioned ACCEPT / USE_AS_IS
     * @param rework        dispositioned REWORK
     * @param scrap         dispositioned REJECT
     * @param pending       UNCERTAIN not yet dispositioned
     * @param ngUndecided   NG not yet dispositioned
     * @param qualityRate   good / inspections (null when none)
     * @param byDisposition inspections by current disposition (ACCEPT, REJECT, REWORK, USE_AS_IS)
     */
    public record AfterDispositions(
            long inspections,
            long good,
            long rework,
            long scrap,
            long pending,
            long ngUndecided,
            Double qualityRate,
            Map<String, Long> byDisposition) {}
}
