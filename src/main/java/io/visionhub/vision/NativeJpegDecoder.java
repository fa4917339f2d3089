package io.visionhub.vision;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avcodec.AV_EF_BITSTREAM;
import static org.bytedeco.ffmpeg.global.avcodec.AV_EF_BUFFER;
import static org.bytedeco.ffmpeg.global.avcodec.AV_EF_EXPLODE;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_GRAY8;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ411P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ422P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ440P;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ444P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_log_get_level;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes baseline and progressive JPEG with FFmpeg's MJPEG decoder (SIMD IDCT) and converts YCbCr to BGR with
 * libswscale: the natives the hub already ships for its cameras (linux-x86_64), so it adds nothing to the jar. About
 * 5x faster than ImageIO's libjpeg 6b for a 1080p frame (see bench/README-vision.md).
 *
 * <p>Strict: the decoder is told to fail on any bitstream error ({@code AV_EF_EXPLODE}) instead of concealing it,
 * so a damaged frame gives {@code null} here and {@link ImageDecoder} then reports it through ImageIO's path (which
 * names the problem), never a silently patched image. Colour JPEGs come out as {@code TYPE_3BYTE_BGR}, grey ones
 * as {@code TYPE_BYTE_GRAY} (the samples unchanged, as ImageIO gives them). CMYK, RGB-coded and other unusual JPEGs
 * return {@code null}: ImageIO decodes those.
 *
 * <p>Thread-safe: a small pool of decoder contexts (one per concurrently decoding thread, up to the core count kept
 * idle) so that no native context is opened per frame and none leaks with short-lived threads.
 */
