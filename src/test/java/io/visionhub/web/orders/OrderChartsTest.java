package io.visionhub.web.orders;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The Pareto and trend arithmetic of the order and lot pages, and their SVG. */
class OrderChartsTest {

    @Test
    void paretoSortsByCountAndAccumulatesShares() {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("dent", 2L);
        counts.put("scratch", 5L);
        counts.put("crack", 2L);
        counts.put("stain", 1L);
        var bars = OrderQualityQueries.pareto(counts);
        assertThat(bars)
                .extracting(OrderQualityQueries.ParetoBar::defectClass)
                .containsExactly("scratch", "crack", "dent", "stain");
        assertThat(bars.get(0).cumulativeShare()).isEqualTo(0.5);
        assertThat(bars.get(2).cumulativeShare()).isEqualTo(0.9, Offset.offset(1e-9));
        assertThat(bars.get(3).cumulativeShare()).isEqualTo(1.0);
        String svg = SvgCharts.pareto(bars);
        assertThat(svg).startsWith("<svg").endsWith("</svg>").contains("<title>scratch: 5</title>");
        assertThat(svg.split("<rect", -1)).hasSize(5);
    }

    @Test
    void trendBucketsDefectRateAndScoresAndSkipsEmptyBuckets() {
        Instant t0 = Instant.parse("2026-12-01T06:00:00Z");
        List<Instant> times = new ArrayList<>();
        List<Boolean> bad = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        // 10 minutes of 4 inspections each, one NG per minute in the first 5 minutes, then a 5-minute pause, then 2
        for (int m = 0; m < 5; m++) {
            for (int k = 0; k < 4; k++) {
                times.add(t0.plusSeconds(m * 60L + k));
                bad.add(k == 0);
                scores.add(k == 0 ? 0.9 : 0.1);
            }
        }
        times.add(t0.plusSeconds(600));
        bad.add(false);
        scores.add(null);
        times.add(t0.plusSeconds(601));
        bad.add(true);
        scores.add(0.7);
        var points = OrderQualityQueries.trend(times, bad, scores, 11);
        assertThat(points.get(0).inspections()).isEqualTo(4);
        assertThat(points.get(0).defectRate()).isEqualTo(0.25);
        assertThat(points.get(0).meanScore()).isEqualTo(0.3, Offset.offset(1e-9));
        assertThat(points.get(0).maxScore()).isEqualTo(0.9);
        assertThat(points).as("no false zeros for the pause").hasSize(6);
        var last = points.get(points.size() - 1);
        assertThat(last.inspections()).isEqualTo(2);
        assertThat(last.defectRate()).isEqualTo(0.5);
        assertThat(last.meanScore())
                .as("the unscored inspection is left out of the mean")
                .isEqualTo(0.7);
        assertThat(points.stream()
                        .mapToLong(OrderQualityQueries.TrendPoint::inspections)
                        .sum())
                .isEqualTo(22);
        String svg = SvgCharts.trend("rate", points, OrderQualityQueries.TrendPoint::defectRate, 1.0, "100 %");
        assertThat(svg.split("<circle", -1)).hasSize(7);
    }

    @Test
    void labelsAreEscaped() {
        var bars = OrderQualityQueries.pareto(Map.of("<script>&\"x\"", 1L));
        assertThat(SvgCharts.pareto(bars)).doesNotContain("<script>").contains("&lt;script&gt;&amp;&quot;x&quot;");
        assertThat(SvgCharts.pareto(List.of())).contains("no defects");
    }
}
