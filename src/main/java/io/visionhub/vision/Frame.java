package io.visionhub.vision;

import java.awt.image.BufferedImage;
import java.time.Instant;

/**
 * One captured frame.
 *
 * @param camera      camera id
 * @param sequence    frame number from this camera since start
 * @param captureTime when the frame was captured (UTC): the production context is chosen by this time
 * @param image       decoded pixels
 * @param encoded     the frame as received (JPEG/PNG bytes) where the source had them, else null
 * @param partId      part id where the source knows it (PLC trigger, simulated camera), else null
 */
public record Frame(
        String camera, long sequence, Instant captureTime, BufferedImage image, byte[] encoded, String partId) {}
