package io.visionhub.vision.gige;

/**
 * Counters of a camera's stream since it was opened, as Aravis keeps them.
 *
 * @param completed      complete frames received
 * @param failed         frames given up (missing packets, timeouts, size mismatch)
 * @param underruns      frames lost because no free buffer was there (the hub read too slowly)
 * @param missingPackets GVSP packets that never came (GigE Vision only)
 * @param resentPackets  GVSP packets the camera sent again on request (GigE Vision only)
 */
public record StreamStatistics(long completed, long failed, long underruns, long missingPackets, long resentPackets) {
    public static final StreamStatistics NONE = new StreamStatistics(0, 0, 0, 0, 0);

    /** The sum of two streams' counters (a camera reopened after a loss keeps counting). */
    public StreamStatistics plus(StreamStatistics o) {
        return new StreamStatistics(
                completed + o.completed,
                failed + o.failed,
                underruns + o.underruns,
                missingPackets + o.missingPackets,
                resentPackets + o.resentPackets);
    }
}
