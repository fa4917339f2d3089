package io.visionhub.outputs.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A station's VisionStateMachine state from its cameras, and the transitions between states. */
class VisionStateSamplerTest {

    @Test
    void stateFollowsTheCameraRoute() {
        assertThat(VisionState.of(true, false, false)).isEqualTo(VisionState.PREOPERATIONAL);
        assertThat(VisionState.of(true, true, true)).isEqualTo(VisionState.OPERATIONAL);
        assertThat(VisionState.of(true, false, true)).isEqualTo(VisionState.ERROR);
        assertThat(VisionState.of(false, true, true)).isEqualTo(VisionState.HALTED);
    }

    @Test
    void aStationWithSeveralCamerasTakesTheWorst() {
        Map<String, VisionState> states = VisionStateSampler.stationStates(List.of(
                new VisionStateSampler.CameraSignal("st-1", true, true, true),
                new VisionStateSampler.CameraSignal("st-1", true, false, true),
                new VisionStateSampler.CameraSignal("st-2", true, true, true),
                new VisionStateSampler.CameraSignal("st-3", false, false, true),
                new VisionStateSampler.CameraSignal("st-3", true, true, true)));
        assertThat(states)
                .containsEntry("st-1", VisionState.ERROR)
                .containsEntry("st-2", VisionState.OPERATIONAL)
                .containsEntry("st-3", VisionState.HALTED);
    }

    @Test
    void everyStateCanReachEveryOtherThroughTheSpecificationsTransitions() {
        for (VisionState from : VisionState.values()) {
            for (VisionState to : VisionState.values()) {
                if (from == to) {
                    continue;
                }
                VisionState.Transition direct = VisionState.Transition.between(from, to);
                boolean viaPreoperational = VisionState.Transition.between(from, VisionState.PREOPERATIONAL) != null
                        && VisionState.Transition.between(VisionState.PREOPERATIONAL, to) != null;
                assertThat(direct != null || viaPreoperational)
                        .as(from + " -> " + to)
                        .isTrue();
            }
        }
    }
}
