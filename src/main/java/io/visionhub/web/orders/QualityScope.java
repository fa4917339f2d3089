package io.visionhub.web.orders;

/** What an order or lot page covers: the inspections of one production order, or of one lot. */
public record QualityScope(Kind kind, String value) {

    public enum Kind {
        ORDER("production_order"),
        LOT("batch");

        private final String column;

        Kind(String column) {
            this.column = column;
        }

        /** The inspection column this scope selects by (a fixed name, never user input). */
        String column() {
            return column;
        }
    }

    public static QualityScope order(String order) {
        return new QualityScope(Kind.ORDER, order);
    }

    public static QualityScope lot(String lot) {
        return new QualityScope(Kind.LOT, lot);
    }
}
