package io.visionhub.quality.oee;

/**
 * Mutable counts behind a {@link QualityRate}: a part is added with its verdict and current disposition, and taken
 * out again when its disposition changes. Not thread-safe: the owner serialises access.
 */
final class QualityCounts {

    private long total;
    private long good;
    private long rework;
    private long scrap;
    private long pending;

    /** Adds ({@code sign} 1) or removes ({@code sign} -1) one part. */
    void add(String verdict, String disposition, int sign) {
        total += sign;
        String outcome = outcome(verdict, disposition);
        switch (outcome) {
            case "GOOD" -> good += sign;
            case "REWORK" -> rework += sign;
            case "SCRAP" -> scrap += sign;
            case "PENDING" -> pending += sign;
            default -> {
                // NG not yet dispositioned: counted in total only
            }
        }
    }

    void addAll(QualityCounts other) {
        total += other.total;
        good += other.good;
        rework += other.rework;
        scrap += other.scrap;
        pending += other.pending;
    }

    QualityRate rate() {
        return new QualityRate(total, good, rework, scrap, pending);
    }

    /** The same classification as {@link QualityRate#plus}: GOOD, REWORK, SCRAP, PENDING or NG. */
    static String outcome(String verdict, String disposition) {
        if (disposition != null) {
            return switch (disposition) {
                case "ACCEPT", "USE_AS_IS" -> "GOOD";
                case "REWORK" -> "REWORK";
                case "REJECT" -> "SCRAP";
                default ->
                    throw new IllegalArgumentException(
                            "unknown disposition " + disposition + " (ACCEPT, REJECT, REWORK or USE_AS_IS)");
            };
        }
        return switch (verdict) {
            case "OK" -> "GOOD";
            case "NG" -> "NG";
            case "UNCERTAIN" -> "PENDING";
            default -> throw new IllegalArgumentException("unknown verdict " + verdict + " (OK, NG or UNCERTAIN)");
        };
    }
}
