package io.visionhub.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.merkle.MerkleTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

class JdbcInspectionLedgerTest {

    @TempDir
    Path dir;

    HikariDataSource ds;
    LedgerProperties props;
    JdbcInspectionLedger ledger;
    JdbcTemplate jdbc;

    @BeforeEach
    void open() {
        ds = LedgerTestSupport.h2(dir);
        props = LedgerTestSupport.props(dir);
        ledger = LedgerTestSupport.ledger(ds, props);
        jdbc = new JdbcTemplate(ds);
    }

    @AfterEach
    void close() {
        ledger.close();
        ds.close();
    }

    @Test
    void appendWritesLeafInspectionDefectsAndPendingOutboxRowsInOneRecord() {
        InspectionEvent e = LedgerTestSupport.event();
        LedgerReceipt r = ledger.append(
                e,
                List.of(
                        new DeliveryRequest("sap-qm", "QUALITY_NOTIFICATION", e.id()),
                        new DeliveryRequest("maximo", "WORK_ORDER", e.id())));

        assertThat(r.sequence()).isZero();
        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM inspection WHERE id = ?", e.id());
        assertThat(row)
                .containsEntry("ledger_seq", 0L)
                .containsEntry("result", "NG")
                .containsEntry("production_order", "PO-1001")
                .containsEntry("batch", "LOT-7")
                .containsEntry("model_sha256", "ab".repeat(32));
        assertThat(jdbc.queryForList(
                        "SELECT defect_class FROM inspection_defect WHERE inspection_id = ? ORDER BY idx",
                        String.class,
                        e.id()))
                .containsExactly("scratch", "dent");
        assertThat(jdbc.queryForList("SELECT status FROM outbox WHERE inspection_id = ?", String.class, e.id()))
                .containsExactly("PENDING", "PENDING");
        String entry = jdbc.queryForObject("SELECT entry FROM ledger_leaf WHERE seq = 0", String.class);
        assertThat(MerkleHash.hex(MerkleHash.leaf(entry.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(r.leafHash());
        assertThat(entry)
                .contains("\"seq\":0")
                .contains("\"type\":\"INSPECTION\"")
                .contains(e.id());
    }

    @Test
    void everyLeafCarriesARecordMacOfItsSeqAndLeafHashThatOnlyTheKeystoreSecretMakes() {
        for (int i = 0; i < 12; i++) {
            ledger.append(LedgerTestSupport.event(), List.of());
        }
        var mac = LedgerTestSupport.signer(props).recordMac();
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT seq, leaf_hash, mac FROM ledger_leaf ORDER BY seq");
        assertThat(rows)
                .hasSize(12)
                .allSatisfy(r -> assertThat(
                                mac.verify((Long) r.get("seq"), (String) r.get("leaf_hash"), (String) r.get("mac")))
                        .as("MAC of seq %s", r.get("seq"))
                        .isTrue());
        // bound to the seq: the MAC of seq 3 does not fit seq 4
        assertThat(mac.verify(4, (String) rows.get(3).get("leaf_hash"), (String)
                        rows.get(3).get("mac")))
                .isFalse();
        assertThat(ledger.tamperAlarm()).isNull();
    }

    @Test
    void concurrentAppendersGetContiguousSequencesAndEveryOneIsDurable() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<LedgerReceipt>> fs = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                fs.add(pool.submit(() -> ledger.append(LedgerTestSupport.event(), List.of())));
            }
            List<Long> seqs = new ArrayList<>();
            for (Future<LedgerReceipt> f : fs) {
                seqs.add(f.get().sequence());
            }
            assertThat(seqs).doesNotHaveDuplicates().hasSize(400);
            assertThat(seqs.stream().mapToLong(Long::longValue).max().orElseThrow())
                    .isEqualTo(399);
        } finally {
            pool.shutdownNow();
        }
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM inspection", Long.class))
                .isEqualTo(400);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM ledger_leaf", Long.class))
                .isEqualTo(400);
        // two syncers force the file in parallel: heads are still published once each, in order
        assertThat(ledger.signNow().treeSize()).isEqualTo(400);
        List<Long> published = HeadsFile.read(Path.of(props.heads().file())).stream()
                .map(SignedTreeHead::treeSize)
                .toList();
        assertThat(published)
                .hasSizeGreaterThan(1)
                .isSorted()
                .doesNotHaveDuplicates()
                .endsWith(400L);
        assertThat(new JdbcLedgerReader(ds).heads())
                .extracting(SignedTreeHead::treeSize)
                .containsExactlyElementsOf(published);
    }

