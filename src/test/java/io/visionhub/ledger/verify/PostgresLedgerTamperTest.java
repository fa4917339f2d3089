package io.visionhub.ledger.verify;

import io.visionhub.ledger.LedgerDatabase;

/** The same tamper cases on the real PostgreSQL (127.0.0.1:5432, db test), one fresh schema per test. */
@LedgerDatabase.OnPostgres
class PostgresLedgerTamperTest extends LedgerTamperTest {}
