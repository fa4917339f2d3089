package io.visionhub.quality.monitor;

import io.visionhub.quality.spc.ChartType;
import java.util.Locale;

/**
 * Which chart: the NG-rate chart (p or np) of a station, or the u chart of one defect class at a station.
 *
 * @param defectClass the defect class of a u chart, null for the NG-rate chart
 */
public record ChartKey(String line, String station, ChartType type, String defectClass) {

    /** The chart's short name as the API and alarms write it: {@code p}, {@code np} or {@code u}. */
    public String chart() {
        return type.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return chart() + " chart of " + station + (defectClass == null ? "" : " (" + defectClass + ")");
    }
}
