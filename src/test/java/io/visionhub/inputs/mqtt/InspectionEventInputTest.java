package io.visionhub.inputs.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.TestEvents;
import io.visionhub.vision.component.VisionConstants;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** The input's first step as the route calls it: a Processor that reads the event and sets the vision headers. */
class InspectionEventInputTest {

    @Test
    void theBodyBecomesTheEventWithTheHeadersOfTheVisionConsumer() {
        InspectionEvent event = TestEvents.event("station-3", "P-7", InspectionEvent.Verdict.NG);
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.getMessage().setBody(EventJson.toBytes(event));

        new InspectionEventInput().process(exchange);

        assertThat(exchange.getMessage().getBody()).isEqualTo(event);
        assertThat(exchange.getMessage().getHeader(VisionConstants.STATION)).isEqualTo("station-3");
        assertThat(exchange.getMessage().getHeader(VisionConstants.INSPECTION_ID))
                .isEqualTo(event.id());
        assertThat(exchange.getMessage().getHeader(VisionConstants.LINE)).isEqualTo("line-1");
        assertThat(exchange.getMessage().getHeader(VisionConstants.PART_ID)).isEqualTo("P-7");
    }

    @Test
    void timesInAnotherFormAreReadAsTheEventMappingReadsThem() {
        String json = EventJson.toJson(TestEvents.event("station-1", "P-1", InspectionEvent.Verdict.OK));
        String offset =
                json.replaceFirst("\"captureTime\":\"[^\"]*\"", "\"captureTime\":\"2026-12-05T22:36:09.5+01:00\"");

        InspectionEvent read = InspectionEventInput.parse(offset.getBytes(StandardCharsets.UTF_8));

        assertThat(read.captureTime()).isEqualTo(Instant.parse("2026-12-05T21:36:09.5Z"));
        assertThat(read).isEqualTo(EventJson.fromJson(offset));
    }

    @Test
    void aTimeThatDoesNotExistIsRefusedNamingTheField() {
        String json = EventJson.toJson(TestEvents.event("station-1", "P-1", InspectionEvent.Verdict.OK));
        String feb30 = json.replaceFirst("\"captureTime\":\"[^\"]*\"", "\"captureTime\":\"2026-02-30T10:00:00Z\"");

        assertThatThrownBy(() -> InspectionEventInput.parse(feb30.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not an inspection event (docs/schema/inspection-event.schema.json): ")
                .hasMessageContaining("captureTime");
    }
}
