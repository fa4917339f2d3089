package io.visionhub.web.orders;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The order and lot pages' charts as inline SVG drawn on the server: they need no script, print as they show,
 * and a test can read their numbers. Every label is XML-escaped (defect classes come from model cards).
 */
public final class SvgCharts {

    static final int W = 640;
    static final int H = 220;
    static final int LEFT = 44;
    static final int RIGHT = 44;
    static final int TOP = 12;
    static final int BOTTOM = 46;
    private static final DateTimeFormatter HHMM =
            DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    private SvgCharts() {}

    /** Bars by class, most frequent first, with the cumulative share as a line on a 0-100 % right axis. */
    public static String pareto(List<OrderQualityQueries.ParetoBar> bars) {
        if (bars.isEmpty()) {
            return empty("no defects");
        }
        StringBuilder s = open("Defect Pareto");
        long max = bars.stream()
                .mapToLong(OrderQualityQueries.ParetoBar::count)
                .max()
                .orElse(1);
        double plotW = W - LEFT - RIGHT;
        double plotH = H - TOP - BOTTOM;
        double slot = Math.min(plotW / bars.size(), 90); // a few classes: bars of a readable width, from the left
        axes(s, String.valueOf(max), "0", "100 %");
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < bars.size(); i++) {
            var b = bars.get(i);
            double h = plotH * b.count() / max;
            double x = LEFT + i * slot + slot * 0.15;
            s.append(String.format(
                    Locale.ROOT,
                    "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%s: %d</title></rect>",
                    x,
                    TOP + plotH - h,
                    slot * 0.7,
                    h,
                    esc(b.defectClass()),
                    b.count()));
            s.append(String.format(
                    Locale.ROOT,
                    "<text class=\"label\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                    x + slot * 0.35,
                    H - BOTTOM + 14,
                    esc(shorten(b.defectClass(), Math.max(4, (int) (slot / 7))))));
            double cy = TOP + plotH * (1 - b.cumulativeShare());
            line.append(i == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f", x + slot * 0.35, cy));
        }
        s.append("<polyline class=\"cumulative\" fill=\"none\" points=\"")
                .append(line)
                .append("\"/>");
        return s.append("</svg>").toString();
    }

    /** A line over the trend's buckets: {@code value} of each point, from 0 to {@code max} (null points skipped). */
    public static String trend(
            String title,
            List<OrderQualityQueries.TrendPoint> points,
            Function<OrderQualityQueries.TrendPoint, Double> value,
            double max,
            String maxLabel) {
        if (points.isEmpty()) {
            return empty("no inspections");
        }
        StringBuilder s = open(title);
        axes(s, maxLabel, "0", null);
        double plotW = W - LEFT - RIGHT;
        double plotH = H - TOP - BOTTOM;
        long t0 = points.get(0).from().toEpochMilli();
        long span = Math.max(1, points.get(points.size() - 1).from().toEpochMilli() - t0);
        StringBuilder line = new StringBuilder();
        for (var p : points) {
            Double v = value.apply(p);
            if (v == null) {
                continue;
            }
            double x = points.size() == 1
                    ? LEFT + plotW / 2
                    : LEFT + plotW * (p.from().toEpochMilli() - t0) / span;
            double y = TOP + plotH * (1 - Math.min(1, Math.max(0, v / max)));
            line.append(line.isEmpty() ? "" : " ").append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
            s.append(String.format(
                    Locale.ROOT,
                    "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"><title>%s UTC: %.3f (%d inspections)"
                            + "</title></circle>",
                    x,
                    y,
                    HHMM.format(p.from()),
                    v,
                    p.inspections()));
        }
        s.append("<polyline class=\"trend\" fill=\"none\" points=\"")
                .append(line)
                .append("\"/>");
        s.append(String.format(
                Locale.ROOT,
                "<text class=\"label\" x=\"%d\" y=\"%d\">%s UTC</text><text class=\"label\" x=\"%d\" y=\"%d\""
                        + " text-anchor=\"end\">%s UTC</text>",
                LEFT,
                H - BOTTOM + 14,
                HHMM.format(points.get(0).from()),
                W - RIGHT,
                H - BOTTOM + 14,
                HHMM.format(points.get(points.size() - 1).from())));
        return s.append("</svg>").toString();
    }

    private static StringBuilder open(String title) {
        return new StringBuilder(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\""
                        + " aria-label=\"%s\"><title>%s</title>",
                W,
                H,
                esc(title),
                esc(title)));
    }

    private static void axes(StringBuilder s, String top, String bottom, String rightTop) {
        int y0 = H - BOTTOM;
        s.append(String.format(
                Locale.ROOT,
                "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                        + "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                        + "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
                        + "<text class=\"label\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
                LEFT,
                TOP,
                LEFT,
                y0,
                LEFT,
                y0,
                W - RIGHT,
                y0,
                LEFT - 4,
                TOP + 8,
                esc(top),
                LEFT - 4,
                y0,
                esc(bottom)));
        if (rightTop != null) {
            s.append(String.format(
                    Locale.ROOT,
                    "<text class=\"label\" x=\"%d\" y=\"%d\">%s</text>",
                    W - RIGHT + 4,
                    TOP + 8,
                    esc(rightTop)));
        }
    }

    private static String empty(String what) {
        return String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 %d 40\" role=\"img\""
                        + " aria-label=\"%s\"><text class=\"label\" x=\"%d\" y=\"24\">%s</text></svg>",
                W,
                esc(what),
                LEFT,
                esc(what));
    }

    private static String shorten(String s, int max) {
        return s == null ? "" : s.length() <= max ? s : s.substring(0, Math.max(1, max - 1)) + "…";
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder o = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> o.append("&lt;");
                case '>' -> o.append("&gt;");
                case '&' -> o.append("&amp;");
                case '"' -> o.append("&quot;");
                case '\'' -> o.append("&#39;");
                default -> o.append(c);
            }
        }
        return o.toString();
    }
}
