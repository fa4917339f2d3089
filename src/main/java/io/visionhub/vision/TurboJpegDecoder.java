package io.visionhub.vision;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import io.visionhub.vision.pixel.YCbCrPlanes;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes JPEG with libjpeg-turbo's TurboJPEG API (Debian package {@code libturbojpeg0}, bound with JNA), at full
 * size or smaller straight from the DCT coefficients: at scale M/8 the decoder runs a reduced inverse DCT per 8x8
 * block and converts only the reduced pixels to BGR, so a 1920x1080 frame decoded at 1/2 or 3/8 for a 640x640 model
 * costs a fraction of a full decode (entropy decoding of the whole bitstream remains). Used by {@link ImageDecoder}
 * when the model resizes every frame to its input anyway ({@link ImageDecoder#decodeFor}, as YCbCr planes: {@link #decodePlanes}); the full-size
 * image is then decoded only where it is needed (annotated copies).
 *
 * <p>Strict like {@link NativeJpegDecoder}: {@code TJFLAG_STOPONWARNING} makes a damaged bitstream an error
 * instead of a concealed image, and any error gives {@code null}, so that the caller falls back to the other
 * decoders, which name the problem. Grey JPEGs come out as {@code TYPE_BYTE_GRAY}, the others (4:4:4, 4:2:2, 4:2:0,
 * 4:4:0, 4:1:1) as {@code TYPE_3BYTE_BGR}; CMYK/YCCK give {@code null} (ImageIO decodes those).
 *
 * <p>Absent library ({@code libturbojpeg.so.0} not installed, another OS): {@link #available()} is false, logged
 * once, and every JPEG goes to FFmpeg's decoder. Thread-safe: a small pool of TurboJPEG handles with their native
 * buffers (one per concurrently decoding thread, up to the core count kept idle), so none is opened per frame and none
 * leaks with short-lived threads.
 */
final class TurboJpegDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(TurboJpegDecoder.class);

    /**
     * The library JNA loads: {@code turbojpeg} (libturbojpeg.so.0 of Debian's libturbojpeg0), or the path or name in
     * the system property {@code visionhub.vision.turbojpeg-library} (another build; a missing one disables it).
     */
    static final String LIBRARY = System.getProperty("visionhub.vision.turbojpeg-library", "turbojpeg");

    // turbojpeg.h (libjpeg-turbo 2.x)
    private static final int TJPF_BGR = 1;
    private static final int TJPF_GRAY = 6;
    private static final int TJSAMP_GRAY = 3;
    private static final int TJCS_YCBCR = 1;
    private static final int TJCS_GRAY = 2;
    private static final int TJCS_CMYK = 3;
    private static final int TJCS_YCCK = 4;
    private static final int TJFLAG_STOPONWARNING = 8192;

    private static final boolean AVAILABLE = load();

    /** Idle decoders (handle + buffers), one per concurrently decoding thread, at most the core count kept. */
    private static final ConcurrentLinkedQueue<State> IDLE = new ConcurrentLinkedQueue<>();

    private static final AtomicInteger IDLE_COUNT = new AtomicInteger();
    private static final int MAX_IDLE = Math.max(2, Runtime.getRuntime().availableProcessors());

    private TurboJpegDecoder() {}

    /** True when libturbojpeg loaded; else {@link #decode} always returns null. */
    static boolean available() {
        return AVAILABLE;
    }

    /**
     * The scale (numerator over 8) that libjpeg-turbo would use to decode a {@code w x h} JPEG to at least {@code
     * minW x minH}: the smallest M/8 whose scaled size (rounded up, as the decoder does) covers both, 8 when none
     * smaller does. Downsampling only: the decoded image is never smaller than asked.
     */
    static int eighths(int w, int h, int minW, int minH) {
        for (int m = 1; m < 8; m++) {
            if (scaled(w, m) >= minW && scaled(h, m) >= minH) {
                return m;
            }
        }
        return 8;
    }

    /** {@code ceil(size * m / 8)}: TJSCALED. */
    static int scaled(int size, int m) {
        return (size * m + 7) / 8;
    }

    /**
     * Decodes {@code jpeg} at scale {@code m}/8 ({@code 8} = full size), or null where this decoder cannot or will
     * not (library absent, damaged data, CMYK).
     */
    static BufferedImage decode(byte[] jpeg, int m) {
        if (!AVAILABLE || jpeg == null || jpeg.length == 0 || m < 1 || m > 8) {
            return null;
        }
        return withState(s -> decodeWith(s, jpeg, m));
    }

    /**
     * Decodes {@code jpeg} at scale {@code m}/8 to its YCbCr planes, before upsampling and colour conversion (which
     * the pre-processing then does in its own resize pass: 0.7-0.9 ms less per 1080p frame at 3/8), or null where
     * this decoder cannot or will not (library absent, damaged data, a colour space other than YCbCr or grey).
     */
    static YCbCrPlanes decodePlanes(byte[] jpeg, int m) {
        if (!AVAILABLE || jpeg == null || jpeg.length == 0 || m < 1 || m > 8) {
            return null;
        }
        return withState(s -> planesWith(s, jpeg, m));
    }

    private static <T> T withState(java.util.function.Function<State, T> work) {
        State s = IDLE.poll();
        if (s != null) {
            IDLE_COUNT.decrementAndGet();
        } else {
            s = new State();
            if (s.handle == null) {
                return null;
            }
        }
        try {
            return work.apply(s);
        } finally {
            if (IDLE_COUNT.incrementAndGet() <= MAX_IDLE) {
                IDLE.offer(s);
            } else {
                IDLE_COUNT.decrementAndGet();
                tjDestroy(s.handle);
            }
        }
    }

    // tjMCUWidth / 8 and tjMCUHeight / 8 per TJSAMP (444, 422, 420, GRAY, 440, 411)
    private static final int[] H_SUB = {1, 2, 2, 1, 1, 4};
    private static final int[] V_SUB = {1, 1, 2, 1, 2, 1};

    /** A JPEG's header as TurboJPEG reads it. */
    private record Header(int width, int height, int subsamp, int colorspace) {}

    /** Reads the header of the JPEG at {@code src}; null when TurboJPEG cannot. */
    private static Header readHeader(State s, Pointer src, NativeLong size) {
        if (tjDecompressHeader3(s.handle, src, size, s.header, s.header.share(4), s.header.share(8), s.header.share(12))
                != 0) {
            return null;
        }
        return new Header(s.header.getInt(0), s.header.getInt(4), s.header.getInt(8), s.header.getInt(12));
    }

    private static YCbCrPlanes planesWith(State s, byte[] jpeg, int m) {
        Pointer src = s.input(jpeg);
        NativeLong size = new NativeLong(jpeg.length);
        Header header = readHeader(s, src, size);
        if (header == null) {
            return null;
        }
        int w = header.width();
        int h = header.height();
        int subsamp = header.subsamp();
        int colorspace = header.colorspace();
        boolean grey = subsamp == TJSAMP_GRAY;
        if (w <= 0 || h <= 0 || subsamp < 0 || subsamp >= H_SUB.length) {
            return null;
        }
        if (grey ? colorspace != TJCS_GRAY : colorspace != TJCS_YCBCR) {
            return null; // RGB-coded, CMYK, YCCK: planes would not be YCbCr
        }
        int sw = scaled(w, m);
        int sh = scaled(h, m);
        // plane sizes as TurboJPEG lays them out (padded to whole MCUs), rows packed (strides = plane widths)
        int yw = tjPlaneWidth(0, sw, subsamp);
        int yh = tjPlaneHeight(0, sh, subsamp);
        int cw = grey ? 0 : tjPlaneWidth(1, sw, subsamp);
        int ch = grey ? 0 : tjPlaneHeight(1, sh, subsamp);
        if (yw <= 0 || yh <= 0 || (!grey && (cw <= 0 || ch <= 0))) {
            return null;
        }
        Pointer planes = s.planes((long) yw * yh, (long) cw * ch);
        if (tjDecompressToYUVPlanes(s.handle, src, size, planes, sw, null, sh, TJFLAG_STOPONWARNING) != 0) {
            return null;
        }
        byte[] y = s.y.getByteArray(0, yw * yh);
        if (grey) {
            return new YCbCrPlanes(sw, sh, y, yw, null, null, 0, 1, 1);
        }
        byte[] cb = s.cb.getByteArray(0, cw * ch);
        byte[] cr = s.cr.getByteArray(0, cw * ch);
        return new YCbCrPlanes(sw, sh, y, yw, cb, cr, cw, H_SUB[subsamp], V_SUB[subsamp]);
    }

    private static BufferedImage decodeWith(State s, byte[] jpeg, int m) {
        Pointer src = s.input(jpeg);
        NativeLong size = new NativeLong(jpeg.length);
        Header header = readHeader(s, src, size);
        if (header == null) {
            return null;
        }
        int w = header.width();
        int h = header.height();
        int subsamp = header.subsamp();
        int colorspace = header.colorspace();
        if (w <= 0 || h <= 0 || colorspace == TJCS_CMYK || colorspace == TJCS_YCCK) {
            return null;
        }
        int sw = scaled(w, m);
        int sh = scaled(h, m);
        boolean grey = subsamp == TJSAMP_GRAY;
        int channels = grey ? 1 : 3;
        long bytes = (long) sw * sh * channels;
        Pointer dst = s.output(bytes);
        // the decoder picks the scaling factor from the requested size: exactly M/8 for these sizes
        int rc = tjDecompress2(
                s.handle, src, size, dst, sw, sw * channels, sh, grey ? TJPF_GRAY : TJPF_BGR, TJFLAG_STOPONWARNING);
        if (rc != 0) {
            // a warning (corrupt data) or an error: the handle stays usable for the next frame
            return null;
        }
        BufferedImage img =
                new BufferedImage(sw, sh, grey ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        byte[] out = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        dst.read(0, out, 0, out.length);
        return img;
    }

    /**
     * One TurboJPEG handle and its reusable native buffers (a few MB for 1080p), used by one thread at a time; a
     * handle stays usable after a decoding error (TurboJPEG resets it at the next call).
     */
    private static final class State {
        final Pointer handle;
        final Memory header = new Memory(16);
        final Memory planePointers = new Memory(3L * Native.POINTER_SIZE);
        Memory in;
        Memory out;
        Memory y;
        Memory cb;
        Memory cr;

        State() {
            handle = tjInitDecompress();
        }

        /** The array of three plane pointers tjDecompressToYUVPlanes writes through (chroma ones unused for grey). */
        Pointer planes(long luma, long chroma) {
            if (y == null || y.size() < luma) {
                y = new Memory(luma);
            }
            if (chroma > 0 && (cb == null || cb.size() < chroma)) {
                cb = new Memory(chroma);
                cr = new Memory(chroma);
            }
            planePointers.setPointer(0, y);
            planePointers.setPointer(Native.POINTER_SIZE, chroma > 0 ? cb : null);
            planePointers.setPointer(2L * Native.POINTER_SIZE, chroma > 0 ? cr : null);
            return planePointers;
        }

        Pointer input(byte[] jpeg) {
            if (in == null || in.size() < jpeg.length) {
                in = new Memory(Math.max(jpeg.length, 256 * 1024));
            }
            in.write(0, jpeg, 0, jpeg.length);
            return in;
        }

        Pointer output(long bytes) {
            if (out == null || out.size() < bytes) {
                out = new Memory(bytes);
            }
            return out;
        }
    }

    // direct mapping (Native.register): no per-call reflection
    private static native Pointer tjInitDecompress();

    private static native int tjDestroy(Pointer handle);

    private static native int tjDecompressHeader3(
            Pointer handle,
            Pointer jpegBuf,
            NativeLong jpegSize,
            Pointer width,
            Pointer height,
            Pointer subsamp,
            Pointer colorspace);

    private static native int tjDecompress2(
            Pointer handle,
            Pointer jpegBuf,
            NativeLong jpegSize,
            Pointer dstBuf,
            int width,
            int pitch,
            int height,
            int pixelFormat,
            int flags);

    private static native int tjDecompressToYUVPlanes(
            Pointer handle,
            Pointer jpegBuf,
            NativeLong jpegSize,
            Pointer dstPlanes,
            int width,
            Pointer strides,
            int height,
            int flags);

    private static native int tjPlaneWidth(int componentID, int width, int subsamp);

    private static native int tjPlaneHeight(int componentID, int height, int subsamp);

    private static boolean load() {
        try {
            Native.register(TurboJpegDecoder.class, NativeLibrary.getInstance(LIBRARY));
            Pointer h = tjInitDecompress();
            if (h == null) {
                throw new IllegalStateException("tjInitDecompress returned NULL");
            }
            tjDestroy(h);
            return true;
        } catch (RuntimeException | LinkageError e) {
            LOG.info(
                    "libjpeg-turbo (libturbojpeg.so.0, Debian package libturbojpeg0) not usable ({}): JPEG frames are "
                            + "decoded at full size with FFmpeg",
                    e.toString());
            return false;
        }
    }
}
