package io.visionhub.quality.monitor;

import io.visionhub.ledger.LedgerDatabase;

/** {@link SpcMonitorTest} on PostgreSQL (the alarm table, the rebuild query); skipped where none answers. */
@LedgerDatabase.OnPostgres
class PostgresSpcMonitorTest extends SpcMonitorTest {}
