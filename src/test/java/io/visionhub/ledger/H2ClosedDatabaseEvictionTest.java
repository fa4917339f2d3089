package io.visionhub.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.SQLExceptionOverride.Override;
import java.sql.SQLException;
import org.h2.api.ErrorCode;
import org.h2.jdbc.JdbcSQLNonTransientConnectionException;
import org.junit.jupiter.api.Test;

/** Which errors make the pool drop a connection (H2's closed database) and which keep Hikari's own rules. */
class H2ClosedDatabaseEvictionTest {

    private final H2ClosedDatabaseEviction eviction = new H2ClosedDatabaseEviction();

    private static SQLException h2(int code) {
        return new JdbcSQLNonTransientConnectionException("h2 error", null, String.valueOf(code), code, null, null);
    }

    @Test
    void anH2DatabaseClosedAfterAWriteErrorEvictsTheConnection() {
        assertThat(eviction.adjudicate(h2(ErrorCode.DATABASE_IS_CLOSED))).isEqualTo(Override.MUST_EVICT);
        assertThat(eviction.adjudicate(h2(ErrorCode.DATABASE_CALLED_AT_SHUTDOWN)))
                .isEqualTo(Override.MUST_EVICT);
        assertThat(eviction.adjudicate(h2(ErrorCode.IO_EXCEPTION_1))).isEqualTo(Override.MUST_EVICT);
    }

    @Test
    void aClosedDatabaseFoundInTheChainOfABatchErrorEvictsToo() {
        SQLException batch = new SQLException("batch failed", "HY000", 0);
        batch.setNextException(h2(ErrorCode.DATABASE_IS_CLOSED));
        assertThat(eviction.adjudicate(batch)).isEqualTo(Override.MUST_EVICT);
    }

    @Test
    void aBadRecordOrAnotherDatabasesErrorKeepsHikarisOwnRules() {
        assertThat(eviction.adjudicate(h2(ErrorCode.DUPLICATE_KEY_1))).isEqualTo(Override.CONTINUE_EVICT);
        // the same number from a driver that is not H2 means something else
        assertThat(eviction.adjudicate(new SQLException("not h2", "90098", 90098)))
                .isEqualTo(Override.CONTINUE_EVICT);
        assertThat(JdbcInspectionLedger.storageFailure(h2(ErrorCode.DUPLICATE_KEY_1)))
                .isFalse();
        assertThat(JdbcInspectionLedger.storageFailure(new SQLException("disk full", "53100")))
                .isTrue();
    }
}
