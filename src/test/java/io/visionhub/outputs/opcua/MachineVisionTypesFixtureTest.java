package io.visionhub.outputs.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The node ids the hub mirrors are those of the OPC 40100-1 NodeSet (fixture from ../shared, when present). */
class MachineVisionTypesFixtureTest {

    static final Path CSV = Path.of("../shared/fixtures/opcua/Opc.Ua.MachineVision.NodeIds.csv");

    @Test
    void mirroredTypeIdsMatchTheMachineVisionNodeSet() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(CSV), "fixture " + CSV + " absent (a fresh clone has no ../shared)");
        Map<String, Long> ids = Files.readAllLines(CSV).stream()
                .map(l -> l.split(","))
                .filter(f -> f.length == 3)
                .collect(Collectors.toMap(f -> f[0], f -> Long.parseLong(f[1].strip()), (a, b) -> a));
        assertThat(ids)
                .containsEntry("VisionSystemType", MachineVisionTypes.VISION_SYSTEM_TYPE)
                .containsEntry("VisionEventType", MachineVisionTypes.VISION_EVENT_TYPE)
                .containsEntry("ResultReadyEventType", MachineVisionTypes.RESULT_READY_EVENT_TYPE);
    }
}
