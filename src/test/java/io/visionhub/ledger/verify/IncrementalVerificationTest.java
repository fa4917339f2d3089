package io.visionhub.ledger.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.ledger.LedgerDatabase;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.verify.Finding.Kind;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Verification from the last verified signed head: only the records added since are read, the records before are
 * proven by the stored tree's root at the verified size and the consistency proof to the latest head. H2 here,
 * PostgreSQL in {@code PostgresIncrementalVerificationTest}.
 */
class IncrementalVerificationTest {

    final LedgerDatabase database = LedgerDatabase.of(getClass());

    @TempDir
    Path dir;

    LedgerFixture fx;
    JdbcTemplate jdbc;
    SignedTreeHead verified;

    @BeforeEach
    void logVerifiedAtThirtyThenTwentyFiveMore() {
        fx = new LedgerFixture(dir, database.open(dir));
        jdbc = new JdbcTemplate(fx.ds);
        fx.inspections(30);
        verified = fx.ledger.signNow();
        assertThat(verified.treeSize()).isEqualTo(30);
        VerificationReport full = verifier().verify();
        assertThat(full.ok()).as(full.summary()).isTrue();
        assertThat(full.latestVerifiedHead()).isEqualTo(verified);
        fx.inspections(25);
        assertThat(fx.ledger.signNow().treeSize()).isEqualTo(55);
    }

    @AfterEach
    void close() {
        fx.ledger.close();
        database.close(fx.ds);
    }

    private LedgerVerifier verifier() {
        Path heads = Path.of(fx.props.heads().file());
        return new LedgerVerifier(
                fx.service.reader(),
                fx.signer.keyHistory(),
                () -> HeadsFile.read(heads),
                fx.images,
                Clock.systemUTC(),
                fx.signer.recordMac(),
                heads);
    }

    @Test
    void onlyTheRecordsAddedSinceTheVerifiedHeadAreCheckedAndTheLatestHeadIsVerified() {
        VerificationReport r = verifier().verifySince(verified);
        assertThat(r.ok()).as(r.summary()).isTrue();
        assertThat(r.summary())
                .contains("Incremental from the head verified before at size 30", "Checked 25 records (seq 30..54)");
        assertThat(r.imagesChecked()).isEqualTo(25);
        assertThat(r.latestVerifiedHead().treeSize()).isEqualTo(55);
        // and again from the new head: nothing to read, still verified
        VerificationReport again = verifier().verifySince(r.latestVerifiedHead());
        assertThat(again.ok()).as(again.summary()).isTrue();
        assertThat(again.summary()).contains("Checked 0 records");
    }

    @Test
    void aRecordAlteredAfterTheVerifiedHeadIsNamed() {
        LedgerTestSupport.removeProtection(fx.ds);
        jdbc.update("UPDATE inspection SET result = 'OK' WHERE ledger_seq = 41");
        VerificationReport r = verifier().verifySince(verified);
        assertThat(r.ok()).isFalse();
        assertThat(r.firstProblem().toString()).startsWith("ALTERED seq 41");
    }

    @Test
    void aLeafHashChangedBelowTheVerifiedHeadBreaksTheVerifiedRootAndIsReported() {
        LedgerTestSupport.removeProtection(fx.ds);
        // seq 20 lies in the verified tree's right edge (16..23 is read from the leaves): its root no longer holds
        jdbc.update("UPDATE ledger_leaf SET leaf_hash = ? WHERE seq = 20", "00".repeat(32));
        VerificationReport r = verifier().verifySince(verified);
        assertThat(r.ok()).isFalse();
        assertThat(r.firstProblem().kind()).isEqualTo(Kind.REWRITTEN);
        assertThat(r.firstProblem().message()).contains("head verified before (size 30");
    }

    @Test
    void aCheckpointWithAnEditedRootIsRefused() {
        SignedTreeHead edited = new SignedTreeHead(
                verified.treeSize(),
                "ab".repeat(32),
                verified.signedAt(),
                verified.keyId(),
                verified.algorithm(),
                verified.signature());
        VerificationReport r = verifier().verifySince(edited);
        assertThat(r.ok()).isFalse();
        assertThat(r.firstProblem().kind()).isEqualTo(Kind.BAD_SIGNATURE);
    }
}
