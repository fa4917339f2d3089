package io.visionhub.ledger;

/** The read-only start on the real PostgreSQL (127.0.0.1:5432, db test), one fresh schema per test. */
@LedgerDatabase.OnPostgres
class PostgresLedgerReadOnlyStartTest extends LedgerReadOnlyStartTest {}
