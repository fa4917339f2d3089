package io.visionhub.quality.report;

import io.visionhub.api.ApiProperties;
import io.visionhub.context.ProductionContextStore;
import io.visionhub.ledger.disposition.DispositionQueries;
import io.visionhub.quality.alarm.AlarmBoard;
import io.visionhub.quality.ncr.NcrRegister;
import io.visionhub.quality.oee.QualityRateQueries;
import java.time.Clock;
import java.time.ZoneId;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The shift report ({@code GET /api/quality/shift-report}); alarms and NCRs come from the {@link AlarmBoard} and
 * {@link NcrRegister} beans where the hub has them. Off with {@code visionhub.quality.report.enabled: false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(
        prefix = "visionhub.quality.report",
        name = "enabled",
        havingValue = "true",
        matchIfMissing = true)
public class ShiftReportConfiguration {

    @Bean
    ShiftReportService shiftReportService(
            JdbcTemplate jdbc,
            DataSource dataSource,
            ObjectProvider<ProductionContextStore> contexts,
            ObjectProvider<AlarmBoard> alarms,
            ObjectProvider<NcrRegister> ncrs,
            @Value("${visionhub.quality.report.zone:UTC}") String zone) {
        return new ShiftReportService(
                jdbc,
                () -> {
                    ProductionContextStore store = contexts.getIfAvailable();
                    return store == null ? null : store.historyLog();
                },
                new QualityRateQueries(jdbc),
                new DispositionQueries(dataSource),
                alarms::getIfAvailable,
                ncrs::getIfAvailable,
                zone(zone),
                Clock.systemUTC());
    }

    /** The report's time zone, or a start-up error that names the setting and what it takes. */
    static ZoneId zone(String zone) {
        try {
            return ZoneId.of(zone.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("visionhub.quality.report.zone: '" + zone
                    + "' is not a time zone; use a region such as Europe/Berlin, or UTC (" + e.getMessage() + ")");
        }
    }

    @Bean
    ShiftReportRestRoutes shiftReportRestRoutes(ShiftReportService reports) {
        return new ShiftReportRestRoutes(reports);
    }

    @Bean
    ApiProperties.AccessRule shiftReportAccess() {
        return new ApiProperties.AccessRule("GET", "/api/quality/shift-report", ShiftReportRestRoutes.ROLES);
    }
}
