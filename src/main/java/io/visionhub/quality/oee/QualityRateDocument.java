package io.visionhub.quality.oee;

import java.time.Instant;

/**
 * The quality rate as REST and MQTT send it (JSON).
 *
 * @param line            line
 * @param station         station, or null for the whole line
 * @param productionOrder order it covers (null: the line has no current order)
 * @param shift           shift it covers (null: none in the context)
 * @param qualityRate     good / total, or null when no part was inspected
 * @param total           parts inspected
 * @param good            judged OK, or dispositioned ACCEPT / USE_AS_IS
 * @param rework          dispositioned REWORK
 * @param scrap           dispositioned REJECT
 * @param pending         UNCERTAIN awaiting a disposition (counted not good)
 * @param rejected        NG awaiting a disposition (not good)
 * @param at              when this value was computed (UTC)
 */
public record QualityRateDocument(
        String line,
        String station,
        String productionOrder,
        String shift,
        Double qualityRate,
        long total,
        long good,
        long rework,
        long scrap,
        long pending,
        long rejected,
        Instant at) {

    public static QualityRateDocument of(QualityRates.QualityRateView v, Instant at) {
        QualityRate r = v.rate();
        return new QualityRateDocument(
                v.line(),
                v.station(),
                v.productionOrder(),
                v.shift(),
                r.total() == 0 ? null : r.rate(),
                r.total(),
                r.good(),
                r.rework(),
                r.scrap(),
                r.pending(),
                r.rejectedUndecided(),
                at);
    }
}
