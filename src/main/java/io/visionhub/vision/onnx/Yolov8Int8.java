package io.visionhub.vision.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.visionhub.vision.ImageDecoder;
import io.visionhub.vision.model.ImagePreprocessor;
import io.visionhub.vision.model.ModelCard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Quantises an Ultralytics YOLOv8 detection export to INT8 QDQ with {@link QdqQuantizer}: calibrated on the given
 * images letterboxed as the hub feeds them, every Conv followed by its activation (SiLU); the head's last
 * convolutions (class logits, box-edge distributions) and the DFL's fixed 0..15 weighting stay in float, where 8-bit
 * steps would move scores and boxes directly. The export's metadata (class names, stride) is kept. The result is
 * an ordinary ONNX file: a model card naming it in {@code model:} runs it through the vision component unchanged.
 */
public final class Yolov8Int8 {

    private Yolov8Int8() {}

    /**
     * {@code Yolov8Int8 <float.onnx> <folder of calibration images> <int8.onnx> [size]}: quantises with a letterboxed
     * {@code size x size} input (default 640), as the model card of an Ultralytics export describes it.
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: Yolov8Int8 <float.onnx> <calibration image folder> <int8.onnx> [size]");
            System.exit(2);
        }
        int size = args.length > 3 ? Integer.parseInt(args[3]) : 640;
        List<Path> images;
        try (java.util.stream.Stream<Path> s = Files.list(Path.of(args[1]))) {
            images = s.filter(p -> p.toString().toLowerCase().matches(".*\\.(jpe?g|png|bmp)$"))
                    .sorted()
                    .toList();
        }
        ModelCard.Input input = new ModelCard.Input(null, size, size, 3, "RGB", true, 114, null, null, null);
        Files.write(Path.of(args[2]), quantise(Path.of(args[0]), images, input));
        System.out.println("wrote " + args[2] + " (calibrated on " + images.size() + " images)");
    }

    /**
     * @param fp32        the float export
     * @param calibration images (JPEG/PNG/BMP) like those the model will see; a few dozen
     * @param input       the card's input (size, letterbox, normalisation), as the hub will feed the model
     * @return the quantised model's bytes
     */
    public static byte[] quantise(Path fp32, List<Path> calibration, ModelCard.Input input) {
        if (calibration.isEmpty()) {
            throw new IllegalArgumentException("no calibration images: give a few dozen frames like the line's");
        }
        try {
            byte[] model = Files.readAllBytes(fp32);
            // the head's last convolutions (class logits, box-edge distributions) and the DFL stay in float: they
            // are the Convs not followed by an activation (SiLU = Sigmoid x), and 8-bit steps there move scores and
            // boxes directly; a logit range calibrated on frames without a confident object would also clip scores
            OnnxGraphReader g = OnnxGraphReader.read(model, fp32.toString());
            Set<String> activated = new HashSet<>();
            g.nodes().stream().filter(n -> n.opType().equals("Sigmoid")).forEach(n -> activated.addAll(n.inputs()));
            QdqQuantizer q = new QdqQuantizer(model, t -> !activated.contains(t));
            ImagePreprocessor pre = new ImagePreprocessor(input, true);
            List<float[]> frames = new ArrayList<>();
            for (Path p : calibration) {
                FloatBuffer fb = FloatBuffer.allocate(pre.size());
                pre.apply(ImageDecoder.decode(Files.readAllBytes(p), p.toString()), fb);
                frames.add(fb.array());
            }
            q.inputShape(pre.shape()).calibrate(frames, pre.shape());
            Map<String, String> metadata;
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
                    OrtSession s = OrtEnvironment.getEnvironment().createSession(model, o)) {
                metadata = s.getMetadata().getCustomMetadata();
            }
            return q.quantise(metadata);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OrtException e) {
            throw new IllegalStateException("cannot read " + fp32 + ": " + e.getMessage(), e);
        }
    }
}
