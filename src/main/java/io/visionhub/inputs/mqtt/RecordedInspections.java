package io.visionhub.inputs.mqtt;

import io.visionhub.event.InspectionEvent;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Whether the ledger already holds an inspection (by its event id): the input routes ask this for every message,
 * since a message in flight (recorded, not yet acknowledged) when the previous connection ended comes again, and
 * Mosquitto 2.0 sends it again without the DUP flag. One primary-key look-up.
 */
@Component("recordedInspections")
public class RecordedInspections {

    private final JdbcTemplate jdbc;

    public RecordedInspections(DataSource dataSource) {
        this.jdbc = new JdbcTemplate(dataSource);
    }

    public boolean holds(InspectionEvent event) {
        Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM inspection WHERE id = ?", Integer.class, event.id());
        return n != null && n > 0;
    }
}
