package io.visionhub.quality.alarm;

/**
 * What an SPC alarm is about: a chart of a station ({@code p}, {@code np}, or {@code u} with its defect class).
 * With the rule it is the key of an alarm: one active alarm per source and rule.
 */
public record AlarmSource(String line, String station, String chart, String defectClass) {

    String key(String rule) {
        return line + "\u0000" + station + "\u0000" + chart + "\u0000" + defectClass + "\u0000" + rule;
    }

    static AlarmSource of(QualityAlarm a) {
        return new AlarmSource(a.line(), a.station(), a.chart(), a.defectClass());
    }
}
