package io.visionhub.ledger;

import io.visionhub.ledger.heads.SignedTreeHead;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * Health "ledger" (/actuator/health): UP with the record count and the latest durable signed head while the ledger
 * records; DOWN while it is read-only because the stored log failed its start-up check (the hub runs, serves
 * verification and proofs, but records no inspection): the problem, the sequence number it concerns and what to do;
 * DOWN with mode write-failing while its database cannot be written (a full disk; it ends by itself with the next
 * commit that succeeds); DOWN with mode writer-stopped when the writer or an H2 syncer thread ended on a JVM error (out of memory;
 * records refused until the hub is restarted); DOWN with mode tamper-alarm when a record the hub did not write was found (appends and head signing stopped).
 */
public class LedgerHealthIndicator extends AbstractHealthIndicator {

    private final JdbcInspectionLedger ledger;

    public LedgerHealthIndicator(JdbcInspectionLedger ledger) {
        super("ledger state cannot be read");
        this.ledger = ledger;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        SignedTreeHead head = ledger.latestHead();
        builder.withDetail("records", ledger.size()).withDetail("signedHeadSize", head == null ? 0 : head.treeSize());
        JdbcInspectionLedger.TamperAlarm alarm = ledger.tamperAlarm();
        if (alarm != null) { // a record this hub did not write: the ledger stopped appending and signing
            builder.down()
                    .withDetail("mode", "tamper-alarm")
                    .withDetail("problem", "FORGED")
                    .withDetail("seq", alarm.seq())
                    .withDetail("reason", alarm.message())
                    .withDetail("since", alarm.raised().toString());
            return;
        }
        JdbcInspectionLedger.WriterStopped stopped = ledger.writerStopped();
        if (stopped != null) { // the writer or a syncer ended on a JVM error: nothing is recorded until a restart
            builder.down()
                    .withDetail("mode", "writer-stopped")
                    .withDetail("problem", "WRITER")
                    .withDetail("reason", stopped.reason())
                    .withDetail("since", stopped.since().toString())
                    .withDetail("action", JdbcInspectionLedger.WriterStopped.ACTION);
            return;
        }
        JdbcInspectionLedger.WriteFailure wf = ledger.writeFailure();
        if (wf != null) { // the database cannot be written now (disk full): records refused until it can
            builder.down()
                    .withDetail("mode", "write-failing")
                    .withDetail("problem", "STORAGE")
                    .withDetail("reason", wf.reason())
                    .withDetail("since", wf.since().toString())
                    .withDetail("action", JdbcInspectionLedger.WriteFailure.ACTION);
            return;
        }
        JdbcInspectionLedger.ReadOnly ro = ledger.readOnly();
        if (ro == null) {
            builder.up().withDetail("mode", "read-write");
            return;
        }
        builder.down()
                .withDetail("mode", "read-only")
                .withDetail("problem", ro.problem().kind().name())
                .withDetail("seq", ro.problem().seq())
                .withDetail("reason", ro.problem().message())
                .withDetail("since", ro.since().toString())
                .withDetail("action", JdbcInspectionLedger.ReadOnly.ACTION);
    }
}
