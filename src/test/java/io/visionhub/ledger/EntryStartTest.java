package io.visionhub.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.ledger.merkle.MerkleHash;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The entry's start is hashed on the appender's thread and finished by the writer: the entry and its leaf hash must
 * stay byte for byte what the log has always held (records written before must still verify).
 */
class EntryStartTest {

    private static final String RECORDED_AT = "2026-12-05T21:40:00.123456Z";

    @Test
    void entryKeepsItsCanonicalFormWordForWord() {
        assertThat(LedgerWrite.entry(42, "INSPECTION", "id-1", RECORDED_AT, "{\"a\":1}"))
                .isEqualTo("{\"body\":{\"a\":1},\"recordId\":\"id-1\",\"recordedAt\":\"" + RECORDED_AT
                        + "\",\"seq\":42,\"type\":\"INSPECTION\",\"v\":1}");
    }

    @Test
    void leafHashFinishedByTheWriterIsTheHashOfTheWholeEntry() {
        // ASCII, multi-byte UTF-8 (umlaut, CJK, a surrogate pair) and an empty body
        for (String body : List.of("{\"a\":1}", "{\"station\":\"Prüfplatz 3 検査 \uD83D\uDE80\"}", "")) {
            LedgerWrite w = new LedgerWrite("INSPECTION", "id-\u00e9", body, List.of());
            EntryStart start = EntryStart.of(w);
            String tail = LedgerWrite.entryTail(7, w.type(), w.recordId(), RECORDED_AT);
            String entry = LedgerWrite.entry(7, w.type(), w.recordId(), RECORDED_AT, body);

            assertThat(start.entry(tail)).isEqualTo(entry);
            assertThat(start.leafHash(tail)).isEqualTo(MerkleHash.leaf(entry.getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void aStartCanBeFinishedAgainForARetriedCommit() {
        EntryStart start = EntryStart.of(new LedgerWrite("INSPECTION", "id-2", "{\"b\":2}", List.of()));
        String first = LedgerWrite.entryTail(10, "INSPECTION", "id-2", RECORDED_AT);
        String retried = LedgerWrite.entryTail(11, "INSPECTION", "id-2", RECORDED_AT);

        byte[] atTen = start.leafHash(first);
        byte[] atEleven = start.leafHash(retried);

        assertThat(start.leafHash(first)).isEqualTo(atTen);
        assertThat(atEleven)
                .isNotEqualTo(atTen)
                .isEqualTo(MerkleHash.leaf(start.entry(retried).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void leafHashMatchesKnownVectors() {
        // SHA-256(0x00 || "d0"), split after one byte, and the RFC 6962 hash of an empty leaf, split before nothing
        byte[] d0 = MerkleHash.leafFinish(
                MerkleHash.leafStart("d".getBytes(StandardCharsets.UTF_8)), "0".getBytes(StandardCharsets.UTF_8));
        byte[] empty = MerkleHash.leafFinish(MerkleHash.leafStart(new byte[0]), new byte[0]);

        assertThat(HexFormat.of().formatHex(d0))
                .isEqualTo("c67f9ffe68e0761021341dd516428f42fbdea633731cbdada03bea6b84c652f7");
        assertThat(HexFormat.of().formatHex(empty))
                .isEqualTo("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
    }
}
