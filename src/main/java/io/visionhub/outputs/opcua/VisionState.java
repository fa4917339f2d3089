package io.visionhub.outputs.opcua;

/**
 * The states of OPC 40100-1's VisionStateMachineType with their node ids and state numbers from the NodeSet, and
 * how the hub derives a station's state from what it knows of the station (see {@link #of}).
 */
public enum VisionState {
    PREOPERATIONAL("Preoperational", MachineVisionTypes.STATE_PREOPERATIONAL, 1),
    HALTED("Halted", MachineVisionTypes.STATE_HALTED, 2),
    ERROR("Error", MachineVisionTypes.STATE_ERROR, 3),
    OPERATIONAL("Operational", MachineVisionTypes.STATE_OPERATIONAL, 4);

    private final String browseName;
    private final long nodeNumber;
    private final long stateNumber;

    VisionState(String browseName, long nodeNumber, long stateNumber) {
        this.browseName = browseName;
        this.nodeNumber = nodeNumber;
        this.stateNumber = stateNumber;
    }

    public String browseName() {
        return browseName;
    }

    public long nodeNumber() {
        return nodeNumber;
    }

    public long stateNumber() {
        return stateNumber;
    }

    /**
     * The state of a station from its camera route: stopped route = Halted (an operator stopped it); camera not
     * connected after it was = Error; never connected yet = Preoperational; connected and inspecting = Operational.
     */
    public static VisionState of(boolean routeStarted, boolean cameraConnected, boolean everConnected) {
        if (!routeStarted) {
            return HALTED;
        }
        if (cameraConnected) {
            return OPERATIONAL;
        }
        return everConnected ? ERROR : PREOPERATIONAL;
    }

    /** The VisionStateMachineType transitions the hub takes, with their node ids from the NodeSet. */
    public enum Transition {
        PreoperationalToOperational(PREOPERATIONAL, OPERATIONAL, 5253),
        PreoperationalToHalted(PREOPERATIONAL, HALTED, 5032),
        PreoperationalToErrorAuto(PREOPERATIONAL, ERROR, 5034),
        OperationalToPreoperational(OPERATIONAL, PREOPERATIONAL, 5047),
        OperationalToHalted(OPERATIONAL, HALTED, 5049),
        OperationalToErrorAuto(OPERATIONAL, ERROR, 5051),
        HaltedToPreoperational(HALTED, PREOPERATIONAL, 5037),
        ErrorToPreoperational(ERROR, PREOPERATIONAL, 5039),
        ErrorToHalted(ERROR, HALTED, 5041),
        ErrorToOperationalAuto(ERROR, OPERATIONAL, 5255);

        private final VisionState from;
        private final VisionState to;
        private final long nodeNumber;

        Transition(VisionState from, VisionState to, long nodeNumber) {
            this.from = from;
            this.to = to;
            this.nodeNumber = nodeNumber;
        }

        public VisionState from() {
            return from;
        }

        public VisionState to() {
            return to;
        }

        public long nodeNumber() {
            return nodeNumber;
        }

        /**
         * The transition from one state to another, or null when the specification has none: Halted and the
         * operational states are only left through Preoperational (Reset), so the hub passes through it.
         */
        public static Transition between(VisionState from, VisionState to) {
            for (Transition t : values()) {
                if (t.from == from && t.to == to) {
                    return t;
                }
            }
            return null;
        }
    }
}
