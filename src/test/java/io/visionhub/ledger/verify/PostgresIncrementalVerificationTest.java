package io.visionhub.ledger.verify;

import io.visionhub.ledger.LedgerDatabase;

/** Incremental verification on the real PostgreSQL (127.0.0.1:5432, db test), one fresh schema per test. */
@LedgerDatabase.OnPostgres
class PostgresIncrementalVerificationTest extends IncrementalVerificationTest {}
