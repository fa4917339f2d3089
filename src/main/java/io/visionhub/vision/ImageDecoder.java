package io.visionhub.vision;

import io.visionhub.vision.FrameRefusedException.Reason;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelVerdict;
import io.visionhub.vision.pixel.YCbCrPlanes;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes encoded frames: JPEG with libjpeg-turbo ({@link TurboJpegDecoder}, at a reduced DCT scale where the model
 * resizes the frame down anyway: {@link #decodeFor}), else FFmpeg's decoder ({@link NativeJpegDecoder}), PNG, BMP and the JPEGs it declines (damaged, CMYK) with ImageIO. The image header is read first and a frame of more than
 * {@code maxPixels} pixels is refused before any pixel is decoded (a 20000x20000 PNG of a few kB would otherwise
 * take 1.6 GB of heap). Empty, corrupt or truncated data (ImageIO would return a half-grey JPEG without complaint)
 * and oversized frames get a {@link FrameRefusedException} naming the camera or file.
 */
public final class ImageDecoder {

    /** Default of {@code visionhub.vision.max-frame-pixels}: 50 MP, above any line-scan or area camera in use. */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    private ImageDecoder() {}

    /** {@link #decode(byte[], String, long)} with the default limit of {@value #DEFAULT_MAX_PIXELS} pixels. */
    public static BufferedImage decode(byte[] bytes, String camera) {
        return decode(bytes, camera, DEFAULT_MAX_PIXELS);
    }

    /**
     * @param bytes     the encoded frame
     * @param source    camera id or file, for the message
     * @param maxPixels largest width x height accepted
     */
    public static BufferedImage decode(byte[] bytes, String source, long maxPixels) {
        precheck(bytes, source);
        long[] size = JpegHeader.size(bytes);
        if (size != null) {
            refuseIfTooLarge(size[0], size[1], maxPixels, "camera " + source);
            BufferedImage img = TurboJpegDecoder.decode(bytes, 8);
            if (img == null) {
                img = NativeJpegDecoder.decode(bytes);
            }
            if (img != null) {
                return img;
            }
            // damaged or unusual (CMYK, RGB-coded): ImageIO decodes it or names the problem
        }
        return decodeWithImageIO(bytes, source, maxPixels);
    }

    /**
     * A decoded frame: {@code image}, or where the JPEG was decoded reduced for a model, its YCbCr {@code planes}
     * (then {@code image} is null), showing the whole {@code frameWidth x frameHeight} frame at that size or reduced
     * (decoded at M/8 of its size straight from the DCT).
     */
    public record Decoded(BufferedImage image, YCbCrPlanes planes, int frameWidth, int frameHeight) {

        public Decoded(BufferedImage image, int frameWidth, int frameHeight) {
            this(image, null, frameWidth, frameHeight);
        }

        public boolean reduced() {
            return planes != null
                    ? planes.width() != frameWidth || planes.height() != frameHeight
                    : image.getWidth() != frameWidth || image.getHeight() != frameHeight;
        }

        /**
         * Fills {@code model}'s input from this frame ahead of its run ({@link InspectionModel#prepareInput}), by the
         * path it was decoded for; null where the model does not prepare inputs ahead.
         */
        public InspectionModel.PreparedInput prepareWith(InspectionModel model) {
            return planes != null
                    ? model.prepareInput(null, planes, frameWidth, frameHeight)
                    : model.prepareInput(image, null, frameWidth, frameHeight);
        }

        /** Runs {@code model} on this frame by the path it was decoded for (planes, reduced or full image). */
        public ModelVerdict inspectWith(InspectionModel model) {
            if (planes != null) {
                return model.inspect(planes, frameWidth, frameHeight);
            }
            return reduced() ? model.inspect(image, frameWidth, frameHeight) : model.inspect(image);
        }
    }

    /**
     * Decodes a frame for {@code model}: a JPEG whose frame the model resizes down anyway ({@link
     * InspectionModel#reducedInputSize}) is decoded with libjpeg-turbo at the smallest DCT scale (M/8) that is still
     * at least the model's resized size, so that the model sees the same view from a fraction of the pixels (a
     * 1920x1080 frame for a 640x640 letterbox: 720x405, 3/8), and left as YCbCr planes that the model's
     * pre-processing converts, resizes and normalises in one pass; the full-size image is left undecoded. Anything
     * else (no libjpeg-turbo, PNG, a model that needs full size, a frame already small) is decoded at full size by
     * {@link #decode(byte[], String, long)}. Same checks and errors as that method.
     */
    public static Decoded decodeFor(byte[] bytes, String source, long maxPixels, InspectionModel model) {
        precheck(bytes, source);
        long[] size = JpegHeader.size(bytes);
        if (size != null && model != null && TurboJpegDecoder.available()) {
            refuseIfTooLarge(size[0], size[1], maxPixels, "camera " + source);
            int w = (int) size[0];
            int h = (int) size[1];
            int[] need = model.reducedInputSize(w, h);
            if (need != null) {
                int m = TurboJpegDecoder.eighths(w, h, need[0], need[1]);
                if (m < 8) {
                    YCbCrPlanes planes = TurboJpegDecoder.decodePlanes(bytes, m);
                    if (planes != null) {
                        return new Decoded(null, planes, w, h);
                    }
                    BufferedImage img = TurboJpegDecoder.decode(bytes, m);
                    if (img != null) {
                        return new Decoded(img, w, h);
                    }
                }
            }
        }
        BufferedImage img = decode(bytes, source, maxPixels);
        return new Decoded(img, img.getWidth(), img.getHeight());
    }

    /**
     * The same checks and errors as {@link #decode(byte[], String, long)}, decoding with ImageIO only (the decoder
     * before the native one: kept for the formats FFmpeg declines, and for the side-by-side benchmark).
     */
    public static BufferedImage decodeWithImageIO(byte[] bytes, String source, long maxPixels) {
        String what = "camera " + source;
        precheck(bytes, source);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new FrameRefusedException(
                        Reason.CORRUPT,
                        what + ": " + bytes.length + " bytes are not a readable image (JPEG, PNG, BMP expected)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                // the header only: nothing is decoded before the size is known to be acceptable
                refuseIfTooLarge(reader.getWidth(0), reader.getHeight(0), maxPixels, what);
                BufferedImage img = reader.read(0);
                if (img == null) {
                    throw new FrameRefusedException(
                            Reason.CORRUPT,
                            what + ": " + bytes.length + " bytes are not a readable image (JPEG, PNG, BMP expected)");
                }
                return img;
            } finally {
                reader.dispose();
            }
        } catch (FrameRefusedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new FrameRefusedException(
                    Reason.CORRUPT,
                    what + ": corrupt or truncated image (" + bytes.length + " bytes): " + e.getMessage(),
                    e);
        }
    }

    private static void precheck(byte[] bytes, String source) {
        String what = "camera " + source;
        if (bytes == null || bytes.length == 0) {
            throw new FrameRefusedException(Reason.EMPTY, what + ": empty image (0 bytes)");
        }
        if (truncatedJpeg(bytes)) {
            throw new FrameRefusedException(
                    Reason.CORRUPT, what + ": truncated JPEG (" + bytes.length + " bytes, no end marker)");
        }
    }

    private static void refuseIfTooLarge(long w, long h, long maxPixels, String what) {
        if (w <= 0 || h <= 0 || w * h > maxPixels) {
            throw new FrameRefusedException(
                    Reason.TOO_LARGE,
                    what + ": image of " + w + "x" + h + " = "
                            + (w * h) + " pixels is above the limit of " + maxPixels
                            + " pixels (visionhub.vision.max-frame-pixels); not decoded");
        }
    }

    /** A JPEG (starts FF D8) whose last bytes hold no end-of-image marker FF D9 was cut off in transfer. */
    private static boolean truncatedJpeg(byte[] b) {
        if (b.length < 4 || (b[0] & 0xff) != 0xFF || (b[1] & 0xff) != 0xD8) {
            return false;
        }
        for (int i = b.length - 2; i >= Math.max(0, b.length - 64); i--) {
            if ((b[i] & 0xff) == 0xFF && (b[i + 1] & 0xff) == 0xD9) {
                return false;
            }
        }
        return true;
    }
}
