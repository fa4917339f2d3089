package io.visionhub.vision.model;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.visionhub.priority.InferenceThreads;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens ONNX Runtime sessions with the tuning given: threads, spinning, optimisation level, CUDA when asked. */
public final class OnnxSessionFactory {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxSessionFactory.class);

    private OnnxSessionFactory() {}

    /**
     * Opens the session on a normal-priority thread ({@link InferenceThreads}): ONNX Runtime's intra-op threads,
     * started with the session, inherit that thread's priority.
     */
    public static OrtSession open(Path onnx, SessionTuning tuning, String modelName) {
        return InferenceThreads.startUnchecked(() -> openHere(onnx, tuning, modelName));
    }

    private static OrtSession openHere(Path onnx, SessionTuning tuning, String modelName) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            if (tuning.intraOpThreads() > 0) {
                opts.setIntraOpNumThreads(tuning.intraOpThreads());
            }
            if (tuning.interOpThreads() > 0) {
                opts.setInterOpNumThreads(tuning.interOpThreads());
            }
            opts.addConfigEntry("session.intra_op.allow_spinning", tuning.allowSpinning() ? "1" : "0");
            opts.addConfigEntry("session.inter_op.allow_spinning", tuning.allowSpinning() ? "1" : "0");
            opts.setOptimizationLevel(
                    switch (tuning.optimization() == null
                            ? "all"
                            : tuning.optimization().toLowerCase()) {
                        case "none" -> OrtSession.SessionOptions.OptLevel.NO_OPT;
                        case "basic" -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
                        case "extended" -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
                        default -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
                    });
            if (tuning.cuda()) {
                try {
                    opts.addCUDA(tuning.cudaDevice());
                    LOG.info("Model {}: CUDA provider on device {}", modelName, tuning.cudaDevice());
                } catch (OrtException | RuntimeException e) {
                    LOG.warn(
                            "Model {}: CUDA provider asked for but not available ({}); running on CPU. "
                                    + "Use the onnxruntime_gpu artifact and a CUDA driver to run on the GPU",
                            modelName,
                            e.getMessage());
                }
            }
            return env.createSession(onnx.toString(), opts);
        } catch (OrtException e) {
            throw new ModelException(
                    "model " + modelName + ": ONNX Runtime cannot load " + onnx.toAbsolutePath() + " (" + e.getMessage()
                            + "); check that the file is a complete ONNX model",
                    e);
        }
    }
}
