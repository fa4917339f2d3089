package io.visionhub.vision.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The patch features a PatchCore model compares each frame with, kept in a file next to the model card:
 * <pre>
 * bytes 0-3   "VHMB"
 * 4-7         format version (1), little-endian int32
 * 8-11        value type (1 = float32)
 * 12-15       rows (patches)
 * 16-19       dims (feature length)
 * 20-         rows x dims float32, little-endian, row after row
 * </pre>
 * The card holds the file's sha256; {@link #read} refuses a file whose hash, header or size is wrong.
 *
 * @param rows     number of patch features
 * @param dims     length of one feature
 * @param features rows x dims values, row-major
 */
public record MemoryBank(int rows, int dims, float[] features) {

    public static final int HEADER_BYTES = 20;
    private static final byte[] MAGIC = "VHMB".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int FLOAT32 = 1;

    public MemoryBank {
        if (rows <= 0 || dims <= 0 || (long) rows * dims != features.length) {
            throw new IllegalArgumentException(
                    "memory bank of " + rows + " x " + dims + " cannot hold " + features.length + " values");
        }
    }

    /** The file's bytes: header then values. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + features.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).putInt(FLOAT32).putInt(rows).putInt(dims);
        b.asFloatBuffer().put(features);
        return b.array();
    }

    /** Writes the file and returns its sha256 (lower-case hex) for the card. */
    public String write(Path file) {
        byte[] bytes = toBytes();
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new ModelException("cannot write memory bank " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return ModelLoader.sha256(bytes);
    }

    /**
     * Reads and checks a memory bank file.
     *
     * @param expectedSha256 the card's {@code memoryBankSha256}; required, so a swapped or damaged file is refused
     * @param model          model name, for messages
     */
    public static MemoryBank read(Path file, String expectedSha256, String model) {
        String where = "model " + model + ": memory bank " + file.toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new ModelException(where + " does not exist; teach the model again or copy the whole model folder");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelException(where + " cannot be read: " + e.getMessage(), e);
        }
        if (expectedSha256 == null || expectedSha256.isBlank()) {
            throw new ModelException(where + ": the card has no patchcore.memoryBankSha256 to check it against");
        }
        String sha = ModelLoader.sha256(bytes);
        if (!sha.equalsIgnoreCase(expectedSha256.trim())) {
            throw new ModelException(where + " has sha256 " + sha + " but the card says " + expectedSha256
                    + ": the file was changed or belongs to another model");
        }
        return parse(bytes, where);
    }

    /** Parses the bytes of a memory bank file; the message starts with {@code where}. */
    public static MemoryBank parse(byte[] bytes, String where) {
        if (bytes.length < HEADER_BYTES) {
            throw new ModelException(where + " is " + bytes.length + " bytes, shorter than its 20-byte header");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        b.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new ModelException(where + " does not start with VHMB: it is not a Vision Hub memory bank");
        }
        int version = b.getInt();
        int type = b.getInt();
        int rows = b.getInt();
        int dims = b.getInt();
        if (version != VERSION || type != FLOAT32) {
            throw new ModelException(where + " has format version " + version + ", value type " + type
                    + "; this hub reads version 1, float32");
        }
        long expected = HEADER_BYTES + 4L * rows * dims;
        if (rows <= 0 || dims <= 0 || expected != bytes.length) {
            throw new ModelException(where + " says " + rows + " x " + dims + " values (" + expected + " bytes) but is "
                    + bytes.length + " bytes: the file is truncated or corrupt");
        }
        float[] f = new float[rows * dims];
        b.asFloatBuffer().get(f);
        for (int i = 0; i < f.length; i++) {
            if (!Float.isFinite(f[i])) {
                throw new ModelException(where + " holds " + f[i] + " at value " + i + ": the file is corrupt");
            }
        }
        return new MemoryBank(rows, dims, f);
    }
}
