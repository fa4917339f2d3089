package io.visionhub.ledger;

import java.util.Arrays;
import java.util.List;

/**
 * One record to append: its type, the id it is about, its canonical body and the table rows written in the
 * same transaction. The writer numbers it, wraps the body into the entry and hashes it as a Merkle leaf.
 *
 * @param type     record type (INSPECTION, DISPOSITION, SIGNATURE_REFUSED ...)
 * @param recordId id the record is about (inspection id, disposition id)
 * @param body     canonical JSON of the record's content ({@link CanonicalJson})
 * @param rows     rows for other tables; {@link SqlRow#SEQUENCE} in the arguments is replaced by the sequence
 */
public record LedgerWrite(String type, String recordId, String body, List<SqlRow> rows) {

    public LedgerWrite {
        rows = List.copyOf(rows);
    }

    /** One parameterised insert; arguments may hold {@link #SEQUENCE}. */
    public record SqlRow(String sql, List<Object> args) {
        public static final Object SEQUENCE = new Object() {
            @Override
            public String toString() {
                return "<ledger sequence>";
            }
        };

        public static SqlRow of(String sql, Object... args) {
            return new SqlRow(sql, Arrays.asList(args));
        }
    }

    /**
     * The canonical entry of a record: {"body":..,"recordId":..,"recordedAt":..,"seq":..,"type":..,"v":1} with keys
     * sorted. The leaf hash is SHA-256(0x00 || UTF-8 bytes of this string).
     */
    public static String entry(long seq, String type, String recordId, String recordedAt, String body) {
        return entryHead(body) + entryTail(seq, type, recordId, recordedAt);
    }

    /** The entry up to the end of its body: known before the writer numbers the record. */
    static String entryHead(String body) {
        return "{\"body\":" + body;
    }

    /** The rest of the entry after the body (starts with ASCII ',': the two halves are UTF-8 encoded apart). */
    static String entryTail(long seq, String type, String recordId, String recordedAt) {
        return ",\"recordId\":" + CanonicalJson.write(recordId)
                + ",\"recordedAt\":\"" + recordedAt
                + "\",\"seq\":" + seq
                + ",\"type\":" + CanonicalJson.write(type)
                + ",\"v\":1}";
    }
}
