package io.visionhub.enterprise.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visionhub.enterprise.DeliveryInput;
import io.visionhub.enterprise.TestEvents;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.ProductionContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappingEngineTest {

    @TempDir
    Path dir;

    private final InspectionEvent event = TestEvents.ng("station-1", "crack");

    private Map<String, Object> input() {
        return DeliveryInput.of(event, "t", "QUALITY_NOTIFICATION", event.id(), 1, "HIGH", "site", "c");
    }

    private void write(String customer, String name, String text) throws Exception {
        Files.createDirectories(dir.resolve(customer));
        Files.writeString(dir.resolve(customer).resolve(name + ".jsonata"), text);
    }

    @Test
    void bothCustomersMapTheSameEventDifferentlyWithoutJava() {
        MappingEngine engine = new MappingEngine(Path.of("mappings"), EventJson.mapper());
        ObjectNode demo = engine.map("demo-customer", "sap-qm", input());
        ObjectNode acme = engine.map("acme-pharma", "sap-qm", input());
        assertThat(demo.path("NotificationType").asText()).isEqualTo("Q3");
        assertThat(acme.path("NotificationType").asText()).isEqualTo("Q2");
        assertThat(acme.path("Plant").asText()).isEqualTo("2100");
        assertThat(demo.path("QltyNotifExternalReference").asText()).isEqualTo(event.id());
        assertThat(acme.path("_QualityNotificationItem")
                        .get(0)
                        .path("DefectCode")
                        .asText())
                .isEqualTo("RI01");
    }

    @Test
    void contextValuesThatDoNotFitSapAreLeftOutNotCut() {
        InspectionEvent e = TestEvents.ng("station-1", "dent");
        var ctx = new ProductionContext(
                "line-1",
                "PO-2026-11-25-000042",
                "P",
                null,
                null,
                "BATCH-LONGER-THAN-10",
                null,
                null,
                null,
                null,
                1,
                Instant.now());
        InspectionEvent withLongKeys = e.withContext(ctx);
        MappingEngine engine = new MappingEngine(Path.of("mappings"), EventJson.mapper());
        ObjectNode qn = engine.map(
                "demo-customer",
                "sap-qm",
                DeliveryInput.of(
                        withLongKeys, "sap-qm", "QUALITY_NOTIFICATION", e.id(), 1, "LOW", "s", "demo-customer"));
        assertThat(qn.has("ManufacturingOrder")).isFalse();
        assertThat(qn.has("Batch")).isFalse();
        assertThat(qn.path("Material").asText()).isEqualTo("P");
    }

    @Test
    void everyShippedTemplateCompiles() {
        MappingEngine engine = new MappingEngine(Path.of("mappings"), EventJson.mapper());
        assertThat(engine.check("demo-customer")).isEmpty();
        assertThat(engine.check("acme-pharma")).isEmpty();
    }

    @Test
    void syntaxErrorNamesFileLineAndColumn() throws Exception {
        write("c", "bad", "{\n  \"a\": event.station &\n}");
        MappingEngine engine = new MappingEngine(dir, EventJson.mapper());
        assertThatThrownBy(() -> engine.map("c", "bad", input()))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining(dir.resolve("c/bad.jsonata").toString())
                .hasMessageContaining("line 3");
        assertThat(engine.check("c")).containsKey(dir.resolve("c/bad.jsonata").toString());
    }

    @Test
    void resultThatIsNotAnObjectIsRefused() throws Exception {
        write("c", "text", "event.station");
        write("c", "nothing", "event.noSuchField");
        MappingEngine engine = new MappingEngine(dir, EventJson.mapper());
        assertThatThrownBy(() -> engine.map("c", "text", input())).hasMessageContaining("must produce a JSON object");
        assertThatThrownBy(() -> engine.map("c", "nothing", input())).hasMessageContaining("produced nothing");
    }

    @Test
    void evaluationErrorIsReported() throws Exception {
        write("c", "eval", "{\"n\": $number(\"not a number\")}");
        MappingEngine engine = new MappingEngine(dir, EventJson.mapper());
        assertThatThrownBy(() -> engine.map("c", "eval", input()))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("eval.jsonata");
    }

    @Test
    void missingFileAndUnsafeNamesAreRefused() {
        MappingEngine engine = new MappingEngine(dir, EventJson.mapper());
        assertThatThrownBy(() -> engine.map("c", "absent", input())).hasMessageContaining("file not found");
        assertThatThrownBy(() -> engine.map("../etc", "passwd", input()))
                .hasMessageContaining("not a plain folder name");
        assertThatThrownBy(() -> engine.map("c", "../../x", input())).hasMessageContaining("not a plain file name");
    }

    @Test
    void changedTemplateAppliesWithoutRestart() throws Exception {
        write("c", "m", "{\"v\": 1}");
        MappingEngine engine = new MappingEngine(dir, EventJson.mapper());
        assertThat(engine.map("c", "m", input()).path("v").asInt()).isEqualTo(1);
        Path f = dir.resolve("c/m.jsonata");
        Files.writeString(f, "{\"v\": 22}");
        Files.setLastModifiedTime(f, FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(engine.map("c", "m", input()).path("v").asInt()).isEqualTo(22);
    }

    @Test
    void aTemplatesVariablesDoNotOutliveItsEvaluation() throws Exception {
        // dashjoin 0.9.9 started each evaluation inside the innermost frame of the one before: $before was bound
        write("c", "block", "( $seen := $exists($before); $before := event.station; {\"seen\": $seen} )");
        MappingEngine engine = new MappingEngine(dir, EventJson.mapper());
        for (int i = 0; i < 3; i++) {
            assertThat(engine.map("c", "block", input()).path("seen").asBoolean())
                    .as("evaluation " + (i + 1))
                    .isFalse();
        }
    }

    @Test
    void anotherTemplatesVariablesAreNotVisible() throws Exception {
        write("c", "binds", "( $secret := event.station; {\"a\": $secret} )");
        write("c", "reads", "{\"b\": $secret, \"site\": site}");
        MappingEngine engine = new MappingEngine(dir, EventJson.mapper());
        // in this order dashjoin's state of the thread sat on "reads", and "binds" left its block frame there
        engine.map("c", "binds", input());
        engine.map("c", "reads", input());
        assertThat(engine.map("c", "binds", input()).path("a").asText()).isEqualTo("station-1");
        ObjectNode reads = engine.map("c", "reads", input());
        assertThat(reads.path("site").asText()).isEqualTo("site");
        assertThat(reads.has("b"))
                .as("variable of another template in " + reads)
                .isFalse();
    }

    @Test
    void millisIsTheTimeOfTheEvaluation() throws Exception {
        write("c", "clock", "{\"t\": $millis()}");
        write("c", "other", "{\"v\": 1}");
        MappingEngine engine = new MappingEngine(dir, EventJson.mapper());
        engine.map("c", "clock", input());
        engine.map("c", "other", input()); // compiled last: dashjoin read the time from it
        Thread.sleep(5);
        long before = System.currentTimeMillis();
        assertThat(engine.map("c", "clock", input()).path("t").asLong()).isGreaterThanOrEqualTo(before);
    }

    @Test
    void reference20IsStableAndShort() {
        assertThat(DeliveryInput.reference20("abc")).isEqualTo("abc");
        String id = "0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a6b";
        assertThat(DeliveryInput.reference20(id))
                .hasSize(20)
                .startsWith("VH")
                .isEqualTo(DeliveryInput.reference20(id))
                .matches("VH[0-9A-HJKMNP-TV-Z]{18}");
        // ids of two hubs in the same millisecond, same counter: the old cut kept only 14 random bits of them
        String other = "0193a1b2-c3d4-7e5f-8a6b-1c2d3e4f5a6c";
        assertThat(DeliveryInput.legacyReference20(id)).isEqualTo(DeliveryInput.legacyReference20(other));
        assertThat(DeliveryInput.reference20(id)).isNotEqualTo(DeliveryInput.reference20(other));
        String window = "MAINT|station-1|dent|2026-11-25T02:00:00Z|3|600";
        assertThat(DeliveryInput.reference20(window))
                .hasSize(20)
                .startsWith("VH")
                .isEqualTo(DeliveryInput.reference20(window));
        assertThat(DeliveryInput.legacyReference20("123e4567-e89b-12d3-a456-426614174000"))
                .isEqualTo("123E4567E89B12D3A456");
    }

    @Test
    void randomReference20Has90RandomBitsIn20Characters() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String r = DeliveryInput.randomReference20();
            assertThat(r).hasSize(20).matches("VH[0-9A-HJKMNP-TV-Z]{18}");
            seen.add(r);
        }
        assertThat(seen).hasSize(10_000);
        // every base32 position varies (no fixed bits such as a timestamp or a version nibble)
        for (int pos = 2; pos < 20; pos++) {
            int p = pos;
            assertThat(seen.stream().map(s -> s.charAt(p)).distinct().count())
                    .as("position " + pos)
                    .isEqualTo(32);
        }
    }
}
