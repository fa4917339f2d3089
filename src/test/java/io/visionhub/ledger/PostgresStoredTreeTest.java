package io.visionhub.ledger;

/** The stored-tree proofs on the real PostgreSQL (127.0.0.1:5432, db test), one fresh schema per test. */
@LedgerDatabase.OnPostgres
class PostgresStoredTreeTest extends StoredTreeTest {}
