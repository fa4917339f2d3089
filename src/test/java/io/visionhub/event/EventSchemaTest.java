package io.visionhub.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventSchemaTest {

    static InspectionEvent sample() {
        Instant t = Instant.parse("2026-11-24T10:15:30.123Z");
        return new InspectionEvent(
                InspectionEvent.SCHEMA_VERSION,
                UUID.randomUUID().toString(),
                "station-1",
                "cam-1",
                "line-1",
                t,
                t.plusMillis(12),
                new ModelRef("demo-anomaly", "1", "a".repeat(64), "anomaly"),
                InspectionEvent.Verdict.NG,
                List.of(new Defect("scratch", 0.93, new Defect.Box(10, 20, 30, 4))),
                7.5,
                new ImageRef("b".repeat(64), "/api/images/" + "b".repeat(64), null, null, 640, 480),
                null,
                InspectionEvent.ContextStatus.MISSING,
                "P-000001",
                new Latency(1, 2, 3, 1, 7));
    }

    @Test
    void producedEventIsValid() {
        assertThat(EventSchema.problems(sample())).isEmpty();
    }

    @Test
    void eventWithContextRoundTripsAndStaysValid() {
        ProductionContext ctx = new ProductionContext(
                "line-1",
                "PO-1",
                "MAT-9",
                "3",
                Map.of("diameter", new ProductionContext.Limit(49.9, 50.0, 50.1, "mm")),
                "LOT-1",
                "WC-1",
                "A",
                "OS-1",
                null,
                4,
                Instant.parse("2026-11-24T06:00:00Z"));
        InspectionEvent e = sample().withContext(ctx);
        String json = EventJson.toJson(e);
        assertThat(EventSchema.problems(json)).isEmpty();
        assertThat(EventJson.fromJson(json)).isEqualTo(e);
        assertThat(e.contextStatus()).isEqualTo(InspectionEvent.ContextStatus.APPLIED);
    }

    @Test
    void schemaRejectsBadDocumentsNamingTheField() {
        String json = EventJson.toJson(sample());
        assertThat(EventSchema.problems(json.replace("\"NG\"", "\"MAYBE\""))).anyMatch(p -> p.contains("result"));
        assertThat(EventSchema.problems(json.replace("\"confidence\":0.93", "\"confidence\":1.5")))
                .anyMatch(p -> p.contains("confidence"));
        assertThat(EventSchema.problems(json.replace("\"station\":\"station-1\",", "")))
                .anyMatch(p -> p.contains("station"));
        assertThat(EventSchema.problems("{not json")).singleElement().asString().startsWith("not JSON");
    }
}
