package io.visionhub.vision;

import java.awt.image.BufferedImage;

/** The JPEG decoders one by one, for benchmarks that compare them side by side (InferenceBench). */
public final class JpegDecoders {

    private JpegDecoders() {}

    /** FFmpeg's MJPEG decoder at full size (the hub's decoder before libjpeg-turbo), or null. */
    public static BufferedImage ffmpeg(byte[] jpeg) {
        return NativeJpegDecoder.decode(jpeg);
    }

    /** libjpeg-turbo at scale {@code eighths}/8, or null (library absent, damaged data). */
    public static BufferedImage turbo(byte[] jpeg, int eighths) {
        return TurboJpegDecoder.decode(jpeg, eighths);
    }

    /** libjpeg-turbo at scale {@code eighths}/8 to YCbCr planes (what the hub hands a 640 model), or null. */
    public static io.visionhub.vision.pixel.YCbCrPlanes turboPlanes(byte[] jpeg, int eighths) {
        return TurboJpegDecoder.decodePlanes(jpeg, eighths);
    }

    /** The scale libjpeg-turbo decodes a {@code w x h} frame at for a model that resizes it to {@code minW x minH}. */
    public static int eighths(int w, int h, int minW, int minH) {
        return TurboJpegDecoder.eighths(w, h, minW, minH);
    }

    public static boolean turboAvailable() {
        return TurboJpegDecoder.available();
    }
}
