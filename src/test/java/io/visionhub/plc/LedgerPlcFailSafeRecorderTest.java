package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerTestSupport;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/** A part's fail-safe is a record of the hash-chained ledger (type PLC_FAIL_SAFE), on H2 and on PostgreSQL. */
class LedgerPlcFailSafeRecorderTest {

    @TempDir
    Path dir;

    @Test
    void failSafeIsALedgerRecordWithStationPartInspectionAndReasonOnH2() throws Exception {
        try (HikariDataSource ds = LedgerTestSupport.h2(dir)) {
            recordsAndReadsBack(ds);
        }
    }

    @Test
    void failSafeIsALedgerRecordWithStationPartInspectionAndReasonOnPostgres() throws Exception {
        Assumptions.assumeTrue(LedgerTestSupport.postgresAvailable(), "PostgreSQL at " + LedgerTestSupport.PG_URL);
        String schema = LedgerTestSupport.uniqueSchema();
        try (HikariDataSource ds = LedgerTestSupport.postgres(schema)) {
            try {
                recordsAndReadsBack(ds);
            } finally {
                LedgerTestSupport.dropSchema(ds, schema);
            }
        }
    }

    private void recordsAndReadsBack(HikariDataSource ds) throws Exception {
        JdbcInspectionLedger ledger = LedgerTestSupport.ledger(ds, LedgerTestSupport.props(dir));
        try {
            Instant at = Instant.parse("2026-12-05T01:00:00Z");
            new LedgerPlcFailSafeRecorder(ledger)
                    .record(new PlcFailSafe(
                            "st1",
                            "T-0042",
                            "insp-1",
                            PlcFailSafe.Reason.PLC_DOWN,
                            PlcProperties.FailSafe.REJECT,
                            9,
                            at,
                            at.plusMillis(100),
                            at.plusMillis(3)))
                    .get(10, TimeUnit.SECONDS);
            Map<String, Object> row = new JdbcTemplate(ds)
                    .queryForMap("SELECT record_type, entry FROM ledger_leaf ORDER BY seq DESC LIMIT 1");
            assertThat(row.get("record_type")).isEqualTo(PlcFailSafe.RECORD_TYPE);
            JsonNode body = CanonicalJson.read((String) row.get("entry")).get("body");
            assertThat(body.get("station").asText()).isEqualTo("st1");
            assertThat(body.get("partId").asText()).isEqualTo("T-0042");
            assertThat(body.get("inspectionId").asText()).isEqualTo("insp-1");
            assertThat(body.get("reason").asText()).isEqualTo("PLC_DOWN");
            assertThat(body.get("action").asText()).isEqualTo("REJECT");
            assertThat(body.get("resultCode").asInt()).isEqualTo(9);
            assertThat(body.get("deadline").asText()).isEqualTo("2026-12-05T01:00:00.100Z");
        } finally {
            ledger.close();
        }
    }
}
