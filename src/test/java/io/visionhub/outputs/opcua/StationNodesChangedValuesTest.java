package io.visionhub.outputs.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.ModelRef;
import io.visionhub.event.ProductionContext;
import io.visionhub.outputs.mqtt.TestEvents;
import java.nio.file.Path;
import java.time.Instant;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.ULong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A station writes only the nodes whose value changed, and every node still shows the last result: a value that
 * changes and changes back is written both times, an unchanged one keeps the time of its last change, and each
 * result moves the ResultId, the counters and the LastResult structure.
 */
class StationNodesChangedValuesTest {

    @TempDir
    Path dir;

    HubOpcUaServer server;

    @BeforeEach
    void start() throws Exception {
        server = new HubOpcUaServer(
                OpcUaServerProperties.defaults()
                        .withListen("127.0.0.1", 0)
                        .withAllowSecurityNone(true)
                        .withAllowAnonymous(true)
                        .withPkiDir(dir.resolve("pki").toString()),
                "site-a");
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void everyNodeShowsTheLastResultWhenValuesChangeAndChangeBack() {
        StationNamespace ns = server.namespace();
        InspectionEvent a = TestEvents.event("station-1", "P-1", InspectionEvent.Verdict.OK);
        InspectionEvent b = withOrder(TestEvents.event("station-1", "P-2", InspectionEvent.Verdict.NG), "PO-2002");
        InspectionEvent c = TestEvents.event("station-1", "P-3", InspectionEvent.Verdict.OK);
        InspectionEvent d = withModel(TestEvents.event("station-1", null, InspectionEvent.Verdict.OK), "2.0");
        InspectionEvent[] events = {a, b, c, d};
        for (int i = 0; i < events.length; i++) {
            ns.publish(events[i]);
            assertShows(ns.station("station-1"), events[i], i + 1);
        }
        StationNamespace.StationNodes s = ns.station("station-1");
        assertThat(count(s.ok)).isEqualTo(3);
        assertThat(count(s.ng)).isEqualTo(1);
        assertThat(count(s.uncertain)).isZero();
    }

    @Test
    void anUnchangedNodeKeepsTheTimeOfItsLastChangeAndTheResultNodesMoveOnEachResult() throws Exception {
        StationNamespace ns = server.namespace();
        ns.publish(TestEvents.event("station-1", "P-1", InspectionEvent.Verdict.OK));
        StationNamespace.StationNodes s = ns.station("station-1");
        DataValue line = s.line.node.getValue();
        DataValue resultId = s.resultId.node.getValue();
        DataValue config =
                s.resultComponents.get("InternalConfigurationId").node.getValue();
        Thread.sleep(5); // DateTime has 100 ns ticks; the clock must move for the second write to differ
        InspectionEvent next = TestEvents.event("station-1", "P-2", InspectionEvent.Verdict.OK);
        ns.publish(next);
        // Milo stamps the server time on each read; the source time is the node's own
        assertThat(s.line.node.getValue().getSourceTime()).isEqualTo(line.getSourceTime());
        assertThat(s.line.node.getValue().getValue()).isEqualTo(line.getValue());
        assertThat(s.resultComponents
                        .get("InternalConfigurationId")
                        .node
                        .getValue()
                        .getSourceTime())
                .isEqualTo(config.getSourceTime());
        assertThat(s.resultId.node.getValue().getValue().getValue()).isEqualTo(next.id());
        assertThat(s.resultId.node.getValue().getSourceTime().getJavaInstant())
                .isAfter(resultId.getSourceTime().getJavaInstant());
        assertThat(count(s.inspected)).isEqualTo(2);
    }

    private static void assertShows(StationNamespace.StationNodes s, InspectionEvent e, long inspected) {
        ProductionContext ctx = e.context();
        assertThat(value(s.line)).isEqualTo(e.line());
        assertThat(value(s.productionOrder)).isEqualTo(ctx.productionOrder());
        assertThat(value(s.product)).isEqualTo(ctx.product());
        assertThat(value(s.batch)).isEqualTo(ctx.batch());
        assertThat(value(s.shift)).isEqualTo(ctx.shift());
        assertThat(value(s.contextStatus)).isEqualTo(e.contextStatus().name());
        assertThat(value(s.resultId)).isEqualTo(e.id());
        assertThat(value(s.partId)).isEqualTo(e.partId());
        assertThat(value(s.verdict)).isEqualTo(e.result().name());
        assertThat(value(s.resultState)).isEqualTo(1);
        assertThat(value(s.defectCount)).isEqualTo(e.defects().size());
        String[] defects = (String[]) value(s.defects);
        assertThat(defects).hasSize(e.defects().size());
        for (int i = 0; i < defects.length; i++) {
            assertThat(EventJson.mapper().convertValue(e.defects().get(i), java.util.Map.class))
                    .isEqualTo(readMap(defects[i]));
        }
        assertThat(value(s.recipeId))
                .isEqualTo(e.model().name() + ":" + e.model().version());
        assertThat(value(s.json)).isEqualTo(EventJson.toJson(e));
        assertThat(count(s.inspected)).isEqualTo(inspected);

        MachineVisionResult shown = ResultDataTypeCodec.decode(
                (ExtensionObject) s.resultData.getValue().getValue().getValue());
        MachineVisionResult expected = MachineVisionResult.of(e, EventJson.toJson(e), false);
        assertThat(shown.resultId()).isEqualTo(expected.resultId());
        assertThat(shown.partId()).isEqualTo(expected.partId());
        assertThat(shown.content()).isEqualTo(expected.content());
        for (String name : s.resultComponents.keySet()) {
            Object served =
                    s.resultComponents.get(name).node.getValue().getValue().getValue();
            Object fresh =
                    ResultDataTypeCodec.component(name, expected, s.types).getValue();
            assertThat(served).as(name).isEqualTo(fresh);
        }
    }

    private static Object value(ChangingValueNode n) {
        return n.node.getValue().getValue().getValue();
    }

    private static long count(ChangingValueNode n) {
        return ((ULong) value(n)).longValue();
    }

    @SuppressWarnings("unchecked")
    private static java.util.Map<String, Object> readMap(String json) {
        try {
            return EventJson.mapper().readValue(json, java.util.Map.class);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static InspectionEvent withOrder(InspectionEvent e, String order) {
        ProductionContext c = e.context();
        return e.withContext(new ProductionContext(
                c.line(),
                order,
                "WIDGET-B",
                c.specVersion(),
                c.limits(),
                "B-8",
                c.workCentre(),
                "B",
                c.operatorStation(),
                c.inspectionLot(),
                c.version() + 1,
                Instant.now()));
    }

    private static InspectionEvent withModel(InspectionEvent e, String version) {
        return new InspectionEvent(
                e.schemaVersion(),
                e.id(),
                e.station(),
                e.camera(),
                e.line(),
                e.captureTime(),
                e.inferenceTime(),
                new ModelRef("demo-anomaly", version, "cd".repeat(32), "anomaly"),
                e.result(),
                e.defects(),
                null,
                e.image(),
                e.context(),
                e.contextStatus(),
                e.partId(),
                e.latency());
    }
}
