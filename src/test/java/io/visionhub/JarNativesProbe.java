package io.visionhub;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Arrays;
import java.util.Map;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;

/**
 * Run by {@link ProductionJarIT} in a JVM of its own whose class path is the nested jars of the packaged jar (as the
 * package step left them: one platform's natives, no local variable tables): FFmpeg's libraries load as
 * FFmpegFrameGrabber loads them (avdevice, and avfilter under it, included) and decode a JPEG through avformat,
 * avcodec and swscale; ONNX Runtime runs a model; JNA calls libc. Prints one line per library; any failure ends it
 * with a stack trace and a non-zero exit.
 *
 * <p>Arguments: an ONNX model that adds [1, 2] to its input {@code x} of shape [1, 2], and a JPEG file.
 */
public final class JarNativesProbe {

    /** libc through JNA's dispatch library. */
    public interface LibC extends Library {
        int getpid();
    }

    private JarNativesProbe() {}

    public static void main(String[] args) throws Exception {
        FFmpegFrameGrabber.tryLoad();
        for (int codec : new int[] {AV_CODEC_ID_H264, AV_CODEC_ID_HEVC, AV_CODEC_ID_MJPEG}) {
            if (avcodec_find_decoder(codec) == null) {
                throw new IllegalStateException("FFmpeg has no decoder for codec id " + codec);
            }
        }
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(args[1])) {
            grabber.start();
            Frame frame = grabber.grabImage();
            System.out.println(
                    "ffmpeg " + frame.imageWidth + "x" + frame.imageHeight + " channels " + frame.imageChannels);
            grabber.stop();
        }

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(args[0], new OrtSession.SessionOptions());
                OnnxTensor x = OnnxTensor.createTensor(env, new float[][] {{10f, 20f}});
                OrtSession.Result result = session.run(Map.of("x", x))) {
            float[][] y = (float[][]) result.get(0).getValue();
            System.out.println("onnxruntime " + Arrays.toString(y[0]));
        }

        System.out.println("jna pointer size " + Native.POINTER_SIZE + " pid "
                + Native.load("c", LibC.class).getpid());
    }
}
