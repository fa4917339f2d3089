package io.visionhub.ledger.cli;

import static io.visionhub.ledger.cli.LedgerCommandRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.InspectionRecord;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.LedgerWrite;
import io.visionhub.ledger.audit.AuditSelection;
import io.visionhub.ledger.cli.LedgerCommandRunner.Run;
import io.visionhub.ledger.merkle.MerkleHash;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

class LedgerCommandTest {

    @TempDir
    Path dir;

    @Test
    void verifyPassesOnAnIntactLogAndNamesTheRecordAfterTampering() throws Exception {
        Path cert = dir.resolve("ledger.pem");
        byte[] zip;
        try (LedgerFixture f = new LedgerFixture(dir)) {
            f.inspections(15);
            f.ledger.signNow();
            Files.writeString(cert, f.service.certificatePem());
            zip = f.audit.build(AuditSelection.of("PO-1001", null, null, null), "auditor");
            LedgerTestSupport.removeProtection(f.ds);
        }
        String[] verify = {
            "verify",
            "--db",
            LedgerTestSupport.h2Url(dir),
            "--certificate",
            cert.toString(),
            "--heads-file",
            dir.resolve("heads.jsonl").toString(),
            "--images",
            dir.resolve("images").toString()
        };
        Run ok = run(verify);
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("LEDGER VERIFIED", "Checked 15 records", "15 images");

        Path pkg = dir.resolve("audit.zip");
        Files.write(pkg, zip);
        Run p = run("verify-package", pkg.toString());
        assertThat(p.code()).as(p.out()).isZero();
        assertThat(p.out()).contains("AUDIT PACKAGE VERIFIED", "15 records");

        try (var ds = LedgerTestSupport.h2(dir)) {
            new JdbcTemplate(ds).update("UPDATE inspection SET result = 'OK' WHERE ledger_seq = 9");
        }
        Run bad = run(verify);
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains("LEDGER FAILED VERIFICATION", "ALTERED seq 9");
    }

