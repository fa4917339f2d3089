package io.visionhub.vision;

import io.visionhub.vision.model.ModelException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Decodes encoded frames (JPEG, PNG, BMP) with ImageIO. Empty, corrupt or truncated data (ImageIO would return
 * a half-grey JPEG without complaint) gets a {@link ModelException} naming the camera.
 */
public final class ImageDecoder {

    private ImageDecoder() {
    }

    public static BufferedImage decode(byte[] bytes, String camera) {
        if (bytes == null || bytes.length == 0) {
            throw new ModelException("camera " + camera + ": empty image (0 bytes)");
        }
        if (truncatedJpeg(bytes)) {
            throw new ModelException("camera " + camera + ": truncated JPEG (" + bytes.length + " bytes, no end marker)");
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
}
