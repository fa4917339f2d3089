package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visionhub.event.InspectionEvent;
import io.visionhub.event.PartTrigger;
import io.visionhub.outputs.mqtt.TestEvents;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The handshake over Siemens S7 (PLC4X's S7 driver) against Snap7's S7 server started here ({@link S7PlcSimulator},
 * node-snap7): the shared scenarios of {@link AbstractPlcHandshakeTest} (same semantics as over OPC UA and Modbus),
 * 100 parts in a row; here also STRING and WSTRING part ids, bad text from the PLC, and a bad address map refused at
 * start. The scenarios that need the server are skipped, with the reason, where node or node-snap7 is missing
 * (.ci/run builds it).
 */
class S7PlcHandshakeTest extends AbstractPlcHandshakeTest {

    static void assumeServer() {
        String why = S7PlcSimulator.available();
        Assumptions.assumeTrue(why == null, why);
    }

    @Override
    SimulatedPlc open(List<String> stations) throws Exception {
        assumeServer();
        return new S7PlcSimulator(stations);
    }

    @Override
    String station(int n) {
        return "s" + n;
    }

    @Override
    List<String> partIdsThatDoNotFit() {
        // the PLC's part id is a DWORD: "A-0042" cannot go there
        return List.of("A-0042");
    }

    @Test
    void aStringPartIdIsTakenWithItsTriggerAndTheResultIsWrittenUnderIt() throws Exception {
        assumeServer();
        try (S7PlcSimulator plc = new S7PlcSimulator(List.of("s5"))) {
            start(plc.endpointUrl(), "s5", plc.textMapping("s5"), 2000);
            plc.triggerText("s5", "A-0042/7");
            PartTrigger t = triggers.poll(20, TimeUnit.SECONDS);
            assertThat(t).isNotNull();
            assertThat(t.partId()).isEqualTo("A-0042/7");
            assertThat(handshake.writeResult(TestEvents.event("s5", t.partId(), InspectionEvent.Verdict.NG)))
                    .isEqualTo(PlcHandshake.Outcome.CONFIRMED);
            plc.sync();
            assertThat(plc.text("s5", S7PlcSimulator.RESULT_PART_ID_TEXT)).isEqualTo("A-0042/7");
            assertThat(plc.textDeclared("s5", S7PlcSimulator.RESULT_PART_ID_TEXT))
                    .as("the declared length stays as the PLC declared it")
                    .isEqualTo(S7PlcSimulator.TEXT_LENGTH);
            assertThat(plc.resultCode("s5")).isEqualTo((short) 2);

            plc.setBit("s5", S7PlcSimulator.TRIGGER, false);
            await().atMost(5, TimeUnit.SECONDS).until(() -> !plc.bit("s5", S7PlcSimulator.TRIGGER_ACK));
            // a shorter id after a longer one: nothing of the older id is left behind it
            plc.triggerText("s5", "B1");
            t = triggers.poll(20, TimeUnit.SECONDS);
            assertThat(t).isNotNull();
            assertThat(t.partId()).isEqualTo("B1");
            assertThat(handshake.writeResult(TestEvents.event("s5", "B1", InspectionEvent.Verdict.OK)))
                    .isEqualTo(PlcHandshake.Outcome.CONFIRMED);
            plc.sync();
            assertThat(plc.text("s5", S7PlcSimulator.RESULT_PART_ID_TEXT)).isEqualTo("B1");
            assertThat(failSafes).isEmpty();
        }
    }

    @Test
    void aWstringPartIdKeepsCharactersBeyondAscii() throws Exception {
        assumeServer();
        try (S7PlcSimulator plc = new S7PlcSimulator(List.of("s6"))) {
            start(plc.endpointUrl(), "s6", plc.wideMapping("s6"), 2000);
            plc.triggerWide("s6", "Teil-Ä7");
            PartTrigger t = triggers.poll(20, TimeUnit.SECONDS);
            assertThat(t).isNotNull();
            assertThat(t.partId()).isEqualTo("Teil-Ä7");
            assertThat(handshake.writeResult(TestEvents.event("s6", t.partId(), InspectionEvent.Verdict.OK)))
                    .isEqualTo(PlcHandshake.Outcome.CONFIRMED);
            plc.sync();
            assertThat(plc.wide("s6", S7PlcSimulator.RESULT_PART_ID_WIDE)).isEqualTo("Teil-Ä7");
        }
    }

    @Test
    void badTextFromThePlcIsRecordedAsAnUnservedTriggerAndTheNextPartIsServed() throws Exception {
        assumeServer();
        try (S7PlcSimulator plc = new S7PlcSimulator(List.of("s7"))) {
            start(plc.endpointUrl(), "s7", plc.textMapping("s7"), 2000);
            await().atMost(20, TimeUnit.SECONDS).until(() -> !handshake.isDown());
            // a STRING(16) saying it holds 40 characters: corrupt
            plc.setText("s7", S7PlcSimulator.PART_ID_TEXT, 16, 40, "X-1".getBytes(StandardCharsets.US_ASCII));
            plc.setBit("s7", S7PlcSimulator.TRIGGER, true);
            await().atMost(10, TimeUnit.SECONDS).until(() -> failSafes.size() == 1);
            plc.setBit("s7", S7PlcSimulator.TRIGGER, false);
            await().atMost(5, TimeUnit.SECONDS).until(() -> !plc.bit("s7", S7PlcSimulator.TRIGGER_ACK));
            // a byte that is no ASCII character (ü in ISO-8859-1)
            plc.setText("s7", S7PlcSimulator.PART_ID_TEXT, 16, 5, new byte[] {'P', 'r', (byte) 0xFC, 'f', '1'});
            plc.setBit("s7", S7PlcSimulator.TRIGGER, true);
            await().atMost(10, TimeUnit.SECONDS).until(() -> failSafes.size() == 2);
            plc.setBit("s7", S7PlcSimulator.TRIGGER, false);
            await().atMost(5, TimeUnit.SECONDS).until(() -> !plc.bit("s7", S7PlcSimulator.TRIGGER_ACK));
            assertThat(failSafes)
                    .allMatch(f -> f.reason() == PlcFailSafe.Reason.TRIGGER_NOT_SERVED
                            && f.partId().isEmpty());
            assertThat(counter("visionhub.plc.triggers.missed", "s7")).isEqualTo(2);
            assertThat(triggers).as("no inspection under a garbled id").isEmpty();
            assertThat(handshake.isDown()).as("bad data is no outage").isFalse();

            plc.triggerText("s7", "OK-1");
            PartTrigger t = triggers.poll(20, TimeUnit.SECONDS);
            assertThat(t).isNotNull();
            assertThat(t.partId()).isEqualTo("OK-1");
        }
    }

    @Test
    void aPartIdThatDoesNotFitTheStringIsRefusedAndTheFailSafeRejectsThePart() throws Exception {
        assumeServer();
        try (S7PlcSimulator plc = new S7PlcSimulator(List.of("s8"))) {
            start(plc.endpointUrl(), "s8", plc.textMapping("s8"), 300);
            await().atMost(20, TimeUnit.SECONDS)
                    .until(() -> handshake.writeResult(TestEvents.event("s8", "OK-0", InspectionEvent.Verdict.OK))
                            == PlcHandshake.Outcome.CONFIRMED);
            plc.sync();
            String tooLong = "P-0123456789ABCDEF"; // 18 characters in a STRING(16)
            assertThat(handshake.writeResult(TestEvents.event("s8", tooLong, InspectionEvent.Verdict.OK)))
                    .isNotEqualTo(PlcHandshake.Outcome.CONFIRMED);
            assertThat(handshake.writeResult(TestEvents.event("s8", "Prüf-1", InspectionEvent.Verdict.OK)))
                    .isNotEqualTo(PlcHandshake.Outcome.CONFIRMED);
            await().atMost(5, TimeUnit.SECONDS).until(() -> failSafes.size() == 2);
            assertThat(failSafes).extracting(PlcFailSafe::partId).containsExactly(tooLong, "Prüf-1");
            assertThat(plc.text("s8", S7PlcSimulator.RESULT_PART_ID_TEXT))
                    .as("nothing written under another part's id, nothing cut short")
                    .isEqualTo("OK-0");
            assertThat(handshake.isDown()).isFalse();
        }
    }

    @Test
    void badAddressMapIsRefusedAtStartNamingTheKey() {
        PlcProperties props = PlcProperties.defaults().withEndpointUrl("s7://127.0.0.1:1");
        PlcProperties.StationNodes n = PlcProperties.StationNodes.defaults()
                .withProtocol("s7")
                .withTrigger("%DB1:0:INT")
                .withPartId("%DB1:2:DINT")
                .withReject("%DB1:0.2:BOOL");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.trigger")
                .hasMessageContaining("is a bit");
        n = n.withTrigger("%DB1:0.0:BOOL").withReject("%I0.2:BOOL");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.reject")
                .hasMessageContaining("inputs area");
        n = n.withReject("%DB1:0.2:BOOL").withPartId("DB-of-doom:7");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.part-id")
                .hasMessageContaining("not an S7 address");
        n = n.withPartId("%DB1:2:REAL");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.part-id")
                .hasMessageContaining("is a number");
        n = n.withPartId("%M20:STRING");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.part-id")
                .hasMessageContaining("must be in a data block");
        n = n.withPartId("%DB1:20:STRING(250)");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.part-id")
                .hasMessageContaining("1 to 198 characters");
        n = n.withPartId("%DB1:20:WSTRING(8)").withResultPartId("%DB1:40:WSTRING(120)");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.result-part-id")
                .hasMessageContaining("1 to 98 characters");
        n = n.withResultPartId("").withPartId("%DB1:2:DINT").withResultCode("%DB1:10:STRING(4)");
        assertThat(refusal(props.withStation("bad", n)))
                .hasMessageContaining("visionhub.plc.stations.bad.result-code")
                .hasMessageContaining("is a number");
        n = n.withResultCode("%DB1:10:INT").withPartId("");
        assertThat(refusal(props.withStation("bad", n))).hasMessageContaining("part-id");
        n = n.withPartId("%DB1:2:DINT");
        props = props.withEndpointUrl("modbus-tcp://127.0.0.1:502");
        assertThat(refusal(props.withStation("bad", n))).hasMessageContaining("s7://");
    }
}
