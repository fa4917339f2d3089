package io.visionhub.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

/**
 * The ledger writer's group commits, shared with writes of other components on the same database (the outbox's claims
 * and delivered marks): see {@link SharedCommits} for what a rider gets.
 */
public interface LedgerCommits {

    /** A write on the writer's connection, inside its transaction (never commits or closes it). */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Whether writes may ride now: the writer runs on an H2 file (where each commit writes a chunk of pages) and sharing
     * is on. Otherwise callers commit on their own.
     */
    boolean sharesCommits();

    /**
     * Runs {@code work} in the writer's next transaction (with the records waiting, or alone); the future completes
     * once that transaction committed, or with the work's own failure. The work must be safe to run twice: when the
     * records' transaction fails it runs again in one of its own.
     */
    <T> CompletableFuture<T> inNextCommit(Work<T> work);
}
