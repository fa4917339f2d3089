package io.visionhub.ledger;

/** The event stored once, on the real PostgreSQL (127.0.0.1:5432, db test), one fresh schema per test. */
@LedgerDatabase.OnPostgres
class PostgresInspectionEventStorageTest extends InspectionEventStorageTest {}
