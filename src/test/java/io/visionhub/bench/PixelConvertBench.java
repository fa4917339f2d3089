package io.visionhub.bench;

import io.visionhub.vision.pixel.GenicamPixelFormat;
import io.visionhub.vision.pixel.PixelConverter;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The cost of turning one raw GigE frame into the image the models read ({@link PixelConverter}), per pixel format:
 * milliseconds per frame on one thread and megapixels per second, from a direct (off-heap) buffer as Aravis hands
 * them over. Random sensor data (the converters do the same work whatever the values).
 * <p>
 * Usage: bench/run PixelConvertBench [width=1920] [height=1200] [seconds per format=3] [formats=all|Mono8,Mono12p,...]
 */
public final class PixelConvertBench {

    private PixelConvertBench() {}

    public static void main(String[] args) {
        int w = args.length > 0 ? Integer.parseInt(args[0]) : 1920;
        int h = args.length > 1 ? Integer.parseInt(args[1]) : 1200;
        double seconds = args.length > 2 ? Double.parseDouble(args[2]) : 3;
        List<GenicamPixelFormat> formats = new ArrayList<>();
        if (args.length > 3 && !args[3].equals("all")) {
            for (String f : args[3].split(",")) {
                formats.add(GenicamPixelFormat.fromName(f.trim()));
            }
        } else {
            formats.addAll(List.of(GenicamPixelFormat.values()));
        }
        MachineLoad load = MachineLoad.start();
        System.out.printf(
                "PixelConvertBench %dx%d (%.1f MP), %.1f s per format, Java %s, %d cores%n",
                w,
                h,
                w * h / 1e6,
                seconds,
                System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        Random rnd = new Random(18);
        long sink = 0;
        for (GenicamPixelFormat f : formats) {
            ByteBuffer frame = ByteBuffer.allocateDirect((int) f.frameBytes(w, h));
            byte[] noise = new byte[frame.capacity()];
            rnd.nextBytes(noise);
            frame.put(noise).clear();
            // warm-up: a second or ten frames, whichever is longer
            long warmEnd = System.nanoTime() + 1_000_000_000L;
            for (int i = 0; i < 10 || System.nanoTime() < warmEnd; i++) {
                sink += PixelConverter.toImage(f, frame, w, h, "bench").getWidth();
            }
            int n = 0;
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            long now;
            do {
                BufferedImage img = PixelConverter.toImage(f, frame, w, h, "bench");
                sink += img.getRGB(n % w, n % h);
                n++;
                now = System.nanoTime();
            } while (now < end);
            double ms = (now - t0) / 1e6 / n;
            System.out.printf(
                    "%-14s %8.2f ms/frame  %7.1f MP/s  (%d frames, %d bytes each)%n",
                    f.genicamName(), ms, w * h / 1e3 / ms, n, frame.capacity());
        }
        System.out.println("machine: " + load.summary() + " (sink " + (sink & 1) + ")");
    }
}
