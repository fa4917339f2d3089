package io.visionhub.ledger.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.InspectionEvent;
import io.visionhub.images.FileImageStore;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.InspectionRecord;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.JdbcLedgerReader;
import io.visionhub.ledger.LedgerConfiguration;
import io.visionhub.ledger.LedgerDatabase;
import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.LedgerProperties;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.LedgerWrite;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.heads.KeyRotation;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.RecordMac;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.merkle.MerkleFrontier;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.verify.Finding.Kind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateEncodingException;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** Each way of tampering with the stored ledger is detected and the first affected record is named. */
class LedgerTamperTest {

    /** The database under test: H2 here, PostgreSQL in the subclass marked {@code @OnPostgres}. */
    final LedgerDatabase database = LedgerDatabase.of(getClass());

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
        ds = database.open(dir);
        props = LedgerTestSupport.props(dir);
        jdbc = new JdbcTemplate(ds);
        images = new FileImageStore(dir.resolve("images"));
        JdbcInspectionLedger ledger = LedgerTestSupport.ledger(ds, props);
        for (int i = 0; i < RECORDS; i++) {
            String sha = images.put(("image-" + i).getBytes(StandardCharsets.UTF_8));
            ledger.append(
                    LedgerTestSupport.event(UUID.randomUUID().toString(), InspectionEvent.Verdict.NG, sha), List.of());
        }
        assertThat(ledger.signNow().treeSize()).isEqualTo(RECORDS);
        ledger.close();
        signer = LedgerTestSupport.signer(props);
        LedgerTestSupport.removeProtection(ds);
    }

    @AfterEach
    void close() {
        database.close(ds);
    }

    /** As an auditor with only the pinned certificate: heads checked, record MACs only for presence. */
    VerificationReport verify() {
        return verify(null);
    }

    /** As the hub (REST) or the command with the keystore: record MACs checked with its secret. */
    VerificationReport verifyWithKeystore() {
        return verify(signer.recordMac());
    }

    VerificationReport verify(RecordMac mac) {
        Path heads = Path.of(props.heads().file());
        return new LedgerVerifier(
                        new JdbcLedgerReader(ds),
                        List.of(signer.publicKey()),
                        () -> HeadsFile.read(heads),
                        images,
                        Clock.systemUTC(),
                        mac,
                        heads)
                .verify();
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
    void aForgedImageKeyOrAnnotatedHashIsNamed() {
        // the key the pruner finds an image's inspections by (V73): a wrong one would hide a reference to the image
        jdbc.update("UPDATE inspection SET image_key = 42 WHERE ledger_seq = 7");
        jdbc.update("UPDATE inspection SET annotated_sha256 = ? WHERE ledger_seq = 9", "ab".repeat(32));
        List<Finding> altered = verify().findings().stream()
                .filter(f -> f.kind() == Kind.ALTERED)
                .toList();
        assertThat(altered).extracting(Finding::seq).containsExactly(7L, 9L);
        assertThat(altered.get(0).message()).contains("image_key").doesNotContain("image_sha256");
        assertThat(altered.get(1).message()).contains("annotated_sha256");
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
        InspectionEvent forged =
                LedgerTestSupport.event(UUID.randomUUID().toString(), InspectionEvent.Verdict.OK, null);
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
        jdbc.update(
                "DELETE FROM inspection_defect WHERE inspection_id IN (SELECT id FROM inspection WHERE ledger_seq >= 25)");
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
        Path file = images.root()
                .resolve(sha.substring(0, 2))
                .resolve(sha.substring(2, 4))
                .resolve(sha);
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
        jdbc.update(
                "UPDATE ledger_leaf SET entry = ?, leaf_hash = ? WHERE seq = 14",
                forged,
                MerkleHash.hex(MerkleHash.leaf(forged.getBytes(StandardCharsets.UTF_8))));
        jdbc.update("UPDATE inspection SET result = 'OK', event_json = REPLACE(event_json, '\"result\":\"NG\"', "
                + "'\"result\":\"OK\"') WHERE ledger_seq = 14");
        KeystoreTreeHeadSigner attacker =
                KeystoreTreeHeadSigner.openOrCreate(dir.resolve("attacker.p12"), "x".toCharArray(), "k");
        List<Long> sizes = jdbc.queryForList("SELECT tree_size FROM ledger_tree_head", Long.class);
        List<String> hashes = jdbc.queryForList("SELECT leaf_hash FROM ledger_leaf ORDER BY seq", String.class);
        jdbc.update("DELETE FROM ledger_tree_head");
        for (long size : sizes) {
            MerkleFrontier f = new MerkleFrontier();
            hashes.subList(0, (int) size).forEach(h -> f.append(MerkleHash.unhex(h)));
            SignedTreeHead h = attacker.sign(size, MerkleHash.hex(f.root()), Instant.now());
            jdbc.update(
                    "INSERT INTO ledger_tree_head VALUES (?,?,?,?,?,?)",
                    h.treeSize(),
                    h.rootHash(),
                    OffsetDateTime.now(),
                    h.keyId(),
                    h.algorithm(),
                    h.signature());
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
        Path file = Path.of(props.heads().file());
        String text = Files.readString(file);
        Files.writeString(file, text.replaceFirst("\"treeSize\":10", "\"treeSize\":11"));
        assertThat(verify().findings()).anyMatch(f -> f.kind() == Kind.BAD_SIGNATURE);
    }

    private void insertRecord(long seq, LedgerWrite w) {
        insertRecord(jdbc, seq, w, null);
    }

    /** What someone with only INSERT on the tables does: a record with a correct leaf hash and its rows. */
    static void insertRecord(JdbcTemplate jdbc, long seq, LedgerWrite w, String mac) {
        String recordedAt = Instant.now().toString();
        String entry = LedgerWrite.entry(seq, w.type(), w.recordId(), recordedAt, w.body());
        jdbc.update(
                "INSERT INTO ledger_leaf (seq, record_type, record_id, leaf_hash, entry, recorded_at, mac) "
                        + "VALUES (?,?,?,?,?,?,?)",
                seq,
                w.type(),
                w.recordId(),
                MerkleHash.hex(MerkleHash.leaf(entry.getBytes(StandardCharsets.UTF_8))),
                entry,
                OffsetDateTime.now(),
                mac);
        for (LedgerWrite.SqlRow row : w.rows()) {
            jdbc.update(
                    row.sql(),
                    row.args().stream()
                            .map(a -> a == LedgerWrite.SqlRow.SEQUENCE ? (Object) seq : a)
                            .toArray());
        }
    }

    static LedgerWrite forgedInspection() {
        InspectionEvent forged =
                LedgerTestSupport.event(UUID.randomUUID().toString(), InspectionEvent.Verdict.OK, null);
        return InspectionRecord.toWrite(forged, List.of(), Instant.now());
    }

    // --- records the hub did not write (issue 13, item 1) ---

    @Test
    void aForgedRecordAppendedAfterTheLastOneIsNamedWithAndWithoutTheKeystore() {
        insertRecord(RECORDS, forgedInspection());
        for (VerificationReport r : List.of(verify(), verifyWithKeystore())) {
            assertThat(r.ok()).as(r.summary()).isFalse();
            assertThat(r.firstProblem().kind()).isEqualTo(Kind.FORGED);
            assertThat(r.firstProblem().seq()).isEqualTo(RECORDS);
        }
    }

    @Test
    void aForgedRecordWithAMadeUpMacIsNamedByTheKeystoresSecret() {
        insertRecord(jdbc, RECORDS, forgedInspection(), "ab".repeat(32));
        VerificationReport r = verifyWithKeystore();
        assertThat(r.firstProblem().kind()).as(r.summary()).isEqualTo(Kind.FORGED);
        assertThat(r.firstProblem().seq()).isEqualTo(RECORDS);
        assertThat(r.firstProblem().message()).contains("does not verify");
        // a MAC copied from another record does not fit this seq and leaf either
        String genuine = jdbc.queryForObject("SELECT mac FROM ledger_leaf WHERE seq = 3", String.class);
        insertRecord(jdbc, RECORDS + 1, forgedInspection(), genuine);
        assertThat(verifyWithKeystore().findings()).anyMatch(f -> f.kind() == Kind.FORGED && f.seq() == RECORDS + 1);
    }

    @Test
    void theHubRestartedOnALogWithAForgedTailRaisesTheAlarmAndSignsNoHeadOverIt() {
        insertRecord(RECORDS, forgedInspection());
        JdbcInspectionLedger ledger = LedgerTestSupport.ledger(ds, props);
        try {
            assertThat(ledger.tamperAlarm()).isNotNull();
            assertThat(ledger.tamperAlarm().seq()).isEqualTo(RECORDS);
            assertThatThrownBy(() -> ledger.append(LedgerTestSupport.event(), List.of()))
                    .isInstanceOf(LedgerException.class)
                    .hasMessageContaining("TAMPER ALARM")
                    .hasMessageContaining("seq " + RECORDS);
            assertThat(ledger.signNow().treeSize()).isEqualTo(RECORDS);
        } finally {
            ledger.close();
        }
        assertThat(jdbc.queryForObject("SELECT MAX(tree_size) FROM ledger_tree_head", Long.class))
                .isEqualTo(RECORDS);
    }

    @Test
    void aRowInsertedLiveAtTheSeqTheHubIsAboutToUseRaisesTheAlarmAndNoHeadCoversIt() throws Exception {
        props = props.withHeads(props.heads().withEveryRecords(5));
        JdbcInspectionLedger ledger = LedgerTestSupport.ledger(ds, props);
        AtomicBoolean stop = new AtomicBoolean();
        Thread appender = new Thread(
                () -> {
                    while (!stop.get()) {
                        try {
                            ledger.append(LedgerTestSupport.event(), List.of());
                        } catch (RuntimeException refused) {
                            return;
                        }
                    }
                },
                "test-appender");
        long forgedSeq;
        try {
            appender.start();
            Awaitility.await()
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> ledger.size() >= RECORDS + 20); // the hub is busy appending
            // a role with INSERT only: take the next free seq while the hub appends, until one insert succeeds
            forgedSeq = -1;
            while (forgedSeq < 0) {
                long seq = jdbc.queryForObject("SELECT COALESCE(MAX(seq) + 1, 0) FROM ledger_leaf", Long.class);
                try (Connection c = ds.getConnection()) {
                    c.setAutoCommit(false);
                    try {
                        insertRecord(
                                new JdbcTemplate(
                                        new org.springframework.jdbc.datasource.SingleConnectionDataSource(c, true)),
                                seq,
                                forgedInspection(),
                                null);
                        c.commit();
                        forgedSeq = seq;
                    } catch (RuntimeException taken) {
                        c.rollback(); // the hub got there first
                    }
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> ledger.tamperAlarm() != null);
            assertThat(ledger.tamperAlarm().seq()).isEqualTo(forgedSeq);
            assertThatThrownBy(() -> ledger.append(LedgerTestSupport.event(), List.of()))
                    .hasMessageContaining("TAMPER ALARM");
            ledger.signNow();
        } finally {
            stop.set(true);
            appender.join(10_000);
            ledger.close();
        }
        assertThat(forgedSeq).isGreaterThanOrEqualTo(RECORDS + 20);
        assertThat(jdbc.queryForObject("SELECT MAX(tree_size) FROM ledger_tree_head", Long.class))
                .isLessThanOrEqualTo(forgedSeq);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM ledger_leaf", Long.class))
                .isEqualTo(forgedSeq + 1);
        VerificationReport r = verifyWithKeystore();
        assertThat(r.firstProblem().kind()).as(r.summary()).isEqualTo(Kind.FORGED);
        assertThat(r.firstProblem().seq()).isEqualTo(forgedSeq);
    }

    @Test
    void aLeafRewrittenWhileTheHubAppendsRaisesTheAlarmWithinAChunkLongBeforeTheNextHead() {
        // the next head is 10,000 records or an hour away: only the read-back of committed chunks can find it
        props = props.withHeads(props.heads().withEveryRecords(10_000).withEvery(Duration.ofHours(1)));
        JdbcInspectionLedger ledger = LedgerTestSupport.ledger(ds, props);
        long rewritten = RECORDS + 10;
        int appended = 0;
        try {
            for (int i = 0; i < 50; i++) {
                ledger.append(LedgerTestSupport.event(), List.of());
            }
            // with the triggers gone (removeProtection): a leaf the hub committed gets a MAC that is not its own
            jdbc.update("UPDATE ledger_leaf SET mac = ? WHERE seq = ?", "0".repeat(64), rewritten);
            try {
                while (appended < 2 * JdbcInspectionLedger.READ_BACK_CHUNK) {
                    ledger.append(LedgerTestSupport.event(), List.of());
                    appended++;
                }
            } catch (RuntimeException refused) {
                assertThat(refused).hasMessageContaining("TAMPER ALARM");
            }
            assertThat(ledger.tamperAlarm())
                    .as("alarm after %d more appends", appended)
                    .isNotNull();
            assertThat(ledger.tamperAlarm().seq()).isEqualTo(rewritten);
            assertThat(appended).isLessThan(JdbcInspectionLedger.READ_BACK_CHUNK);
        } finally {
            ledger.close();
        }
        assertThat(jdbc.queryForObject("SELECT MAX(tree_size) FROM ledger_tree_head", Long.class))
                .isEqualTo(RECORDS);
    }

    @Test
    void aRecordRewrittenWithItsHashRecomputedIsNamedExactlyByItsMac() {
        String entry = jdbc.queryForObject("SELECT entry FROM ledger_leaf WHERE seq = 14", String.class);
        String forged = entry.replace("\"result\":\"NG\"", "\"result\":\"OK\"");
        jdbc.update(
                "UPDATE ledger_leaf SET entry = ?, leaf_hash = ? WHERE seq = 14",
                forged,
                MerkleHash.hex(MerkleHash.leaf(forged.getBytes(StandardCharsets.UTF_8))));
        assertThat(verifyWithKeystore().findings()).anyMatch(f -> f.kind() == Kind.FORGED && f.seq() == 14);
    }

    // --- a rewrite with the heads and the key removed (issue 13, item 2) ---

    @Test
    void aKeylessRewriteWithHeadsHeadsFileAndKeyRemovedFailsAgainstThePinnedKey() throws Exception {
        // the attacker changes record 14, recomputes every hash, drops the MACs they cannot make, and deletes the
        // heads in the database, the heads file and the keystore; the auditor still holds the original certificate
        String entry = jdbc.queryForObject("SELECT entry FROM ledger_leaf WHERE seq = 14", String.class);
        String forged = entry.replace("\"result\":\"NG\"", "\"result\":\"OK\"");
        jdbc.update(
                "UPDATE ledger_leaf SET entry = ?, leaf_hash = ? WHERE seq = 14",
                forged,
                MerkleHash.hex(MerkleHash.leaf(forged.getBytes(StandardCharsets.UTF_8))));
        jdbc.update("UPDATE inspection SET result = 'OK', event_json = REPLACE(event_json, '\"result\":\"NG\"', "
                + "'\"result\":\"OK\"') WHERE ledger_seq = 14");
        jdbc.update("UPDATE ledger_leaf SET mac = NULL");
        jdbc.update("DELETE FROM ledger_tree_head");
        Files.delete(Path.of(props.heads().file()));
        Files.delete(Path.of(props.heads().keystore()));
        VerificationReport r = verify();
        assertThat(r.ok()).as(r.summary()).isFalse();
        assertThat(r.findings()).anyMatch(f -> f.kind() == Kind.NO_SIGNED_HEAD);
        assertThat(r.findings())
                .anyMatch(f ->
                        f.kind() == Kind.FORGED && f.seq() == 0 && f.message().contains("0.." + (RECORDS - 1)));
    }

    @Test
    void theHubDoesNotMakeANewKeyForALogWhoseKeystoreIsGone() throws Exception {
        Path keystore = Path.of(props.heads().keystore());
        LedgerConfiguration config = new LedgerConfiguration();
        assertThat(config.treeHeadSigner(props, ds).keyId()).isEqualTo(signer.keyId());
        // the record-MAC secret removed from the keystore: not replaced, the log's records carry MACs
        removeRecordMacSecret();
        assertThatThrownBy(() -> config.treeHeadSigner(props, ds))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("no record-MAC secret");
        // the whole keystore deleted: no new key for a log with records
        Files.delete(keystore);
        assertThatThrownBy(() -> config.treeHeadSigner(props, ds))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("holds " + RECORDS + " records")
                .hasMessageContaining("is missing")
                .hasMessageContaining("Restore the keystore");
        assertThat(keystore).doesNotExist();
    }

    private void removeRecordMacSecret() throws Exception {
        Path keystore = Path.of(props.heads().keystore());
        char[] pw = props.heads().keystorePassword().toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            ks.load(in, pw);
        }
        ks.deleteEntry(KeystoreTreeHeadSigner.macAlias(props.heads().keyAlias()));
        try (var out = Files.newOutputStream(keystore)) {
            ks.store(out, pw);
        }
    }

    @Test
    void aLogWrittenBeforeRecordMacsGetsASecretOnUpgradeAndItsLegacyRecordsVerifyUnderTheHeads() throws Exception {
        // the state before V6: no record carries a MAC and the keystore holds only the signing key
        jdbc.update("UPDATE ledger_leaf SET mac = NULL");
        removeRecordMacSecret();
        KeystoreTreeHeadSigner upgraded = new LedgerConfiguration().treeHeadSigner(props, ds);
        assertThat(upgraded.keyId()).isEqualTo(signer.keyId());
        assertThat(upgraded.recordMac()).isNotNull();
        JdbcInspectionLedger ledger = LedgerTestSupport.ledger(ds, props);
        try {
            assertThat(ledger.tamperAlarm()).isNull();
            for (int i = 0; i < 5; i++) {
                ledger.append(LedgerTestSupport.event(), List.of());
            }
            assertThat(ledger.signNow().treeSize()).isEqualTo(RECORDS + 5);
        } finally {
            ledger.close();
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM ledger_leaf WHERE mac IS NOT NULL", Long.class))
                .isEqualTo(5);
        signer = LedgerTestSupport.signer(props);
        VerificationReport r = verifyWithKeystore();
        assertThat(r.ok()).as(r.summary()).isTrue();
        assertThat(r.summary()).contains("5 verified", "records 0.." + (RECORDS - 1) + " written before record MACs");
        // a record slipped in after the legacy ones without a MAC is still named
        insertRecord(RECORDS + 5, forgedInspection());
        assertThat(verify().firstProblem().kind()).isEqualTo(Kind.FORGED);
    }

    // --- explicit key rotation, recorded and signed by the old key ---

    @Test
    void aKeyRotationIsRecordedSignedByTheOldKeyAndTheLogStillVerifiesAgainstTheOriginalCertificate() {
        JdbcInspectionLedger ledger = LedgerTestSupport.ledger(ds, props);
        KeyRotation r;
        try {
            r = ledger.rotateKey("admin.kim", "yearly key rotation");
            for (int i = 0; i < 12; i++) {
                ledger.append(LedgerTestSupport.event(), List.of());
            }
            assertThat(ledger.signNow().keyId()).isEqualTo(r.newKeyId());
        } finally {
            ledger.close();
        }
        assertThat(r.previousKeyId()).isEqualTo(signer.keyId());
        assertThat(r.signedBy(signer.publicKey())).isTrue();
        String entry = jdbc.queryForObject("SELECT entry FROM ledger_leaf WHERE seq = ?", String.class, RECORDS);
        assertThat(entry).contains("\"type\":\"KEY_ROTATION\"", "admin.kim", "yearly key rotation", r.newKeyId());
        // the head over the rotation record is the old key's; every later head is the new key's
        assertThat(jdbc.queryForObject(
                        "SELECT key_id FROM ledger_tree_head WHERE tree_size = ?", String.class, RECORDS + 1))
                .isEqualTo(r.previousKeyId());
        assertThat(jdbc.queryForList(
                        "SELECT DISTINCT key_id FROM ledger_tree_head WHERE tree_size > ?", String.class, RECORDS + 1))
                .containsExactly(r.newKeyId());
        VerificationReport pinned = verify(); // the original certificate only: the rotation record leads on
        assertThat(pinned.ok()).as(pinned.summary()).isTrue();
        assertThat(pinned.latestVerifiedHead().treeSize()).isEqualTo(RECORDS + 13);
        KeystoreTreeHeadSigner reopened = LedgerTestSupport.signer(props);
        assertThat(reopened.keyId()).isEqualTo(r.newKeyId());
        VerificationReport hub = new LedgerVerifier(
                        new JdbcLedgerReader(ds),
                        reopened.keyHistory(),
                        () -> HeadsFile.read(Path.of(props.heads().file())),
                        images,
                        Clock.systemUTC(),
                        reopened.recordMac(),
                        Path.of(props.heads().file()))
                .verify();
        assertThat(hub.ok()).as(hub.summary()).isTrue();
    }

    @Test
    void aRotationRecordNotSignedByTheOldKeyIsRefusedAndHeadsOfItsKeyAreNotTrusted() {
        // someone without the old key records a rotation to a key of their own and signs a head with it
        KeystoreTreeHeadSigner attacker =
                KeystoreTreeHeadSigner.openOrCreate(dir.resolve("attacker.p12"), "x".toCharArray(), "k");
        KeyRotation own = attacker.prepareRotation(Instant.now());
        KeyRotation claimed = new KeyRotation(
                signer.keyId(),
                attacker.keyId(),
                Base64.getEncoder().encodeToString(certificateOf(attacker)),
                own.rotatedAt(),
                own.signature());
        String body = CanonicalJson.write(Map.of("actor", "mallory", "reason", "x", "rotation", claimed));
        insertRecord(RECORDS, new LedgerWrite(KeyRotation.RECORD_TYPE, attacker.keyId(), body, List.of()));
        List<String> hashes = jdbc.queryForList("SELECT leaf_hash FROM ledger_leaf ORDER BY seq", String.class);
        MerkleFrontier f = new MerkleFrontier();
        hashes.forEach(h -> f.append(MerkleHash.unhex(h)));
        SignedTreeHead h = attacker.sign(RECORDS + 1, MerkleHash.hex(f.root()), Instant.now());
        jdbc.update(
                "INSERT INTO ledger_tree_head VALUES (?,?,?,?,?,?)",
                h.treeSize(),
                h.rootHash(),
                OffsetDateTime.now(),
                h.keyId(),
                h.algorithm(),
                h.signature());
        VerificationReport r = verify();
        assertThat(r.ok()).isFalse();
        assertThat(r.findings())
                .anyMatch(x -> x.kind() == Kind.BAD_SIGNATURE
                        && x.seq() == RECORDS
                        && x.message().contains("not signed by a trusted key"));
        assertThat(r.latestVerifiedHead().treeSize()).isEqualTo(RECORDS);
    }

    private static byte[] certificateOf(KeystoreTreeHeadSigner s) {
        try {
            return s.certificate().getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aDeletedHeadsFileIsReported() throws Exception {
        Files.delete(Path.of(props.heads().file()));
        VerificationReport r = verify();
        assertThat(r.ok()).isFalse();
        assertThat(r.findings())
                .anyMatch(f -> f.kind() == Kind.HEADS_FILE_MISSING
                        && f.message().contains(props.heads().file()));
    }
}
