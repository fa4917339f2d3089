package io.visionhub.ledger.audit;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of the image entries of an audit package: {@code images/<sha256>.<ext>}, the extension taken from the
 * image's own bytes (JPEG, PNG, BMP; {@code .bin} for anything else) so that a reviewer's tools open the file.
 * Packages written before the extension was added name them {@code images/<sha256>}; both forms are read. The
 * name carries no trust: the verifier compares each image's SHA-256 with the one its proven record holds.
 */
final class ImageEntryNames {

    static final String FOLDER = "images/";
    private static final Pattern ENTRY = Pattern.compile("images/([0-9a-f]{64})(\\.[a-z]{3,4})?");

    private ImageEntryNames() {}

    /** The entry name for an image with this SHA-256 and these bytes. */
    static String name(String sha256, byte[] image) {
        return FOLDER + sha256 + extension(image);
    }

    /** The SHA-256 an entry name stands for (with or without extension); empty for a name of another form. */
    static Optional<String> sha256(String entryName) {
        Matcher m = ENTRY.matcher(entryName);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    static String extension(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff) {
            return ".jpg";
        }
        if (b.length >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return ".png";
        }
        if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') {
            return ".bmp";
        }
        return ".bin";
    }
}
