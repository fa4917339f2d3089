package io.visionhub.vision;

import io.visionhub.vision.model.ModelException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Decodes encoded frames (JPEG, PNG, BMP): OpenCV's codecs (libjpeg-turbo, several times faster than ImageIO
 * on large JPEGs) when its native library loads, ImageIO otherwise. Empty, corrupt or truncated data gets a
 * {@link ModelException} naming the camera.
 */
public final class ImageDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(ImageDecoder.class);
    private static final boolean OPENCV = probe();

    private ImageDecoder() {
    }

    private static boolean probe() {
        try {
            opencv_imgcodecs.imdecode(new Mat(new BytePointer(new byte[]{0})), opencv_imgcodecs.IMREAD_COLOR).close();
            return true;
        } catch (Throwable t) {
            LOG.info("OpenCV codecs not available ({}); decoding frames with ImageIO (slower on large JPEGs)",
                    t.getMessage());
            return false;
        }
    }

    public static BufferedImage decode(byte[] bytes, String camera) {
        if (bytes == null || bytes.length == 0) {
            throw new ModelException("camera " + camera + ": empty image (0 bytes)");
        }
        if (truncatedJpeg(bytes)) {
            throw new ModelException("camera " + camera + ": truncated JPEG (" + bytes.length + " bytes, no end marker)");
        }
        if (OPENCV) {
            BufferedImage img = opencv(bytes);
            if (img != null) {
                return img;
            }
        }
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
            if (img == null) {
                throw new ModelException("camera " + camera + ": " + bytes.length
                        + " bytes are not a readable image (JPEG, PNG, BMP expected)");
            }
            return img;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ModelException me) {
                throw me;
            }
            throw new ModelException("camera " + camera + ": corrupt or truncated image (" + bytes.length + " bytes): "
                    + e.getMessage(), e);
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

    /** OpenCV decode into a TYPE_3BYTE_BGR image; null when OpenCV cannot read it (ImageIO then decides). */
    private static BufferedImage opencv(byte[] bytes) {
        try (BytePointer data = new BytePointer(bytes);
             Mat buf = new Mat(1, bytes.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, data);
             Mat mat = opencv_imgcodecs.imdecode(buf, opencv_imgcodecs.IMREAD_COLOR)) {
            if (mat == null || mat.empty() || mat.channels() != 3) {
                return null;
            }
            int w = mat.cols();
            int h = mat.rows();
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
            byte[] dst = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            if (mat.isContinuous()) {
                mat.data().get(dst);
            } else {
                for (int y = 0; y < h; y++) {
                    mat.ptr(y).get(dst, y * w * 3, w * 3);
                }
            }
            return img;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
