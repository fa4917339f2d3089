package io.visionhub.ledger.disposition;

import io.visionhub.ledger.LedgerException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Wrong signing passwords per user and the lock-out they lead to (21 CFR 11.300(d)), in table
 * {@code signature_lockout} (Flyway V9): a restart, or another hub on the same database, sees the same lock.
 */
public class SigningLockout {

    /** A user's state: wrong passwords in a row, and until when signing is refused (null: not locked). */
    public record State(int failures, Instant lockedUntil) {
        public boolean lockedAt(Instant now) {
            return lockedUntil != null && now.isBefore(lockedUntil);
        }
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final int maxFailures;
    private final Duration lockout;

    public SigningLockout(DataSource dataSource, int maxFailures, Duration lockout) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException(
                    "visionhub.ledger.signatures.max-failures must be at least 1, not " + maxFailures);
        }
        this.jdbc = new JdbcTemplate(dataSource);
        this.tx = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        this.maxFailures = maxFailures;
        this.lockout = lockout;
    }

    public Optional<State> state(String user) {
        try {
            List<State> rows = jdbc.query(
                    "SELECT failures, locked_until FROM signature_lockout WHERE user_name = ?",
                    (rs, n) -> {
                        OffsetDateTime until = rs.getObject(2, OffsetDateTime.class);
                        return new State(rs.getInt(1), until == null ? null : until.toInstant());
                    },
                    user);
            return rows.stream().findFirst();
        } catch (DataAccessException e) {
            throw new LedgerException("cannot read the signing lock-out of " + user + ": " + e.getMessage(), e);
        }
    }

    /** Counts one more wrong password (atomically, also across hubs) and locks when the limit is reached. */
    public State failed(String user, Instant now) {
        OffsetDateTime ts = OffsetDateTime.ofInstant(now, ZoneOffset.UTC);
        try {
            if (state(user).isEmpty()) {
                try { // its own statement: on PostgreSQL a failed insert would spoil the transaction below
                    jdbc.update(
                            "INSERT INTO signature_lockout (user_name, failures, updated_at) VALUES (?,?,?)",
                            user,
                            0,
                            ts);
                } catch (DuplicateKeyException raced) {
                    // another request (or hub) made the row first: count on it
                }
            }
            return tx.execute(status -> {
                jdbc.update(
                        "UPDATE signature_lockout SET failures = failures + 1, updated_at = ? WHERE user_name = ?",
                        ts,
                        user);
                int failures = jdbc.queryForObject(
                        "SELECT failures FROM signature_lockout WHERE user_name = ?", Integer.class, user);
                Instant until = null;
                if (failures >= maxFailures) {
                    until = now.plus(lockout);
                    jdbc.update(
                            "UPDATE signature_lockout SET locked_until = ? WHERE user_name = ?",
                            OffsetDateTime.ofInstant(until, ZoneOffset.UTC),
                            user);
                }
                return new State(failures, until);
            });
        } catch (DataAccessException e) {
            throw new LedgerException("cannot record a wrong signing password of " + user + ": " + e.getMessage(), e);
        }
    }

    /** A correct password: the count starts again. */
    public void succeeded(String user) {
        try {
            jdbc.update("DELETE FROM signature_lockout WHERE user_name = ?", user);
        } catch (DataAccessException e) {
            throw new LedgerException("cannot reset the signing lock-out of " + user + ": " + e.getMessage(), e);
        }
    }
}
