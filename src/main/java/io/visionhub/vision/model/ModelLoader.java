package io.visionhub.vision.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.visionhub.event.ModelRef;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a model from its folder (or card file): reads {@code model.yaml}, hashes the .onnx file (sha256),
 * opens an ONNX Runtime session with the tuning given and returns the {@link InspectionModel} for its kind.
 */
public class ModelLoader {

    private static final Pattern NAME_ENTRY = Pattern.compile("(\\d+)\\s*:\\s*(?:'([^']*)'|\"([^\"]*)\")");

    private static final Logger LOG = LoggerFactory.getLogger(ModelLoader.class);

    private final SessionTuning tuning;

    /** The input of a PatchCore model's graph that takes the memory bank (rows x dims). */
    public static final String PATCHCORE_BANK_INPUT = "memory_bank";

    public ModelLoader(SessionTuning tuning) {
        this.tuning = tuning;
    }

    public ModelLoader() {
        this(SessionTuning.defaults());
    }

    /** @param location a model folder holding model.yaml, or the card file itself */
    public InspectionModel load(Path location) {
        Path card = Files.isDirectory(location) ? location.resolve(ModelCard.CARD_FILE) : location;
        ModelCard c = ModelCard.read(card);
        Path onnx = card.toAbsolutePath().getParent().resolve(c.fileOrDefault());
        if (!Files.isRegularFile(onnx)) {
            throw new ModelException(
                    "model " + c.name() + ": ONNX file " + onnx + " named by card " + card + " does not exist");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(onnx);
        } catch (IOException e) {
            throw new ModelException("model " + c.name() + ": cannot read " + onnx + ": " + e.getMessage(), e);
        }
        ModelRef ref = new ModelRef(c.name(), c.version(), sha256(bytes), c.kind());
        long t0 = System.nanoTime();
        OrtSession session = OnnxSessionFactory.open(onnx, tuning, c.name());
        try {
            if ((ModelCard.DETECT.equals(c.kind()) || ModelCard.CLASSIFY.equals(c.kind())) && c.classes() == null) {
                c = c.withClasses(classNamesFromMetadata(session, c.name(), onnx));
            }
            ModelCard loadedCard = c;
            InspectionModel model = switch (loadedCard.kind()) {
                case ModelCard.ANOMALY ->
                    loadedCard.anomaly().patchCore()
                            ? patchCore(loadedCard, ref, session, card)
                            : new AnomalyModel(loadedCard, ref, session, tuning);
                case ModelCard.DETECT -> new DetectModel(loadedCard, ref, session, tuning);
                case ModelCard.CLASSIFY -> new ClassifyModel(loadedCard, ref, session, tuning);
                default -> throw new ModelException("model " + c.name() + ": kind " + c.kind() + " is not supported");
            };
            LOG.info(
                    "Loaded model {} {} ({}, sha256 {}) from {} in {} ms",
                    c.name(),
                    c.version(),
                    c.kind(),
                    ref.sha256().substring(0, 12),
                    onnx,
                    (System.nanoTime() - t0) / 1_000_000);
            return model;
        } catch (RuntimeException e) {
            try {
                session.close();
            } catch (Exception ignored) {
                // already failing
            }
            throw e instanceof ModelException
                    ? e
                    : new ModelException("model " + c.name() + " from " + onnx + " cannot run: " + e.getMessage(), e);
        }
    }

    /** A PatchCore model: its memory bank (checked against the card's sha256) is fed with every frame. */
    private AnomalyModel patchCore(ModelCard c, ModelRef ref, OrtSession session, Path card) {
        Path bankFile = card.toAbsolutePath().getParent().resolve(c.patchcore().memoryBank());
        MemoryBank bank = MemoryBank.read(bankFile, c.patchcore().memoryBankSha256(), c.name());
        OnnxTensor tensor;
        try {
            tensor = OnnxTensor.createTensor(
                    OrtEnvironment.getEnvironment(),
                    FloatBuffer.wrap(bank.features()),
                    new long[] {bank.rows(), bank.dims()});
        } catch (OrtException e) {
            throw new ModelException(
                    "model " + c.name() + ": cannot hold memory bank " + bankFile + ": " + e.getMessage(), e);
        }
        try {
            return new AnomalyModel(c, ref, session, tuning, Map.of(PATCHCORE_BANK_INPUT, tensor));
        } catch (RuntimeException e) {
            tensor.close();
            throw e;
        }
    }

    /**
     * Class names from the ONNX metadata an Ultralytics export writes ({@code names: {0: 'person', 1: 'bicycle'}}),
     * so a standard export needs no class list in its card.
     */
    static List<String> classNamesFromMetadata(OrtSession session, String model, Path onnx) {
        String names;
        try {
            names = session.getMetadata().getCustomMetadata().get("names");
        } catch (ai.onnxruntime.OrtException e) {
            names = null;
        }
        if (names == null || names.isBlank()) {
            throw new ModelException("model " + model + ": the card has no 'classes' and " + onnx
                    + " carries no 'names' metadata; list the class names by output index in the card");
        }
        TreeMap<Integer, String> byIndex = new TreeMap<>();
        Matcher m = NAME_ENTRY.matcher(names);
        while (m.find()) {
            byIndex.put(Integer.parseInt(m.group(1)), m.group(2) != null ? m.group(2) : m.group(3));
        }
        if (byIndex.isEmpty() || byIndex.lastKey() != byIndex.size() - 1) {
            throw new ModelException("model " + model + ": cannot read class names from the metadata of " + onnx + " ("
                    + names + "); list them in the card");
        }
        return List.copyOf(byIndex.values());
    }

    /** SHA-256 of the model file in lower-case hex: the model's identity in every event. */
    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }
}
