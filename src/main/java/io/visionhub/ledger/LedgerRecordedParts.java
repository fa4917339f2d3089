package io.visionhub.ledger;

import io.visionhub.vision.RecordedParts;
import java.sql.Timestamp;
import java.time.Instant;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The ledger's answer to "is this part recorded already" for a re-read image folder file: one range of the
 * station's capture-time index (ix_api_inspection_station) from the file's time on, so the look-up stays short
 * however long the ledger is.
 */
@Component
public class LedgerRecordedParts implements RecordedParts {

    private final JdbcTemplate jdbc;

    public LedgerRecordedParts(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    @Override
    public boolean recorded(String station, String partId, String imageSha256, Instant since) {
        Integer n = imageSha256 == null
                ? jdbc.queryForObject(
                        "SELECT COUNT(*) FROM inspection WHERE station = ? AND capture_time >= ? AND part_id = ?",
                        Integer.class,
                        station,
                        Timestamp.from(since),
                        partId)
                : jdbc.queryForObject(
                        "SELECT COUNT(*) FROM inspection WHERE station = ? AND capture_time >= ? AND part_id = ?"
                                + " AND image_sha256 = ?",
                        Integer.class,
                        station,
                        Timestamp.from(since),
                        partId,
                        imageSha256);
        return n != null && n > 0;
    }
}
