package io.visionhub.quality.oee;

/**
 * The OEE quality rate as the plant reads it: per line, and per station, for the line's current production order
 * and shift (from the production context), after dispositions. Implemented by the quality-rate service; screens
 * look it up as an optional bean.
 */
public interface QualityRates {

    /**
     * The rate of the line's current order and shift; {@code station} null for the whole line.
     *
     * @return the rate with what it covers; {@link QualityRateView#NONE} parts when nothing was inspected yet
     */
    QualityRateView current(String line, String station);

    /**
     * A quality rate with the scope it was computed for.
     *
     * @param line            line
     * @param station         station, or null for the line
     * @param productionOrder current order (null without context)
     * @param shift           current shift (null without context)
     * @param rate            the counts and rate
     */
    record QualityRateView(String line, String station, String productionOrder, String shift, QualityRate rate) {}
}
