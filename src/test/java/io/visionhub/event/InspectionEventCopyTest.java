package io.visionhub.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each with…() changes its own components and keeps every other one. */
class InspectionEventCopyTest {

    private final InspectionEvent original = EventSchemaTest.sample();

    @Test
    void withPartIdChangesOnlyThePartId() {
        InspectionEvent copy = original.withPartId("P-42");
        assertThat(copy.partId()).isEqualTo("P-42");
        assertThat(copy).usingRecursiveComparison().ignoringFields("partId").isEqualTo(original);
    }

    @Test
    void withImageChangesOnlyTheImage() {
        ImageRef other = new ImageRef("c".repeat(64), "/api/images/" + "c".repeat(64), null, null, 8, 6);
        InspectionEvent copy = original.withImage(other);
        assertThat(copy.image()).isEqualTo(other);
        assertThat(copy).usingRecursiveComparison().ignoringFields("image").isEqualTo(original);
    }

    @Test
    void withLatencyChangesOnlyTheLatency() {
        Latency other = new Latency(9, 9, 9, 9, 36);
        InspectionEvent copy = original.withLatency(other);
        assertThat(copy.latency()).isEqualTo(other);
        assertThat(copy).usingRecursiveComparison().ignoringFields("latency").isEqualTo(original);
    }

    @Test
    void withoutContextTheStatusSaysMissing() {
        InspectionEvent copy = original.withContext(null);
        assertThat(copy.context()).isNull();
        assertThat(copy.contextStatus()).isEqualTo(InspectionEvent.ContextStatus.MISSING);
        assertThat(copy).usingRecursiveComparison().isEqualTo(original);
    }
}
