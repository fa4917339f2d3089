package io.visionhub.vision.pixel;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The GenICam pixel formats (PFNC names and 32-bit codes, as a GigE Vision camera reports them in each buffer) that
 * the hub converts for its models. Older SFNC names (RGB8Packed, YUV422Packed, YUYVPacked) are accepted as aliases.
 */
public enum GenicamPixelFormat {
    MONO8("Mono8", 0x01080001, 8),
    MONO10("Mono10", 0x01100003, 10),
    MONO12("Mono12", 0x01100005, 12),
    MONO16("Mono16", 0x01100007, 16),
    /** PFNC packed: 4 pixels in 5 bytes, one LSB-first bit stream over the whole frame (no line padding). */
    MONO10P("Mono10p", 0x010A0046, 10),
    /** PFNC packed: 2 pixels in 3 bytes, one LSB-first bit stream over the whole frame (no line padding). */
    MONO12P("Mono12p", 0x010C0047, 12),
    BAYER_GR8("BayerGR8", 0x01080008, 8),
    BAYER_RG8("BayerRG8", 0x01080009, 8),
    BAYER_GB8("BayerGB8", 0x0108000A, 8),
    BAYER_BG8("BayerBG8", 0x0108000B, 8),
    BAYER_GR16("BayerGR16", 0x0110002E, 16),
    BAYER_RG16("BayerRG16", 0x0110002F, 16),
    BAYER_GB16("BayerGB16", 0x01100030, 16),
    BAYER_BG16("BayerBG16", 0x01100031, 16),
    RGB8("RGB8", 0x02180014, 8, "RGB8Packed"),
    BGR8("BGR8", 0x02180015, 8, "BGR8Packed"),
    /** R, G, B as 16-bit little-endian words. */
    RGB16("RGB16", 0x02300033, 16, "RGB16Packed"),
    /** B, G, R as 16-bit little-endian words. */
    BGR16("BGR16", 0x0230004B, 16, "BGR16Packed"),
    /** Y0 U Y1 V (PFNC YUV422_8; GigE Vision 1.x YUYVPacked). */
    YUV422_8("YUV422_8", 0x02100032, 8, "YUYV", "YUYVPacked", "YUV422_YUYV_Packed"),
    /** U Y0 V Y1 (PFNC YUV422_8_UYVY; GigE Vision 1.x YUV422Packed). */
    YUV422_8_UYVY("YUV422_8_UYVY", 0x0210001F, 8, "UYVY", "YUV422Packed");

    private final String genicamName;
    private final int code;
    private final int bits;
    private final String[] aliases;

    GenicamPixelFormat(String genicamName, int code, int bits, String... aliases) {
        this.genicamName = genicamName;
        this.code = code;
        this.bits = bits;
        this.aliases = aliases;
    }

    /** The PFNC name, as the camera's PixelFormat feature spells it. */
    public String genicamName() {
        return genicamName;
    }

    /** The PFNC code carried by each GigE Vision buffer. */
    public int code() {
        return code;
    }

    /**
     * Significant bits per sample (Mono10: 10, stored unpacked in 16-bit little-endian words; Mono10p: 10, packed).
     */
    public int bits() {
        return bits;
    }

    /** Bytes one w x h frame takes in this format. */
    public long frameBytes(int width, int height) {
        long pixels = (long) width * height;
        return switch (this) {
            case MONO8, BAYER_GR8, BAYER_RG8, BAYER_GB8, BAYER_BG8 -> pixels;
            case MONO10, MONO12, MONO16, YUV422_8, YUV422_8_UYVY -> pixels * 2;
            case BAYER_GR16, BAYER_RG16, BAYER_GB16, BAYER_BG16 -> pixels * 2;
            case MONO10P, MONO12P -> (pixels * bits + 7) / 8;
            case RGB8, BGR8 -> pixels * 3;
            case RGB16, BGR16 -> pixels * 6;
        };
    }

    /** The format with this PFNC name or alias (case-insensitive). */
    public static GenicamPixelFormat fromName(String name) {
        for (GenicamPixelFormat f : values()) {
            if (f.genicamName.equalsIgnoreCase(name)) {
                return f;
            }
            for (String a : f.aliases) {
                if (a.equalsIgnoreCase(name)) {
                    return f;
                }
            }
        }
        throw new UnsupportedPixelFormatException("pixel format " + name + " is not supported; supported: "
                + supported() + " (set the camera's PixelFormat feature to one of these)");
    }

    /** The format with this PFNC code. */
    public static GenicamPixelFormat fromCode(int code) {
        for (GenicamPixelFormat f : values()) {
            if (f.code == code) {
                return f;
            }
        }
        throw new UnsupportedPixelFormatException(
                "pixel format 0x" + Integer.toHexString(code).toUpperCase(Locale.ROOT)
                        + " is not supported; supported: " + supported()
                        + " (set the camera's PixelFormat to one of these: Mono16 or Mono12p for mono, BayerRG16 or an"
                        + " 8-bit format for colour)");
    }

    static String supported() {
        return Arrays.stream(values()).map(GenicamPixelFormat::genicamName).collect(Collectors.joining(", "));
    }
}
