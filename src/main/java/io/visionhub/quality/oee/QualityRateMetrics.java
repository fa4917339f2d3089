package io.visionhub.quality.oee;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.visionhub.quality.oee.QualityRates.QualityRateView;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The quality rate as Prometheus gauges, tagged {@code line} and {@code station} ({@value #WHOLE_LINE} for the whole
 * line): {@code visionhub_quality_rate} (good / total, NaN while nothing was inspected), and the parts behind it,
 * {@code visionhub_quality_good_parts} and {@code visionhub_quality_inspected_parts}. The counts are gauges, not
 * counters: they start again at each order or shift changeover, and a disposition can move a part out of good.
 */
public class QualityRateMetrics {

    /** The station tag of a line's own figures. */
    public static final String WHOLE_LINE = "_line";

    private final MeterRegistry registry;
    private final Map<String, Holder> holders = new ConcurrentHashMap<>();

    private static final class Holder {
        volatile QualityRate rate = QualityRate.NONE;
    }

    public QualityRateMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** A new value of a line's or station's rate. */
    public void changed(QualityRateView v) {
        String station = v.station() == null ? WHOLE_LINE : v.station();
        holders.computeIfAbsent(v.line() + "\u0000" + station, k -> register(v.line(), station)).rate = v.rate();
    }

    private Holder register(String line, String station) {
        Holder h = new Holder();
        Tags tags = Tags.of("line", line, "station", station);
        gauge(
                "visionhub.quality.rate",
                "OEE quality rate (good / total after dispositions), current order and shift",
                h,
                x -> x.rate.rate(),
                tags,
                null);
        gauge(
                "visionhub.quality.good",
                "parts counted good (OK, or dispositioned ACCEPT / USE_AS_IS)",
                h,
                x -> x.rate.good(),
                tags,
                "parts");
        gauge(
                "visionhub.quality.inspected",
                "parts inspected under the current order and shift",
                h,
                x -> x.rate.total(),
                tags,
                "parts");
        return h;
    }

    private void gauge(String name, String help, Holder h, ToDoubleFunction<Holder> f, Tags tags, String unit) {
        Gauge.builder(name, h, f)
                .description(help)
                .tags(tags)
                .baseUnit(unit)
                .strongReference(true)
                .register(registry);
    }
}
