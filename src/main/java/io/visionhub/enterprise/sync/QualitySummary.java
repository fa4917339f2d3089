package io.visionhub.enterprise.sync;

/** Counts of one production order's inspections, pushed to the ERP when the order completes. */
public record QualitySummary(String order, String inspectionLot, long total, long ok, long ng, long uncertain) {

    public double ngRate() {
        return total == 0 ? 0.0 : (double) ng / total;
    }
}
