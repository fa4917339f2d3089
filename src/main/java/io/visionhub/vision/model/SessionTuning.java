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

    public static SessionTuning defaults() {
        return new SessionTuning(1, 1, false, "all", 3, false, 0);
    }
}
