package io.visionhub.ledger.verify;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.InspectionEvent;
import io.visionhub.images.FileImageStore;
import io.visionhub.ledger.InspectionRecord;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.JdbcLedgerReader;
import io.visionhub.ledger.LedgerProperties;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.LedgerWrite;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.merkle.MerkleFrontier;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.verify.Finding.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Each way of tampering with the stored ledger is detected and the first affected record is named. */
class LedgerTamperTest {

    /** The database under test (H2 file here; PostgreSQL in the subclass). */
    protected HikariDataSource openDatabase(Path dir) {
        return LedgerTestSupport.h2(dir);
    }

    protected void closeDatabase(HikariDataSource ds) {
        ds.close();
    }


    static final int RECORDS = 30;

    @TempDir
    Path dir;
    HikariDataSource ds;
    LedgerProperties props;
    JdbcTemplate jdbc;
    FileImageStore images;
    KeystoreTreeHeadSigner signer;

    @BeforeEach
    void writeLog() {
        ds = openDatabase(dir);
        props = LedgerTestSupport.props(dir);
        jdbc = new JdbcTemplate(ds);
        images = new FileImageStore(dir.resolve("images"));
        JdbcInspectionLedger ledger = LedgerTestSupport.ledger(ds, props);
        for (int i = 0; i < RECORDS; i++) {
            String sha = images.put(("image-" + i).getBytes(StandardCharsets.UTF_8));
            ledger.append(LedgerTestSupport.event(UUID.randomUUID().toString(), InspectionEvent.Verdict.NG, sha),
                    List.of());
        }
        assertThat(ledger.signNow().treeSize()).isEqualTo(RECORDS);
        ledger.close();
        signer = LedgerTestSupport.signer(props);
        LedgerTestSupport.removeProtection(ds);
    }

    @AfterEach
    void close() {
        closeDatabase(ds);
    }

    VerificationReport verify() {
        return new LedgerVerifier(new JdbcLedgerReader(ds), signer.publicKey(),
                () -> HeadsFile.read(Path.of(props.getHeads().getFile())), images, Clock.systemUTC()).verify();
    }

    String idAt(long seq) {
        return jdbc.queryForObject("SELECT id FROM inspection WHERE ledger_seq = ?", String.class, seq);
    }

    @Test
    void anUntouchedLogVerifiesAndTheReportSaysWhatItCovered() {
        VerificationReport r = verify();
        assertThat(r.ok()).as(r.summary()).isTrue();
        assertThat(r.records()).isEqualTo(RECORDS);
        assertThat(r.imagesChecked()).isEqualTo(RECORDS);
        assertThat(r.latestVerifiedHead().treeSize()).isEqualTo(RECORDS);
        assertThat(r.summary()).contains("Checked 30 records", "30 images", "No problem found");
    }

    @Test
    void aTamperedColumnIsNamed() {
        jdbc.update("UPDATE inspection SET result = 'OK' WHERE ledger_seq = 12");
        Finding f = verify().firstProblem();
        assertThat(f.kind()).isEqualTo(Kind.ALTERED);
        assertThat(f.seq()).isEqualTo(12);
        assertThat(f.message()).contains("result");
    }

    @Test
    void aTamperedEntryIsNamed() {
        jdbc.update("UPDATE ledger_leaf SET entry = REPLACE(entry, '\"NG\"', '\"OK\"') WHERE seq = 12");
        Finding f = verify().firstProblem();
        assertThat(f.kind()).isEqualTo(Kind.ALTERED);
        assertThat(f.seq()).isEqualTo(12);
    }

    @Test
    void aDeletedRowIsNamed() {
        String id = idAt(5);
        jdbc.update("DELETE FROM inspection_defect WHERE inspection_id = ?", id);
        jdbc.update("DELETE FROM inspection WHERE id = ?", id);
        jdbc.update("DELETE FROM ledger_leaf WHERE seq = 5");
        Finding f = verify().firstProblem();
        assertThat(f.kind()).isEqualTo(Kind.DELETED);
        assertThat(f.seq()).isEqualTo(5);
    }

    @Test
    void aDeletedAndRenumberedRowIsNamed() {
        String id = idAt(5);
        jdbc.update("DELETE FROM inspection_defect WHERE inspection_id = ?", id);
        jdbc.update("DELETE FROM inspection WHERE id = ?", id);
        jdbc.update("DELETE FROM ledger_leaf WHERE seq = 5");
        for (int s = 6; s < RECORDS; s++) {
            jdbc.update("UPDATE ledger_leaf SET seq = seq - 1 WHERE seq = ?", s);
            jdbc.update("UPDATE inspection SET ledger_seq = ledger_seq - 1 WHERE ledger_seq = ?", s);
        }
        Finding f = verify().firstProblem();
        assertThat(f.kind()).isEqualTo(Kind.DELETED);
        assertThat(f.seq()).isEqualTo(5);
    }

    @Test
    void anInsertedRowIsNamed() {
        for (int s = RECORDS - 1; s >= 8; s--) {
            jdbc.update("UPDATE ledger_leaf SET seq = seq + 1 WHERE seq = ?", s);
            jdbc.update("UPDATE inspection SET ledger_seq = ledger_seq + 1 WHERE ledger_seq = ?", s);
        }
        InspectionEvent forged = LedgerTestSupport.event(UUID.randomUUID().toString(), InspectionEvent.Verdict.OK, null);
        insertRecord(8, InspectionRecord.toWrite(forged, List.of(), Instant.now()));
        Finding f = verify().firstProblem();
        assertThat(f.kind()).isEqualTo(Kind.INSERTED);
        assertThat(f.seq()).isEqualTo(8);
    }

