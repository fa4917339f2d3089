package io.visionhub.bench;

import io.visionhub.vision.FrameInspector;
import io.visionhub.vision.JpegDecoders;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.imageio.ImageIO;

/**
 * libjpeg-turbo's decode to YCbCr planes at every DCT scale the hub could use for 1080p frames (8/8, 4/8, 3/8 the
 * hub's for a 640 letterbox, 2/8, 1/8 DC only), alternating on the same frames, CPU time of the decoding thread; on
 * the InferenceBench frames (darknet photos nearest-scaled to 1920x1080, ImageIO quality 0.9, ~546 kB), the same
 * bilinear-scaled at ImageIO q75/q85, and what cameras send: FFmpeg's MJPEG encoder at {@code -q:v} 3, 4, 5 (4:2:0)
 * and 4 (4:2:2). Usage: bench/run JpegScaleBench [iterations] (needs Debian darknet, libturbojpeg0, ffmpeg).
 */
public final class JpegScaleBench {

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        Path photos = Path.of("/usr/share/darknet/data");
        if (!JpegDecoders.turboAvailable() || !Files.isDirectory(photos)) {
            System.out.println("skipped: libturbojpeg0 or darknet photos absent");
            return;
        }
        List<BufferedImage> sources = InferenceBench.darknetPhotos(photos);
        Path tmp = Files.createTempDirectory("jpeg-scale");
        List<String> what = new ArrayList<>();
        List<byte[][]> sets = new ArrayList<>();
        what.add("bench frames (nearest, ImageIO q0.9)");
        sets.add(sources.stream()
                .map(i -> FrameInspector.encode(InferenceBench.scale(i, 1920, 1080), "jpg"))
                .toArray(byte[][]::new));
        List<BufferedImage> smooth = sources.stream()
                .map(i -> InferenceBench.scaleSmooth(i, 1920, 1080))
                .toList();
        for (float q : new float[] {0.75f, 0.85f}) {
            what.add(String.format("bilinear, ImageIO q%.0f", q * 100));
            sets.add(smooth.stream().map(i -> InferenceBench.jpeg(i, q)).toArray(byte[][]::new));
        }
        String[][] ffmpeg = {{"3", "yuvj420p"}, {"4", "yuvj420p"}, {"5", "yuvj420p"}, {"4", "yuvj422p"}};
        boolean haveFfmpeg = java.util.stream.Stream.of(System.getenv("PATH").split(java.io.File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, "ffmpeg")));
        if (!haveFfmpeg) {
            System.out.println("ffmpeg not on PATH (apt-get install ffmpeg): the FFmpeg-encoded sets are skipped");
            ffmpeg = new String[0][];
        }
        for (String[] c : ffmpeg) {
            List<byte[]> js = new ArrayList<>();
            for (int k = 0; k < smooth.size(); k++) {
                Path png = tmp.resolve(k + ".png");
                Path out = tmp.resolve(k + "-" + c[0] + c[1] + ".jpg");
                ImageIO.write(smooth.get(k), "png", png.toFile());
                Process p = new ProcessBuilder(
                                "ffmpeg",
                                "-y",
                                "-loglevel",
                                "error",
                                "-i",
                                png.toString(),
                                "-c:v",
                                "mjpeg",
                                "-q:v",
                                c[0],
                                "-pix_fmt",
                                c[1],
                                out.toString())
                        .inheritIO()
                        .start();
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("ffmpeg failed");
                }
                js.add(Files.readAllBytes(out));
            }
            what.add("bilinear, FFmpeg mjpeg -q:v " + c[0] + " " + c[1]);
            sets.add(js.toArray(byte[][]::new));
        }
        int[] scales = {3, 4, 8, 2, 1};
        String[] names = new String[scales.length];
        List<Function<byte[], Object>> fns = new ArrayList<>();
        for (int s = 0; s < scales.length; s++) {
            int m = scales[s];
            names[s] = "planes " + m + "/8" + (m == 3 ? " (hub)" : "") + ":";
            fns.add(j -> JpegDecoders.turboPlanes(j, m));
        }
        for (int i = 0; i < sets.size(); i++) {
            InferenceBench.alternate("decode 1080p " + what.get(i), sets.get(i), names, fns, 0, iterations);
        }
    }
}
