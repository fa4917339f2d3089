package io.visionhub.vision;

/**
 * Reads a JPEG's frame size from its SOF segment without decoding anything, so that the pixel limit is checked
 * before the native decoder allocates a frame.
 */
final class JpegHeader {

    private JpegHeader() {}

    /**
     * {width, height} from the first start-of-frame segment, or null when the bytes are not a JPEG or the size
     * cannot be read before the image data starts (then ImageIO reads the header and names the problem).
     */
    static long[] size(byte[] b) {
        if (b.length < 4 || (b[0] & 0xff) != 0xFF || (b[1] & 0xff) != 0xD8) {
            return null;
        }
        int i = 2;
        while (i + 3 < b.length) {
            if ((b[i] & 0xff) != 0xFF) {
                return null; // not at a marker: damaged header
            }
            int marker = b[i + 1] & 0xff;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                i += 2; // markers without a length
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return null; // image data or end before any frame header
            }
            int len = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
            if (len < 2) {
                return null;
            }
            if (isStartOfFrame(marker)) {
                if (i + 8 >= b.length || len < 8) {
                    return null;
                }
                long h = ((b[i + 5] & 0xff) << 8) | (b[i + 6] & 0xff);
                long w = ((b[i + 7] & 0xff) << 8) | (b[i + 8] & 0xff);
                // height 0 = given later by a DNL segment: let ImageIO handle that rarity
                return h == 0 || w == 0 ? null : new long[] {w, h};
            }
            i += 2 + len;
        }
        return null;
    }

    /** SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
    private static boolean isStartOfFrame(int m) {
        return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
    }
}
