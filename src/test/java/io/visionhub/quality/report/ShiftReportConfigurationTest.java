package io.visionhub.quality.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** visionhub.quality.report.zone: a region or UTC; anything else stops the start with the setting named. */
class ShiftReportConfigurationTest {

    @Test
    void aZoneThatIsNoTimeZoneIsRefusedNamingTheSetting() {
        assertThat(ShiftReportConfiguration.zone("Europe/Berlin")).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(ShiftReportConfiguration.zone(" UTC ")).isEqualTo(ZoneId.of("UTC"));
        assertThatThrownBy(() -> ShiftReportConfiguration.zone("Mars/Olympus"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("visionhub.quality.report.zone: 'Mars/Olympus' is not a time zone");
    }
}
