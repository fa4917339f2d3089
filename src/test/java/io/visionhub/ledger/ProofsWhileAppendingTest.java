package io.visionhub.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.images.FileImageStore;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.merkle.MerkleTree;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proofs asked for while records keep arriving (the 10 fps case of issue 13, where 14 of 20 inclusion proofs failed
 * with "tree size 852 is beyond the log"): each is computed against the latest durable signed head and verifies
 * against it, or says the record is not yet in a signed head and when to retry. H2 here, PostgreSQL in the subclass.
 */
class ProofsWhileAppendingTest {

    static final int ASKS = 25;

    @TempDir
    Path dir;

    HikariDataSource ds;
    LedgerProperties props;
    JdbcInspectionLedger ledger;
    LedgerService service;
    KeystoreTreeHeadSigner signer;

    /** The database under test: H2 here, PostgreSQL in the subclass marked {@code @OnPostgres}. */
    final LedgerDatabase database = LedgerDatabase.of(getClass());

    @BeforeEach
    void open() {
        ds = database.open(dir);
        props = LedgerTestSupport.props(dir);
        props = props.withHeads(props.heads().withEveryRecords(10).withEvery(Duration.ofSeconds(2)));
        ledger = LedgerTestSupport.ledger(ds, props);
        signer = LedgerTestSupport.signer(props);
        service = new LedgerService(
                new JdbcLedgerReader(ds),
                ledger,
                signer,
                new HeadsFile(Path.of(props.heads().file())),
                () -> new FileImageStore(dir.resolve("images")),
                Clock.systemUTC());
    }

    @AfterEach
    void close() {
        ledger.close();
        database.close(ds);
    }

    /** The proof if one is served now, null when the record is not yet in a signed head (checked to say so). */
    InclusionProof proofOrRetry(long seq) {
        try {
            return service.inclusionProof(String.valueOf(seq), null);
        } catch (NotYetSignedException e) {
            assertThat(e.getMessage()).contains("record " + seq + " is not yet in a signed head", "retry after");
            assertThat(e.retryAfter())
                    .isBetween(Duration.ofSeconds(1), props.heads().every().plusSeconds(1));
            return null;
        }
    }

    void assertVerifiesAgainstASignedHead(InclusionProof p, long seq) {
        assertThat(p.verified()).as("proof of %d", seq).isTrue();
        SignedTreeHead head = p.head();
        assertThat(head).as("signed head of the proof of %d", seq).isNotNull();
        assertThat(head.treeSize()).isEqualTo(p.treeSize()).isGreaterThan(seq);
        assertThat(KeystoreTreeHeadSigner.verify(head, signer.publicKey())).isTrue();
        // checked here from the proof alone, as a client would
        assertThat(MerkleTree.verifyInclusion(
                        seq,
                        head.treeSize(),
                        MerkleHash.unhex(p.leafHash()),
                        p.auditPath().stream().map(MerkleHash::unhex).toList(),
                        MerkleHash.unhex(head.rootHash())))
                .isTrue();
    }

    @Test
    void proofsOfJustRecordedRecordsVerifyAgainstASignedHeadOrSayWhenToRetry() throws Exception {
        AtomicLong lastSeq = new AtomicLong(-1);
        AtomicReference<Throwable> appendFailure = new AtomicReference<>();
        Thread appender = new Thread(
                () -> {
                    try {
                        while (!Thread.currentThread().isInterrupted()) {
                            lastSeq.set(ledger.append(LedgerTestSupport.event(), List.of())
                                    .sequence());
                        }
                    } catch (RuntimeException e) {
                        if (!Thread.currentThread().isInterrupted()) {
                            appendFailure.set(e);
                        }
                    }
                },
                "test-appender");
        appender.start();
        List<Throwable> failures = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> lastSeq.get() >= 20);
            for (int i = 0; i < ASKS; i++) {
                long seq = lastSeq.get(); // just recorded: the latest head rarely covers it yet
                try {
                    InclusionProof p = proofOrRetry(seq);
                    if (p == null) {
                        AtomicReference<InclusionProof> later = new AtomicReference<>();
                        await().atMost(Duration.ofSeconds(10))
                                .pollInterval(Duration.ofMillis(20))
                                .until(() -> (later.updateAndGet(x -> x != null ? x : proofOrRetry(seq))) != null);
                        p = later.get();
                    }
                    assertVerifiesAgainstASignedHead(p, seq);
                    ConsistencyProof c = service.consistencyProof(Math.max(1, seq), p.treeSize());
                    assertThat(c.verified()).isTrue();
                    assertThat(c.toRoot()).isEqualTo(p.head().rootHash());
                } catch (RuntimeException | AssertionError e) {
                    failures.add(e);
                }
            }
        } finally {
            appender.interrupt();
            appender.join(30_000);
        }
        assertThat(appendFailure.get()).isNull();
        assertThat(failures).as("proofs that failed while appending").isEmpty();
        // a proof can name no size the log has not durably reached and signed
        SignedTreeHead latest = ledger.latestHead();
        // well past the end: the appender's last record may still be committing after it was interrupted
        long beyond = ledger.size() + 1_000;
        assertThatThrownBy(() -> service.consistencyProof(1, beyond))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("beyond the log");
        long size = ledger.size();
        if (size > latest.treeSize()) {
            // the 2 s head timer may sign a head covering `size` between the check above and the ask below (CI saw
            // it): then the proof must be against that head, which must already exist when the proof is served
            try {
                InclusionProof p = service.inclusionProof("0", size);
                assertThat(ledger.latestHead().treeSize())
                        .as("a proof at size %d was served, so a head covering it must be signed", size)
                        .isGreaterThanOrEqualTo(size);
                assertThat(p.verified()).isTrue();
                assertThat(p.treeSize()).isEqualTo(size);
            } catch (NotYetSignedException e) {
                assertThat(e).hasMessageContaining("not yet in a signed head");
            }
        }
    }
}
