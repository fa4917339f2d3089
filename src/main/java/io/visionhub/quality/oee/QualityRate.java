package io.visionhub.quality.oee;

/**
 * The OEE quality rate of a set of parts: good parts over all parts, after human dispositions.
 * <ul>
 * <li>good: judged OK, or NG/UNCERTAIN and then dispositioned ACCEPT or USE_AS_IS by a signed decision;</li>
 * <li>not good: NG or UNCERTAIN dispositioned REJECT (scrap) or REWORK (rework is a quality loss in OEE: the part
 * did not pass the first time), and NG not yet dispositioned;</li>
 * <li>pending: UNCERTAIN not yet dispositioned. It counts as not good until someone decides, so the rate never
 * looks better than what is known; {@link #pending()} says how much of the gap is still open.</li>
 * </ul>
 */
public record QualityRate(long total, long good, long rework, long scrap, long pending) {

    public QualityRate {
        if (total < 0
                || good < 0
                || rework < 0
                || scrap < 0
                || pending < 0
                || good + rework + scrap + pending > total) {
            throw new IllegalArgumentException("inconsistent quality counts: total " + total + ", good " + good
                    + ", rework " + rework + ", scrap " + scrap + ", pending " + pending);
        }
    }

    public static final QualityRate NONE = new QualityRate(0, 0, 0, 0, 0);

    /** good / total, or NaN when no part was inspected (a rate of nothing is not 100 %). */
    public double rate() {
        return total == 0 ? Double.NaN : (double) good / total;
    }

    /** Parts judged NG and not dispositioned: total less good, rework, scrap and pending. */
    public long rejectedUndecided() {
        return total - good - rework - scrap - pending;
    }

    /** Adds one part, given its verdict and its current disposition (null when none). */
    public QualityRate plus(String verdict, String disposition) {
        if (disposition != null) {
            return switch (disposition) {
                case "ACCEPT", "USE_AS_IS" -> new QualityRate(total + 1, good + 1, rework, scrap, pending);
                case "REWORK" -> new QualityRate(total + 1, good, rework + 1, scrap, pending);
                case "REJECT" -> new QualityRate(total + 1, good, rework, scrap + 1, pending);
                default ->
                    throw new IllegalArgumentException(
                            "unknown disposition " + disposition + " (ACCEPT, REJECT, REWORK or USE_AS_IS)");
            };
        }
        return switch (verdict) {
            case "OK" -> new QualityRate(total + 1, good + 1, rework, scrap, pending);
            case "NG" -> new QualityRate(total + 1, good, rework, scrap, pending);
            case "UNCERTAIN" -> new QualityRate(total + 1, good, rework, scrap, pending + 1);
            default -> throw new IllegalArgumentException("unknown verdict " + verdict + " (OK, NG or UNCERTAIN)");
        };
    }
}
