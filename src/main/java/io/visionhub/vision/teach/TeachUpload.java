package io.visionhub.vision.teach;

import io.visionhub.vision.ImageDecoder;
import io.visionhub.vision.model.ModelException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import org.springframework.core.io.InputStreamSource;

/**
 * The images of a teaching upload (multipart form: fields {@code good}, {@code heldOutGood},
 * {@code heldOutDefective}, each holding images or zips of images), read with the checks of the folder-based
 * teach (.png/.jpg/.jpeg/.bmp, decodable, at most {@code maxPixels} from the header) and the limits an upload
 * needs besides: at most {@code maxImages} images, each at most {@code maxImageBytes}, and at most
 * {@code maxUnpackedBytes} in all. Sizes are counted on the bytes actually unpacked, never on what a zip entry
 * declares, so a zip bomb stops at the limit. Every refusal is an {@link IllegalArgumentException} naming the
 * field, the file (and the zip entry) and the limit.
 */
public final class TeachUpload {

    public static final String GOOD = "good";
    public static final String HELD_OUT_GOOD = "heldOutGood";
    public static final String HELD_OUT_DEFECTIVE = "heldOutDefective";
    private static final List<String> FIELDS = List.of(GOOD, HELD_OUT_GOOD, HELD_OUT_DEFECTIVE);
    private static final List<String> IMAGE_EXTENSIONS = List.of(".png", ".jpg", ".jpeg", ".bmp");

    /** One uploaded file: the form field it came in, its file name, its content. */
    public record Part(String field, String fileName, InputStreamSource content) {}

    /**
     * @param maxImages        images in one upload, all fields and zips together
     * @param maxImageBytes    bytes of one image (as uploaded, or unpacked from a zip)
     * @param maxUnpackedBytes bytes of all images of one upload together
     * @param maxPixels        width x height of one image, from its header (visionhub.vision.max-frame-pixels)
     */
    public record Limits(int maxImages, long maxImageBytes, long maxUnpackedBytes, long maxPixels) {}

    private final Limits limits;
    private int images;
    private long unpacked;

    private TeachUpload(Limits limits) {
        this.limits = limits;
    }

    /** The decoded images per field (each field present, possibly empty), in the order they were uploaded. */
    public static Map<String, List<BufferedImage>> read(List<Part> parts, Limits limits) {
        TeachUpload upload = new TeachUpload(limits);
        Map<String, List<BufferedImage>> byField = new LinkedHashMap<>();
        FIELDS.forEach(f -> byField.put(f, new ArrayList<>()));
        for (Part part : parts) {
            List<BufferedImage> into = byField.get(part.field());
            if (into == null) {
                throw new IllegalArgumentException("unknown file field '" + part.field() + "' (file " + part.fileName()
                        + "): send images or zips of images as " + String.join(", ", FIELDS));
            }
            upload.readPart(part, into);
        }
        if (byField.get(GOOD).isEmpty()) {
            throw new IllegalArgumentException(
                    parts.isEmpty()
                            ? "the upload holds no files: send the good images (or a zip of them) as field '" + GOOD
                                    + "'"
                            : "the upload holds no good images: field '" + GOOD
                                    + "' is missing or its zips hold no .png/.jpg/.jpeg/.bmp");
        }
        return byField;
    }

    private void readPart(Part part, List<BufferedImage> into) {
        String name = part.fileName() == null || part.fileName().isBlank() ? "(no file name)" : part.fileName();
        String where = part.field() + " file " + name;
        String lower = name.toLowerCase(Locale.ROOT);
        try (InputStream in = part.content().getInputStream()) {
            if (lower.endsWith(".zip")) {
                readZip(in, where, into);
            } else if (isImageName(lower)) {
                into.add(decode(readAtMost(in, where), where));
            } else {
                throw new IllegalArgumentException(
                        where + " is not an image (.png, .jpg, .jpeg, .bmp) or a .zip of images");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(where + " cannot be read: " + e.getMessage(), e);
        }
    }

    private void readZip(InputStream in, String where, List<BufferedImage> into) throws IOException {
        int before = into.size();
        boolean anyEntry = false;
        try (ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                anyEntry = true;
                String entryName = entry.getName();
                String base =
                        entryName.substring(entryName.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
                // as a folder is read: only image files; folders, hidden files and macOS metadata are skipped
                if (entry.isDirectory()
                        || base.startsWith(".")
                        || entryName.startsWith("__MACOSX/")
                        || !isImageName(base)) {
                    if (base.endsWith(".zip")) {
                        throw new IllegalArgumentException(
                                where + ": entry " + entryName + " is a zip inside the zip; send the images");
                    }
                    continue;
                }
                String at = where + " entry " + entryName;
                into.add(decode(readAtMost(zip, at), at));
            }
        } catch (ZipException e) {
            throw new IllegalArgumentException(where + " is not a readable zip: " + e.getMessage(), e);
        }
        if (!anyEntry) {
            throw new IllegalArgumentException(where + " is not a zip or is empty (no entries)");
        }
        if (into.size() == before) {
            throw new IllegalArgumentException(where + " holds no .png/.jpg/.jpeg/.bmp images");
        }
    }

    /** Reads one image's bytes, counting them against the per-image, total and count limits as they come. */
    private byte[] readAtMost(InputStream in, String where) throws IOException {
        if (++images > limits.maxImages()) {
            throw new IllegalArgumentException("too many images: more than " + limits.maxImages()
                    + " in one upload (at " + where + "; visionhub.vision.teach.upload.max-images)");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16384];
        long size = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            size += n;
            unpacked += n;
            if (size > limits.maxImageBytes()) {
                throw new IllegalArgumentException(where + " is larger than " + limits.maxImageBytes()
                        + " bytes (visionhub.vision.teach.upload.max-image-size)");
            }
            if (unpacked > limits.maxUnpackedBytes()) {
                throw new IllegalArgumentException("the upload unpacks to more than " + limits.maxUnpackedBytes()
                        + " bytes (at " + where + "; visionhub.vision.teach.upload.max-unpacked-size): a zip bomb, or "
                        + "send fewer images");
            }
            out.write(buf, 0, n);
        }
        if (size == 0) {
            throw new IllegalArgumentException(where + " is empty (0 bytes)");
        }
        return out.toByteArray();
    }

    private BufferedImage decode(byte[] bytes, String where) {
        try {
            return ImageDecoder.decode(bytes, where, limits.maxPixels());
        } catch (ModelException e) {
            throw new IllegalArgumentException("image " + where + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static boolean isImageName(String lowerName) {
        return IMAGE_EXTENSIONS.stream().anyMatch(lowerName::endsWith);
    }
}
