package io.visionhub.outputs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.mqtt.TestEvents;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The outputs of one inspection share one JSON writing, byte for byte what EventJson writes. */
class EventJsonMemoTest {

    @Test
    void bytesAndTextAreExactlyWhatEventJsonWrites() {
        InspectionEvent e = TestEvents.event("Prüfplatz-東京", "PART-\u00e9-\u00fc", InspectionEvent.Verdict.NG);
        assertThat(EventJsonMemo.bytes(e)).isEqualTo(EventJson.toBytes(e));
        assertThat(EventJsonMemo.text(e)).isEqualTo(EventJson.toJson(e));
    }

    @Test
    void theSameEventIsWrittenOnceAndAnotherEventAnew() {
        InspectionEvent e = TestEvents.event("station-1", "P-1", InspectionEvent.Verdict.OK);
        String text = EventJsonMemo.text(e);
        byte[] bytes = EventJsonMemo.bytes(e);
        assertThat(EventJsonMemo.bytes(e)).isSameAs(bytes);
        assertThat(EventJsonMemo.text(e)).isSameAs(text);

        // equal content in another object is not taken for the same event: it is written anew
        InspectionEvent copy = e.withPartId(e.partId());
        assertThat(copy).isEqualTo(e).isNotSameAs(e);
        assertThat(EventJsonMemo.bytes(copy)).isNotSameAs(bytes).isEqualTo(bytes);

        InspectionEvent next = TestEvents.event("station-1", "P-2", InspectionEvent.Verdict.OK);
        assertThat(new String(EventJsonMemo.bytes(next), java.nio.charset.StandardCharsets.UTF_8))
                .contains("\"P-2\"")
                .contains(next.id())
                .isEqualTo(EventJson.toJson(next));
        // back to the first: written again, same bytes
        assertThat(EventJsonMemo.bytes(e)).isNotSameAs(bytes).isEqualTo(bytes);
    }

    @Test
    void anotherThreadWritesItsOwn() throws Exception {
        InspectionEvent e = TestEvents.event("station-1", "P-1", InspectionEvent.Verdict.OK);
        byte[] here = EventJsonMemo.bytes(e);
        byte[] there =
                CompletableFuture.supplyAsync(() -> EventJsonMemo.bytes(e)).get();
        assertThat(there).isNotSameAs(here).isEqualTo(here);
    }

    @Test
    void escapesOfTheUtf8WriterDoNotReachTheText() {
        // outside the BMP, a lone surrogate, a quote and a control character: escaped differently or alike
        for (String part : new String[] {"PART-\ud83d\ude00", "PART-\ud800", "PART-\"7\"", "PART-\t"}) {
            InspectionEvent e = TestEvents.event("station-1", part, InspectionEvent.Verdict.OK);
            assertThat(EventJsonMemo.text(e)).as(part).isEqualTo(EventJson.toJson(e));
            byte[] expected;
            try {
                expected = EventJson.toBytes(e);
            } catch (UncheckedIOException refused) {
                assertThatThrownBy(() -> EventJsonMemo.bytes(e)).isInstanceOf(UncheckedIOException.class);
                continue;
            }
            assertThat(EventJsonMemo.bytes(e)).as(part).isEqualTo(expected);
        }
    }
}
