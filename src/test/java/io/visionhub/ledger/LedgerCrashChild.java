package io.visionhub.ledger;

import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Child JVM for {@link LedgerKillTest}: appends in a burst from several threads and prints "ACK seq id" for
 * each append that returned (that is, each acknowledged record), until it is killed.
 * Arguments: data folder, optional JDBC URL (default: H2 file in the folder), optional schema.
 */
public final class LedgerCrashChild {

    private LedgerCrashChild() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        HikariDataSource ds = args.length > 1
                ? LedgerTestSupport.dataSource(args[1], "postgres", "", args.length > 2 ? args[2] : null)
                : LedgerTestSupport.h2(dir);
        LedgerProperties props = LedgerTestSupport.props(dir);
        // LEDGER_H2_SYNC=false: prove that without the forced sync a process kill still loses nothing
        props = props.withH2SyncEachCommit(!"false".equals(System.getenv("LEDGER_H2_SYNC")));
        JdbcInspectionLedger ledger = LedgerTestSupport.ledger(ds, props);
        PrintStream out = System.out;
        out.println("READY");
        out.flush();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int t = 0; t < 8; t++) {
            pool.submit(() -> {
                while (true) {
                    var e = LedgerTestSupport.event();
                    LedgerReceipt r =
                            ledger.append(e, List.of(new DeliveryRequest("sap-qm", "QUALITY_NOTIFICATION", e.id())));
                    synchronized (out) {
                        out.println("ACK " + r.sequence() + " " + e.id());
                        out.flush();
                    }
                }
            });
        }
    }
}
