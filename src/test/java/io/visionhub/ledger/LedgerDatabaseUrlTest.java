package io.visionhub.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The H2 URL the hub ships with (config/ledger.yaml; the tests and benchmarks use the same, LedgerTestSupport) opens a database with the settings the ledger's durability and
 * latency figures depend on: every commit written at once (WRITE_DELAY=0) and a small page cache (CACHE_SIZE=2048
 * KB; H2's own 16 MB cache kept freshly written pages alive and lengthened every young GC, bench/README-ledger.md).
 */
class LedgerDatabaseUrlTest {

    @TempDir
    Path dir;

    @Test
    void shippedUrlOpensH2WithImmediateWritesAndASmallCache() throws Exception {
        assertThat(LedgerTestSupport.shippedH2Url()).startsWith("jdbc:h2:file:./data/visionhub;");

        try (Connection c = DriverManager.getConnection(LedgerTestSupport.h2Url(dir), "sa", "");
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT SETTING_NAME, SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS")) {
            Map<String, String> settings = new HashMap<>();
            while (rs.next()) {
                settings.put(rs.getString(1), rs.getString(2));
            }
            assertThat(settings).containsEntry("WRITE_DELAY", "0");
            // H2 keeps the cache in whole megabytes: 2048 KB is 2 MB
            assertThat(settings).containsEntry("info.CACHE_MAX_SIZE", "2");
        }
    }
}
