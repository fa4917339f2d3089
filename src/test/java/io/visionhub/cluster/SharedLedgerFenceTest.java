package io.visionhub.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.JdbcLedgerReader;
import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.LedgerProperties;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.verify.LedgerVerifier;
import io.visionhub.ledger.verify.VerificationReport;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two ledger writers (two nodes) on one PostgreSQL log, in one JVM: the sequencer keeps one tree, and the station
 * fence refuses the append of a node whose lease ended or was taken over, in the database.
 */
class SharedLedgerFenceTest {

    @TempDir
    Path dir;

    private String schema;
    private HikariDataSource ds;
    private final List<JdbcInspectionLedger> ledgers = new ArrayList<>();

    @BeforeAll
    static void needsPostgres() {
        Assumptions.assumeTrue(
                LedgerTestSupport.postgresAvailable(),
                "no PostgreSQL on " + LedgerTestSupport.PG_URL + ": the shared-ledger tests are skipped");
    }

    @BeforeEach
    void open() {
        schema = LedgerTestSupport.uniqueSchema();
        ds = LedgerTestSupport.postgres(schema);
    }

    @AfterEach
    void close() {
        ledgers.forEach(JdbcInspectionLedger::close);
        LedgerTestSupport.dropSchema(ds, schema);
        ds.close();
    }

    private LedgerProperties props(String node) {
        LedgerProperties p = LedgerProperties.defaults();
        return p.withHeads(p.heads()
                .withFiles(
                        dir.resolve("keys/ledger.p12").toString(),
                        "test-password",
                        dir.resolve("heads-" + node + ".jsonl").toString())
                .withEveryRecords(25)
                .withEvery(Duration.ofHours(1)));
    }

    private JdbcInspectionLedger node(String name) {
        LedgerProperties p = props(name);
        JdbcInspectionLedger l = new JdbcInspectionLedger(ds, p, LedgerTestSupport.signer(p), Clock.systemUTC());
        l.addHeadListener(new HeadsFile(Path.of(p.heads().file())));
        l.setSharedLog(true);
        l.start();
        ledgers.add(l);
        return l;
    }

    private static InspectionEvent event(String station) {
        return LedgerTestSupport.eventAt(station);
    }

    @Test
    void twoWritersAppendingAtOnceMakeOneLogThatVerifies() throws Exception {
        JdbcInspectionLedger a = node("a");
        JdbcInspectionLedger b = node("b");
        JdbcInspectionLedger idle = node("c");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> runs = new ArrayList<>();
        for (JdbcInspectionLedger l : List.of(a, b, a, b)) {
            runs.add(pool.submit(() -> {
                for (int i = 0; i < 60; i++) {
                    l.append(event("station-1"), List.of());
                }
            }));
        }
        for (Future<?> f : runs) {
            f.get();
        }
        pool.shutdown();
        a.signNow();
        b.signNow();
        // the third node never appended: it catches up and publishes the heads of the whole log in its own file
        assertThat(idle.signNow().treeSize()).isEqualTo(240);
        assertThat(HeadsFile.read(dir.resolve("heads-c.jsonl")))
                .extracting(SignedTreeHead::treeSize)
                .contains(240L);

        JdbcTemplate jdbc = new JdbcTemplate(ds);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM ledger_leaf", Long.class))
                .isEqualTo(240);
        assertThat(jdbc.queryForObject("SELECT MAX(seq) FROM ledger_leaf", Long.class))
                .isEqualTo(239);
        KeystoreTreeHeadSigner keys = LedgerTestSupport.signer(props("a"));
        VerificationReport report = new LedgerVerifier(
                        new JdbcLedgerReader(ds),
                        List.of(keys.publicKey()),
                        () -> {
                            List<SignedTreeHead> heads = new ArrayList<>(HeadsFile.read(dir.resolve("heads-a.jsonl")));
                            heads.addAll(HeadsFile.read(dir.resolve("heads-b.jsonl")));
                            return heads;
                        },
                        null,
                        Clock.systemUTC(),
                        keys.recordMac(),
                        null)
                .verify();
        assertThat(report.findings()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.records()).isEqualTo(240);
        assertThat(report.headsChecked()).as("heads signed by both writers").isGreaterThan(2);
    }

    @Test
    void aNodeWhoseLeaseWasTakenOverCannotAppendForTheStation() throws Exception {
        JdbcInspectionLedger a = node("a");
        JdbcInspectionLedger b = node("b");
        StationLeases leases = new StationLeases(ds);
        Duration shortLease = Duration.ofSeconds(3);
        OptionalLong tokenA = leases.acquire("station-1", "node-a", shortLease);
        assertThat(tokenA).hasValue(1);
        assertThat(leases.acquire("station-1", "node-b", shortLease))
                .as("held by a")
                .isEmpty();
        a.setStationFence((station, w) -> withFence(leases, station, "node-a", tokenA.getAsLong(), w));
        a.append(event("station-1"), List.of());

        Thread.sleep(3200); // a's lease ends (a paused): b takes the station
        OptionalLong tokenB = leases.acquire("station-1", "node-b", Duration.ofSeconds(30));
        assertThat(tokenB).hasValue(2);
        b.setStationFence((station, w) -> withFence(leases, station, "node-b", tokenB.getAsLong(), w));
        b.append(event("station-1"), List.of());

        // a wakes up and still believes it holds token 1: the database refuses its record
        assertThatThrownBy(() -> a.append(event("station-1"), List.of()))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("token");
        assertThat(leases.renew("station-1", "node-a", 1, shortLease)).isFalse();
        b.append(event("station-1"), List.of());
        // another station is not fenced by station-1's lease
        a.setStationFence((station, w) -> w);
        a.append(event("station-2"), List.of());

        JdbcTemplate jdbc = new JdbcTemplate(ds);
        assertThat(jdbc.queryForList(
                        "SELECT owner || ':' || token FROM station_append ORDER BY ledger_seq", String.class))
                .containsExactly("node-a:1", "node-b:2", "node-b:2");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM ledger_leaf", Long.class))
                .isEqualTo(4);
    }

    private static io.visionhub.ledger.LedgerWrite withFence(
            StationLeases leases, String station, String node, long token, io.visionhub.ledger.LedgerWrite w) {
        try {
            List<io.visionhub.ledger.LedgerWrite.SqlRow> rows = new ArrayList<>(w.rows());
            rows.add(leases.fenceRow(station, node, token));
            return new io.visionhub.ledger.LedgerWrite(w.type(), w.recordId(), w.body(), rows);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
