package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.visionhub.event.InspectionEvent;
import io.visionhub.event.PartTrigger;
import io.visionhub.outputs.mqtt.TestEvents;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.junit.jupiter.api.Test;

/**
 * What the hub cannot see for itself, made visible: a trigger pulse its PLC's server never sampled, and a result write
 * whose answer was lost after the PLC applied it. Each part still gets exactly one outcome on record, and that record
 * says what really happened.
 */
class PlcUncertainHandshakeTest extends PlcHandshakeTestSupport {

    final List<PartTrigger> triggers = new CopyOnWriteArrayList<>();

    PlcHandshake start(String endpointUrl, String station, PlcProperties.StationNodes nodes, long budgetMs)
            throws Exception {
        return start(props(endpointUrl, station, nodes, budgetMs), triggers::add);
    }

    @Test
    void aPartIdWhosePulseTheHubNeverSawIsCountedAsAMissedTriggerWhenTheNextEdgeComes() throws Exception {
        try (PlcSimulator plc = new PlcSimulator(List.of("st1"))) {
            start(plc.endpointUrl(), "st1", PlcHandshakeTest.mapping(plc, "st1", "ResultCode"), 5000);
            // part A: the PLC shows its id, but its trigger pulse falls between two samples of the PLC's server
            // (here: never raised at all, which is what the hub sees of such a pulse)
            plc.set("st1", "PartId", new Variant("A"));
            await().atMost(10, TimeUnit.SECONDS).until(() -> "A".equals(handshake.partIdSeen("st1")));
            plc.set("st1", "PartId", new Variant("B"));
            await().atMost(10, TimeUnit.SECONDS).until(() -> "B".equals(handshake.partIdSeen("st1")));
            plc.set("st1", "Trigger", new Variant(true));
            await().atMost(10, TimeUnit.SECONDS).until(() -> !triggers.isEmpty());

            assertThat(triggers).extracting(PartTrigger::partId).containsExactly("B");
            assertThat(counter("visionhub.plc.triggers", "st1")).isEqualTo(1);
            assertThat(counter("visionhub.plc.triggers.missed", "st1")).isEqualTo(1);
            assertThat(failSafes)
                    .extracting(PlcFailSafe::partId, PlcFailSafe::reason)
                    .containsExactly(tuple("A", PlcFailSafe.Reason.TRIGGER_NOT_SERVED));
            plc.set("st1", "Trigger", new Variant(false));
        }
    }

    @Test
    void aResultWriteWhoseAnswerIsLostIsRecordedAsInDoubtNotAsNeverWritten() throws Exception {
        try (PlcSimulator plc = new PlcSimulator(List.of("st2"));
                TcpProxy proxy = new TcpProxy(PlcHandshakeReliabilityTest.port(plc.endpointUrl()))) {
            // the PLC applies the write, then the cable is pulled before its answer leaves: what SIM-000020 met
            plc.onResult(r -> {
                if ("DOUBT-1".equals(r.partId())) {
                    proxy.cut();
                }
            });
            PlcProperties.StationNodes nodes = PlcHandshakeTest.mapping(plc, "st2", "ResultCode")
                    .withTrigger("")
                    .withAck("");
            start(proxy.via(plc.endpointUrl()), "st2", nodes, 2000);

            InspectionEvent event = TestEvents.event("st2", "DOUBT-1", InspectionEvent.Verdict.OK);
            assertThat(handshake.writeResult(event)).isEqualTo(PlcHandshake.Outcome.MISSED);

            // the PLC did get the result ...
            assertThat(plc.value("st2", "ResultPartId")).isEqualTo("DOUBT-1");
            assertThat(plc.value("st2", "ResultCode")).isEqualTo((short) 1);
            // ... so the part's one record says the write is in doubt, not that nothing was written
            assertThat(failSafes)
                    .extracting(PlcFailSafe::partId, PlcFailSafe::inspectionId, PlcFailSafe::reason)
                    .containsExactly(tuple("DOUBT-1", event.id(), PlcFailSafe.Reason.WRITE_IN_DOUBT));
            assertThat(handshake.isDown()).isTrue();
            // while known down nothing is sent at all: a plain PLC_DOWN, no doubt
            InspectionEvent next = TestEvents.event("st2", "DOWN-2", InspectionEvent.Verdict.OK);
            assertThat(handshake.writeResult(next)).isEqualTo(PlcHandshake.Outcome.MISSED);
            assertThat(failSafes)
                    .extracting(PlcFailSafe::partId, PlcFailSafe::reason)
                    .containsExactly(
                            tuple("DOUBT-1", PlcFailSafe.Reason.WRITE_IN_DOUBT),
                            tuple("DOWN-2", PlcFailSafe.Reason.PLC_DOWN));
            assertThat(counter("visionhub.plc.failsafe", "st2")).isEqualTo(2);
        }
    }
}
