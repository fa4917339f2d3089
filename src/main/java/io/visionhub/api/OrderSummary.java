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
 */
public record OrderSummary(String productionOrder, List<String> lines, List<String> products, Instant firstCapture,
                           Instant lastCapture, Counts counts, List<ShiftCounts> shifts) {

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
    public record Counts(long inspections, long ok, long ng, long uncertain, double ngRate, long parts, long firstPassOk,
                         double firstPassYield, Map<String, Long> defectsByClass) {
    }

    public record ShiftCounts(String shift, Counts counts) {
    }
}
