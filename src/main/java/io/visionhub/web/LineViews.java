package io.visionhub.web;

import java.util.List;

/** What the line screen shows, ready for the templates (formatted here, so a fragment renders the same anywhere). */
public final class LineViews {

    private LineViews() {}

    /**
     * One inspection result.
     *
     * @param captureMillis capture time in epoch ms (the page measures result-to-screen latency with it)
     * @param disposition   the current signed disposition (ACCEPT, REJECT, REWORK, USE_AS_IS), or null
     */
    public record Result(
            String id,
            String station,
            String result,
            String time,
            long captureMillis,
            String partId,
            String score,
            String defects,
            boolean annotated,
            String disposition) {

        /** CSS class of the verdict. */
        public String css() {
            return "v-" + result.toLowerCase(java.util.Locale.ROOT);
        }

        /** The picture the screen shows: the annotated frame (boxes, heat map) where the hub drew one. */
        public String frameUrl() {
            return "/ui/frames/" + id + (annotated ? "/annotated" : "");
        }

        Result withDisposition(String d) {
            return new Result(id, station, result, time, captureMillis, partId, score, defects, annotated, d);
        }
    }

    /** OK/NG/UNCERTAIN counts of a station for the current order and shift. */
    public record Counts(long ok, long ng, long uncertain) {
        static final Counts ZERO = new Counts(0, 0, 0);

        Counts plus(String verdict) {
            return switch (verdict) {
                case "OK" -> new Counts(ok + 1, ng, uncertain);
                case "NG" -> new Counts(ok, ng + 1, uncertain);
                default -> new Counts(ok, ng, uncertain + 1);
            };
        }

        public long total() {
            return ok + ng + uncertain;
        }
    }

    /**
     * The OEE quality rate as shown: {@code text} such as "97.5 %" or "—" (no rate service, or nothing inspected),
     * {@code detail} the counts behind it.
     */
    public record Rate(String text, String detail, String css) {
        static final Rate NONE = new Rate("—", "quality rate not available", "rate-none");
    }

    /** A station's panel. */
    public record Station(
            String line, String station, String domId, Result latest, List<Result> recent, Counts counts, Rate rate) {}

    /** New results of one station for the live stream: the station as it is now, and its new rows, newest first. */
    public record StationUpdate(Station st, List<Result> rows) {}

    /** The production context shown in the header. */
    public record Context(String order, String product, String lot, String shift) {
        static final Context NONE = new Context(null, null, null, null);
    }

    /** A connection's state: name, status text, colour class (ok, warn, bad, none) and detail. */
    public record State(String key, String name, String status, String css, String detail) {}

    /** An active alarm. */
    public record Alarm(String id, String severity, String station, String rule, String message, String raised) {}

    /** The whole screen. */
    public record Screen(
            String line,
            Context context,
            Rate lineRate,
            List<Station> stations,
            List<State> states,
            List<Alarm> alarms,
            boolean alarmsAvailable,
            int recentMax) {}

    /** A station name as a DOM id part (names are checked, {@link LineNames}, but '.' is awkward in CSS). */
    static String domId(String station) {
        return station.replaceAll("[^A-Za-z0-9_-]", "_");
    }
}