final class NativeJpegDecoder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NativeJpegDecoder.class);

    private static final ConcurrentLinkedQueue<NativeJpegDecoder> IDLE = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger IDLE_COUNT = new AtomicInteger();
    private static final int MAX_IDLE = Math.max(2, Runtime.getRuntime().availableProcessors());
    private static final boolean AVAILABLE = probe();

    private final AVCodecContext ctx;
    private final AVPacket packet;
    private final AVFrame frame;
    private final PointerPointer<BytePointer> dstPlanes = new PointerPointer<>(4);
    private final IntPointer dstStrides = new IntPointer(4);
    private SwsContext sws;
    private BytePointer out;
    private long outCapacity;

    private NativeJpegDecoder() {
        AVCodec codec = avcodec_find_decoder(AV_CODEC_ID_MJPEG);
        if (codec == null) {
            throw new IllegalStateException("FFmpeg has no MJPEG decoder");
        }
        ctx = avcodec_alloc_context3(codec);
        // one thread: frames are decoded on the inspection thread, in parallel across stations
        ctx.thread_count(1);
        // fail on damaged data instead of concealing it with grey blocks
        ctx.err_recognition(AV_EF_EXPLODE | AV_EF_BITSTREAM | AV_EF_BUFFER);
        if (avcodec_open2(ctx, codec, (AVDictionary) null) < 0) {
            avcodec_free_context(ctx);
            throw new IllegalStateException("FFmpeg cannot open its MJPEG decoder");
        }
        packet = av_packet_alloc();
        frame = av_frame_alloc();
    }

    /** True when FFmpeg's natives loaded on this platform; else every JPEG goes through ImageIO. */
    static boolean available() {
        return AVAILABLE;
    }

    /**
     * The decoded image, or null where this decoder cannot or will not decode the bytes (damaged data, an unusual
     * colour space, natives missing): the caller then uses ImageIO.
     */
    static BufferedImage decode(byte[] jpeg) {
        if (!AVAILABLE) {
            return null;
        }
        NativeJpegDecoder d = IDLE.poll();
        if (d != null) {
            IDLE_COUNT.decrementAndGet();
        } else {
            d = new NativeJpegDecoder();
        }
        BufferedImage img;
        try {
            img = d.run(jpeg);
        } catch (RuntimeException e) {
            d.close();
            throw e;
        }
        if (img == null) {
            // after a decoding error the context may hold state from the damaged frame: do not reuse it
            d.close();
        } else if (IDLE_COUNT.incrementAndGet() <= MAX_IDLE) {
            IDLE.offer(d);
        } else {
            IDLE_COUNT.decrementAndGet();
            d.close();
        }
        return img;
    }

    private BufferedImage run(byte[] jpeg) {
        if (av_new_packet(packet, jpeg.length) < 0) {
            return null;
        }
        try {
            packet.data().put(jpeg, 0, jpeg.length);
            if (avcodec_send_packet(ctx, packet) < 0) {
                return null;
            }
        } finally {
            av_packet_unref(packet);
        }
        if (avcodec_receive_frame(ctx, frame) < 0) {
            return null;
        }
        try {
            int w = frame.width();
            int h = frame.height();
            if (w <= 0 || h <= 0) {
                return null;
            }
            int fmt = frame.format();
            if (fmt == AV_PIX_FMT_GRAY8) {
                return grey(w, h);
            }
            if (fmt != AV_PIX_FMT_YUVJ420P
                    && fmt != AV_PIX_FMT_YUVJ422P
                    && fmt != AV_PIX_FMT_YUVJ444P
                    && fmt != AV_PIX_FMT_YUVJ440P
                    && fmt != AV_PIX_FMT_YUVJ411P) {
                return null;
            }
            return bgr(w, h, fmt);
        } finally {
            av_frame_unref(frame);
        }
    }

    private BufferedImage grey(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        BytePointer y = frame.data(0);
        int stride = frame.linesize(0);
        for (int row = 0; row < h; row++) {
            y.position((long) row * stride).get(dst, row * w, w);
        }
        y.position(0);
        return img;
    }

    private BufferedImage bgr(int w, int h, int fmt) {
        // swscale's SIMD YCbCr->BGR converter gets the last (width mod 16) columns wrong (black or shifted):
        // convert a width rounded up to 16, which the decoder's padded planes hold (it decodes whole MCUs), and copy
        // the real width out
        int cw = (w + 15) & ~15;
        int hsub = fmt == AV_PIX_FMT_YUVJ411P ? 4 : (fmt == AV_PIX_FMT_YUVJ420P || fmt == AV_PIX_FMT_YUVJ422P) ? 2 : 1;
        if (frame.linesize(0) < cw || frame.linesize(1) < cw / hsub || frame.linesize(2) < cw / hsub) {
            return null;
        }
        long stride = (long) cw * 3;
        long need = stride * h;
        if (out == null || outCapacity < need) {
            freeOut();
            // av_malloc aligns for swscale's SIMD stores; + 64 for its over-reads past the last row
            out = new BytePointer(av_malloc(need + 64)).capacity(need + 64);
            outCapacity = need;
        }
        // the YUVJ formats are JPEG's full-range BT.601; bilinear is unused at 1:1 but keeps the SIMD paths
        sws = sws_getCachedContext(
                sws, cw, h, fmt, cw, h, AV_PIX_FMT_BGR24, SWS_BILINEAR, null, null, (DoublePointer) null);
        if (sws == null) {
            return null;
        }
        dstPlanes.put(0, out);
        dstStrides.put(0, (int) stride);
        int rows = sws_scale(sws, frame.data(), frame.linesize(), 0, h, dstPlanes, dstStrides);
        if (rows != h) {
            return null;
        }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        if (cw == w) {
            out.position(0).get(dst, 0, w * h * 3);
        } else {
            for (int y = 0; y < h; y++) {
                out.position(y * stride).get(dst, y * w * 3, w * 3);
            }
        }
        out.position(0);
        return img;
    }

    private void freeOut() {
        if (out != null) {
            av_free(out.position(0));
            out = null;
        }
    }

    @Override
    public void close() {
        avcodec_free_context(ctx);
        av_packet_free(packet);
        av_frame_free(frame);
        if (sws != null) {
            sws_freeContext(sws);
            sws = null;
        }
        freeOut();
        dstPlanes.close();
        dstStrides.close();
    }

    private static boolean probe() {
        try {
            // the decoder's complaints about damaged frames become our FrameRefusedException, not stderr noise
            if (av_log_get_level() > AV_LOG_ERROR) {
                av_log_set_level(AV_LOG_ERROR);
            }
            new NativeJpegDecoder().close();
            return true;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn(
                    "FFmpeg natives unavailable on this platform ({}); JPEG frames are decoded with ImageIO (slower)",
                    e.toString());
            return false;
        }
    }
}
