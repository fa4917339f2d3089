package io.visionhub.vision.teach;

import java.nio.file.Path;

/**
 * Teaches an anomaly model from a folder of good images, from the command line.
 * <pre>
 * TeachCommand --name widget-top --good data/teach/good [--version 2] [--models models]
 *              [--held-out-good DIR --held-out-defective DIR]
 * TeachCommand --name demo-anomaly --simulate [--good-images 20]
 * TeachCommand --name weave --good DIR --method patchcore --backbone backbones/yolov8n.onnx [--input-size 256]
 *              [--layers /model.2/cv2/act/Mul_output_0,/model.4/cv2/act/Mul_output_0]
 * </pre>
 * Writes {@code <models>/<name>/model.onnx} and {@code model.yaml} and prints the held-out figures.
 */
public final class TeachCommand {

    private TeachCommand() {}

    public static void main(String[] args) {
        String name = null;
        String version = "1";
        String good = null;
        String models = "models";
        String heldGood = null;
        String heldBad = null;
        boolean simulate = false;
        Integer goodImages = null;
        String method = null;
        String backbone = null;
        java.util.List<String> layers = null;
        Integer inputSize = null;
        java.util.List<Double> mean = null;
        java.util.List<Double> std = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--name" -> name = value(args, ++i, a);
                case "--version" -> version = value(args, ++i, a);
                case "--good" -> good = value(args, ++i, a);
                case "--models" -> models = value(args, ++i, a);
                case "--held-out-good" -> heldGood = value(args, ++i, a);
                case "--held-out-defective" -> heldBad = value(args, ++i, a);
                case "--good-images" -> goodImages = Integer.parseInt(value(args, ++i, a));
                case "--simulate" -> simulate = true;
                case "--method" -> method = value(args, ++i, a);
                case "--backbone" -> backbone = value(args, ++i, a);
                case "--layers" ->
                    layers = java.util.List.of(value(args, ++i, a).split(","));
                case "--input-size" -> inputSize = Integer.parseInt(value(args, ++i, a));
                case "--mean" -> mean = doubles(value(args, ++i, a));
                case "--std" -> std = doubles(value(args, ++i, a));
                case "--help", "-h" -> {
                    usage();
                    return;
                }
                default -> {
                    System.err.println("unknown option " + a);
                    usage();
                    System.exit(2);
                }
            }
        }
        try {
            TeachService.Response r = new TeachService(Path.of(models))
                    .teach(new TeachService.Request(
                            name,
                            version,
                            good,
                            heldGood,
                            heldBad,
                            simulate,
                            goodImages,
                            method,
                            backbone,
                            layers,
                            inputSize,
                            mean,
                            std));
            System.out.printf(
                    "Taught %s %s from %d good images into %s%n  sha256 %s%n  threshold %.4f%n",
                    r.name(), r.version(), r.goodImages(), r.modelDir(), r.sha256(), r.threshold());
            System.out.println(
                    r.report() == null
                            ? "  no held-out set given (--held-out-good and --held-out-defective)"
                            : "  " + r.report());
        } catch (RuntimeException e) {
            System.err.println("teaching failed: " + e.getMessage());
            System.exit(1);
        }
    }

    private static java.util.List<Double> doubles(String csv) {
        return java.util.Arrays.stream(csv.split(",")).map(Double::valueOf).toList();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            System.err.println(option + " needs a value");
            System.exit(2);
        }
        return args[i];
    }

    private static void usage() {
        System.out.println("""
                usage: TeachCommand --name NAME (--good DIR | --simulate) [--version V] [--models DIR]
                                    [--held-out-good DIR --held-out-defective DIR] [--good-images N]
                                    [--method grey-cells|patchcore --backbone FILE-IN-MODELS [--layers T1,T2]
                                     [--input-size 256] [--mean 0,0,0 --std 1,1,1]]""");
    }
}
