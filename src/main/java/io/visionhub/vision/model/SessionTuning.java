package io.visionhub.vision.model;

/**
 * ONNX Runtime session settings for the edge.
 *
 * @param intraOpThreads threads inside one operator (0 = ORT default: physical cores)
 * @param interOpThreads threads across operators (0 = ORT default)
 * @param allowSpinning  let idle ORT workers spin (fast, but they fight the JVM on small boxes)
 * @param optimization   graph optimisation: {@code none}, {@code basic}, {@code extended}, {@code all}
 * @param warmupRuns     runs on a blank input after loading, before the first frame
 * @param cuda           use the CUDA provider when the GPU build of ORT is on the classpath
 * @param cudaDevice     CUDA device id
 */
public record SessionTuning(
        int intraOpThreads,
        int interOpThreads,
        boolean allowSpinning,
        String optimization,
        int warmupRuns,
        boolean cuda,
        int cudaDevice) {

    /**
     * 2 intra-op threads, no spinning: the fastest YOLOv8n setting on a busy 2-core box in 3 of 4 measurements (as
     * found and with another process burning a core; a tie in the fourth), and on a quiet one; spinning workers lost
     * whenever the box was busy (bench/README.md, "Side by side: ONNX Runtime Java vs Node").
     */
    public static SessionTuning defaults() {
        return new SessionTuning(2, 1, false, "all", 3, false, 0);
    }
}