    @Test
    void verifySinceACheckpointChecksOnlyTheRecordsAfterItAndMovesTheCheckpoint() throws Exception {
        Path checkpoint = dir.resolve("verified-head.jsonl");
        String[] verify = {
            "verify",
            "--db",
            LedgerTestSupport.h2Url(dir),
            "--keystore",
            dir.resolve("keys/ledger.p12").toString(),
            "--keystore-password",
            "test-password",
            "--heads-file",
            dir.resolve("heads.jsonl").toString(),
            "--since",
            checkpoint.toString()
        };
        try (LedgerFixture f = new LedgerFixture(dir)) {
            f.inspections(12);
            f.ledger.signNow();
        }
        Run first = run(verify); // no checkpoint yet: the whole log
        assertThat(first.code()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("Checked 12 records (seq 0..11)", "Checkpoint: the verified head at size 12");
        try (LedgerFixture f = new LedgerFixture(dir)) {
            f.inspections(5);
            f.ledger.signNow();
        }
        Run next = run(verify);
        assertThat(next.code()).as(next.out() + next.err()).isZero();
        assertThat(next.out())
                .contains("Incremental from the head verified before at size 12", "Checked 5 records (seq 12..16)");
        assertThat(Files.readString(checkpoint)).contains("\"treeSize\":17");
    }

    /** A record appended offline with a correct leaf hash and its inspection row, as a role with INSERT does it. */
    private static void appendForgedRecord(JdbcTemplate jdbc, long seq) {
        var forged = LedgerTestSupport.event(java.util.UUID.randomUUID().toString(), InspectionEvent.Verdict.OK, null);
        var w = InspectionRecord.toWrite(forged, List.of(), Instant.now());
        String entry =
                LedgerWrite.entry(seq, w.type(), w.recordId(), Instant.now().toString(), w.body());
        jdbc.update(
                "INSERT INTO ledger_leaf (seq, record_type, record_id, leaf_hash, entry, recorded_at, mac) "
                        + "VALUES (?,?,?,?,?,?,?)",
                seq,
                w.type(),
                w.recordId(),
                MerkleHash.hex(MerkleHash.leaf(entry.getBytes(StandardCharsets.UTF_8))),
                entry,
                OffsetDateTime.now(),
                "0f".repeat(32));
        for (var row : w.rows()) {
            jdbc.update(
                    row.sql(),
                    row.args().stream()
                            .map(a -> a == LedgerWrite.SqlRow.SEQUENCE ? (Object) seq : a)
                            .toArray());
        }
    }

    @Test
    void verifyWithTheKeystoreAndTheHubsVerificationNameARecordAppendedBehindTheHubsBack() {
        try (LedgerFixture f = new LedgerFixture(dir)) {
            f.inspections(12);
            f.ledger.signNow();
            appendForgedRecord(new JdbcTemplate(f.ds), 12);
            // what GET /api/ledger/verify answers
            var report = f.service.verify();
            assertThat(report.ok()).isFalse();
            assertThat(report.firstProblem().toString()).startsWith("FORGED seq 12");
        }
        Run r = run(
                "verify",
                "--db",
                LedgerTestSupport.h2Url(dir),
                "--keystore",
                dir.resolve("keys/ledger.p12").toString(),
                "--keystore-password",
                "test-password",
                "--heads-file",
                dir.resolve("heads.jsonl").toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("LEDGER FAILED VERIFICATION", "FORGED seq 12", "record MAC does not verify");
    }

    @Test
    void aKeylessRewriteWithHeadsHeadsFileAndKeystoreDeletedFailsAgainstThePinnedCertificate() throws Exception {
        Path cert = dir.resolve("ledger.pem");
        try (LedgerFixture f = new LedgerFixture(dir)) {
            f.inspections(12);
            f.ledger.signNow();
            Files.writeString(cert, f.service.certificatePem());
            LedgerTestSupport.removeProtection(f.ds);
            JdbcTemplate jdbc = new JdbcTemplate(f.ds);
            f.ledger.close();
            jdbc.update("UPDATE ledger_leaf SET mac = NULL");
            jdbc.update("DELETE FROM ledger_tree_head");
        }
        Files.delete(dir.resolve("heads.jsonl"));
        Files.delete(dir.resolve("keys/ledger.p12"));
        Run r = run(
                "verify",
                "--db",
                LedgerTestSupport.h2Url(dir),
                "--certificate",
                cert.toString(),
                "--heads-file",
                dir.resolve("heads.jsonl").toString());
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(1);
        assertThat(r.out()).contains("LEDGER FAILED VERIFICATION", "NO_SIGNED_HEAD", "0 signed heads checked");
    }

    @Test
    void rotateKeyRecordsTheRotationAndTheLogVerifiesAgainstTheCertificatePinnedBeforeIt() throws Exception {
        Path cert = dir.resolve("ledger.pem");
        try (LedgerFixture f = new LedgerFixture(dir)) {
            f.inspections(7);
            Files.writeString(cert, f.service.certificatePem());
        }
        String[] keystore = {
            "--keystore", dir.resolve("keys/ledger.p12").toString(), "--keystore-password", "test-password"
        };
        String db = LedgerTestSupport.h2Url(dir);
        String heads = dir.resolve("heads.jsonl").toString();
        assertThat(run("rotate-key", "--db", db, keystore[0], keystore[1], keystore[2], keystore[3])
                        .err())
                .contains("--by", "--reason");
        Run rotated = run(
                "rotate-key",
                "--db",
                db,
                "--heads-file",
                heads,
                keystore[0],
                keystore[1],
                keystore[2],
                keystore[3],
                "--by",
                "admin.kim",
                "--reason",
                "yearly key rotation");
        assertThat(rotated.code()).as(rotated.out() + rotated.err()).isZero();
        assertThat(rotated.out()).contains("KEY ROTATED", "recorded at seq 7", "BEGIN CERTIFICATE");
        try (LedgerFixture f = new LedgerFixture(dir)) { // the hub restarted: signs with the new key
            f.inspections(3);
            f.ledger.signNow();
        }
        Run pinned = run("verify", "--db", db, "--certificate", cert.toString(), "--heads-file", heads);
        assertThat(pinned.code()).as(pinned.out()).isZero();
        assertThat(pinned.out()).contains("LEDGER VERIFIED", "Checked 11 records");
    }

    @Test
    void badUsageIsExplained() {
        assertThat(run().code()).isEqualTo(2);
        Run r = run("frobnicate");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown command", "usage");
        assertThat(run("verify-package").err()).contains("needs the zip");
        assertThat(run("verify", "--certificate").err()).contains("needs a value");
        assertThat(run("verify", "--keystore", dir.resolve("none.p12").toString())
                        .err())
                .contains("no keystore");
        assertThat(run("verify-package", dir.resolve("missing.zip").toString()).code())
                .isEqualTo(2);
    }
}