    @Test
    void reorderedRowsAreNamed() {
        jdbc.update("UPDATE ledger_leaf SET seq = -1 WHERE seq = 3");
        jdbc.update("UPDATE ledger_leaf SET seq = 3 WHERE seq = 4");
        jdbc.update("UPDATE ledger_leaf SET seq = 4 WHERE seq = -1");
        jdbc.update("UPDATE inspection SET ledger_seq = -1 WHERE ledger_seq = 3");
        jdbc.update("UPDATE inspection SET ledger_seq = 3 WHERE ledger_seq = 4");
        jdbc.update("UPDATE inspection SET ledger_seq = 4 WHERE ledger_seq = -1");
        Finding f = verify().firstProblem();
        assertThat(f.kind()).isEqualTo(Kind.REORDERED);
        assertThat(f.seq()).isEqualTo(3);
    }

    @Test
    void aTruncatedTailIsNamedFromThePublishedHeads() {
        jdbc.update("DELETE FROM inspection_defect WHERE inspection_id IN (SELECT id FROM inspection WHERE ledger_seq >= 25)");
        jdbc.update("DELETE FROM inspection WHERE ledger_seq >= 25");
        jdbc.update("DELETE FROM ledger_leaf WHERE seq >= 25");
        jdbc.update("DELETE FROM ledger_tree_head WHERE tree_size > 25");
        VerificationReport r = verify();
        assertThat(r.firstProblem().kind()).isEqualTo(Kind.TRUNCATED);
        assertThat(r.firstProblem().seq()).isEqualTo(25);
        assertThat(r.firstProblem().message()).contains("25..29");
    }

    @Test
    void aSwappedImageIsNamed() throws Exception {
        String sha = jdbc.queryForObject("SELECT image_sha256 FROM inspection WHERE ledger_seq = 7", String.class);
        Path file = images.root().resolve(sha.substring(0, 2)).resolve(sha.substring(2, 4)).resolve(sha);
        Files.writeString(file, "another picture");
        Finding f = verify().firstProblem();
        assertThat(f.kind()).isEqualTo(Kind.IMAGE_SWAPPED);
        assertThat(f.seq()).isEqualTo(7);
    }

    @Test
    void aWholeLogRecomputedWithoutTheKeyIsCaughtByTheSignedHeads() {
        // the attacker edits record 14 everywhere, recomputes every leaf hash and re-signs the heads in the
        // database with a key of their own; the heads published outside the database still hold
        String entry = jdbc.queryForObject("SELECT entry FROM ledger_leaf WHERE seq = 14", String.class);
        String forged = entry.replace("\"result\":\"NG\"", "\"result\":\"OK\"");
        assertThat(forged).isNotEqualTo(entry);
        jdbc.update("UPDATE ledger_leaf SET entry = ?, leaf_hash = ? WHERE seq = 14", forged,
                MerkleHash.hex(MerkleHash.leaf(forged.getBytes(StandardCharsets.UTF_8))));
        jdbc.update("UPDATE inspection SET result = 'OK', event_json = REPLACE(event_json, '\"result\":\"NG\"', "
                + "'\"result\":\"OK\"') WHERE ledger_seq = 14");
        KeystoreTreeHeadSigner attacker = KeystoreTreeHeadSigner.openOrCreate(dir.resolve("attacker.p12"),
                "x".toCharArray(), "k");
        List<Long> sizes = jdbc.queryForList("SELECT tree_size FROM ledger_tree_head", Long.class);
        List<String> hashes = jdbc.queryForList("SELECT leaf_hash FROM ledger_leaf ORDER BY seq", String.class);
        jdbc.update("DELETE FROM ledger_tree_head");
        for (long size : sizes) {
            MerkleFrontier f = new MerkleFrontier();
            hashes.subList(0, (int) size).forEach(h -> f.append(MerkleHash.unhex(h)));
            SignedTreeHead h = attacker.sign(size, MerkleHash.hex(f.root()), Instant.now());
            jdbc.update("INSERT INTO ledger_tree_head VALUES (?,?,?,?,?,?)", h.treeSize(), h.rootHash(),
                    java.time.OffsetDateTime.now(), h.keyId(), h.algorithm(), h.signature());
        }
        VerificationReport r = verify();
        assertThat(r.ok()).isFalse();
        Finding first = r.firstProblem();
        assertThat(first.kind()).isEqualTo(Kind.REWRITTEN);
        assertThat(first.seq()).isEqualTo(10);
        assertThat(first.message()).contains("seq 10..19");
        assertThat(r.findings()).anyMatch(x -> x.kind() == Kind.BAD_SIGNATURE);
        assertThat(r.latestVerifiedHead().treeSize()).isEqualTo(10);
    }

    @Test
    void anEditedHeadsFileIsRefused() throws Exception {
        Path file = Path.of(props.getHeads().getFile());
        String text = Files.readString(file);
        Files.writeString(file, text.replaceFirst("\"treeSize\":10", "\"treeSize\":11"));
        assertThat(verify().findings()).anyMatch(f -> f.kind() == Kind.BAD_SIGNATURE);
    }

    private void insertRecord(long seq, LedgerWrite w) {
        String recordedAt = Instant.now().toString();
        String entry = LedgerWrite.entry(seq, w.type(), w.recordId(), recordedAt, w.body());
        jdbc.update("INSERT INTO ledger_leaf VALUES (?,?,?,?,?,?)", seq, w.type(), w.recordId(),
                MerkleHash.hex(MerkleHash.leaf(entry.getBytes(StandardCharsets.UTF_8))), entry,
                java.time.OffsetDateTime.now());
        for (LedgerWrite.SqlRow row : w.rows()) {
            jdbc.update(row.sql(), row.args().stream().map(a -> a == LedgerWrite.SqlRow.SEQUENCE ? (Object) seq : a)
                    .toArray());
        }
    }

}