    @Test
    void aDuplicateInspectionIdIsRefusedWithoutFailingItsBatchNeighbours() throws Exception {
        InspectionEvent e = LedgerTestSupport.event();
        ledger.append(e, List.of());
        List<CompletableFuture<LedgerReceipt>> fs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            fs.add(ledger.submit(
                    InspectionRecord.toWrite(i == 7 ? e : LedgerTestSupport.event(), List.of(), Instant.now())));
        }
        int failed = 0;
        for (CompletableFuture<LedgerReceipt> f : fs) {
            if (f.handle((r, t) -> t != null).get()) {
                failed++;
            }
        }
        assertThat(failed).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM ledger_leaf", Long.class))
                .isEqualTo(20);
        assertThat(jdbc.queryForList("SELECT seq FROM ledger_leaf ORDER BY seq", Long.class))
                .isEqualTo(LongStream.range(0, 20).boxed().toList());
    }

    @Test
    void recordsQueuedWithinTheBatchLingerShareOneGroupCommitAndEachIsAcknowledgedDurable() throws Exception {
        ledger.close();
        ledger = LedgerTestSupport.ledger(ds, props.withBatchLinger(Duration.ofMillis(50)));
        ledger.append(LedgerTestSupport.event(), List.of()); // the first commit of a ledger reads its state
        JdbcInspectionLedger.Stats before = ledger.stats();
        List<CompletableFuture<LedgerReceipt>> fs = new ArrayList<>();
        for (int i = 0; i < 5; i++) { // one after the other, as a paced source would, well within the 50 ms
            fs.add(ledger.submit(LedgerTestSupport.event(), List.of()));
        }
        for (CompletableFuture<LedgerReceipt> f : fs) {
            f.get();
        }
        JdbcInspectionLedger.Stats after = ledger.stats();
        assertThat(after.records() - before.records()).isEqualTo(5);
        assertThat(after.commits() - before.commits()).isEqualTo(1);
        assertThat(fs).extracting(f -> f.join().sequence()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM ledger_leaf", Long.class))
                .isEqualTo(6);
    }

    @Test
    void aRepeatedDeliveryKeyKeepsOneOutboxRow() {
        InspectionEvent a = LedgerTestSupport.event();
        InspectionEvent b = LedgerTestSupport.event();
        ledger.append(a, List.of(new DeliveryRequest("sap-qm", "QUALITY_NOTIFICATION", "window-1")));
        ledger.append(b, List.of(new DeliveryRequest("sap-qm", "QUALITY_NOTIFICATION", "window-1")));
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM outbox WHERE delivery_key = 'window-1'", Long.class))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM inspection", Long.class))
                .isEqualTo(2);
    }

    @Test
    void badInputIsRefusedWithTheFieldNamed() {
        assertThatThrownBy(() -> ledger.append(null, List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
        InspectionEvent noId = LedgerTestSupport.event("", InspectionEvent.Verdict.OK, null);
        assertThatThrownBy(() -> ledger.append(noId, List.of())).hasMessageContaining("id");
        InspectionEvent ok = LedgerTestSupport.event();
        assertThatThrownBy(() -> ledger.append(ok, List.of(new DeliveryRequest("sap-qm", null, "k"))))
                .hasMessageContaining("documentType");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM ledger_leaf", Long.class))
                .isZero();
    }

    @Test
    void headsAreSignedEveryNRecordsWrittenToTheFileAndMatchTheLeaves() {
        for (int i = 0; i < 25; i++) {
            ledger.append(LedgerTestSupport.event(), List.of());
        }
        SignedTreeHead now = ledger.signNow();
        assertThat(now.treeSize()).isEqualTo(25);
        List<SignedTreeHead> fileHeads = HeadsFile.read(Path.of(props.heads().file()));
        assertThat(fileHeads).extracting(SignedTreeHead::treeSize).contains(10L, 20L, 25L);
        KeystoreTreeHeadSigner signer = LedgerTestSupport.signer(props);
        List<byte[]> leaves = jdbc.queryForList("SELECT leaf_hash FROM ledger_leaf ORDER BY seq", String.class).stream()
                .map(MerkleHash::unhex)
                .toList();
        for (SignedTreeHead h : fileHeads) {
            assertThat(signer.verify(h)).isTrue();
            assertThat(MerkleHash.hex(MerkleTree.root(leaves, 0, (int) h.treeSize())))
                    .isEqualTo(h.rootHash());
        }
        assertThat(new JdbcLedgerReader(ds).heads()).isEqualTo(fileHeads);
    }

    @Test
    void reopeningContinuesTheSequenceAndTheTree() {
        for (int i = 0; i < 5; i++) {
            ledger.append(LedgerTestSupport.event(), List.of());
        }
        ledger.close();
        ledger = LedgerTestSupport.ledger(ds, props);
        assertThat(ledger.append(LedgerTestSupport.event(), List.of()).sequence())
                .isEqualTo(5);
        SignedTreeHead h = ledger.signNow();
        List<byte[]> leaves = new JdbcLedgerReader(ds)
                .leafHashes().stream().map(MerkleHash::unhex).toList();
        assertThat(h.rootHash()).isEqualTo(MerkleHash.hex(MerkleTree.root(leaves)));
    }

    @Test
    void aHeadIsSignedAfterTheIntervalEvenWithFewRecords() {
        ledger.close();
        props = props.withHeads(props.heads().withEvery(Duration.ofMillis(200)));
        ledger = LedgerTestSupport.ledger(ds, props);
        ledger.append(LedgerTestSupport.event(), List.of());
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() ->
                        HeadsFile.read(Path.of(props.heads().file())).stream().anyMatch(h -> h.treeSize() == 1));
        assertThat(ledger.latestHead().treeSize()).isEqualTo(1);
    }

    @Test
    void aDatabaseThatIsGoneFailsTheAppendWithAReasonInsteadOfHanging() {
        ds.close();
        assertThatThrownBy(() -> ledger.append(LedgerTestSupport.event(), List.of()))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("not recorded");
        ledger.close();
        assertThatThrownBy(() -> ledger.append(LedgerTestSupport.event(), List.of()))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("not running");
    }
}
