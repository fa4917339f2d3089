package io.visionhub.faults;

/**
 * One row of the fault table. {@code produced}: parts the camera sent; {@code recorded}: of those, parts in the
 * ledger; {@code delivered}: recorded inspections that reached SAP (and the MQTT subscriber where the row counts
 * MQTT); {@code lost} and {@code duplicated} must be 0; {@code recoverSeconds}: from the end of the fault (or the
 * restart) until every part was recorded and delivered, as the row's note says.
 */
public record RowResult(
        String row,
        int produced,
        int recorded,
        int delivered,
        int lost,
        int duplicated,
        double recoverSeconds,
        String note) {

    static RowResult of(String row, FaultLab.Tally t, boolean countMqtt, double recoverSeconds, String note) {
        return new RowResult(
                row,
                t.produced() * t.recordsPerPart(),
                t.recordsByPart().values().stream().mapToInt(Integer::intValue).sum(),
                t.delivered(countMqtt),
                t.lost(countMqtt),
                t.duplicated(countMqtt),
                recoverSeconds,
                (countMqtt ? "SAP + MQTT; " : "SAP; ") + note);
    }

    /** A row that could not run here (a tool or privilege missing), with the reason. */
    static RowResult skipped(String row, String reason) {
        return new RowResult(row, 0, 0, 0, 0, 0, Double.NaN, "SKIPPED: " + reason);
    }

    /** A row whose harness failed (the hub did not start, an exception): counts as failed. */
    static RowResult failed(String row, Throwable e) {
        return new RowResult(row, 0, 0, 0, -1, -1, Double.NaN, "FAILED: " + e);
    }

    /** This row, failed by a check of its own (the ledger does not verify, a bad input was not refused…). */
    RowResult failedCheck(String why) {
        return new RowResult(
                row,
                produced,
                recorded,
                delivered,
                Math.max(1, lost),
                duplicated,
                recoverSeconds,
                "FAILED: " + why + "; " + note);
    }

    public boolean skippedRow() {
        return note.startsWith("SKIPPED");
    }

    public boolean passed() {
        return skippedRow() || (lost == 0 && duplicated == 0 && produced > 0);
    }
}
