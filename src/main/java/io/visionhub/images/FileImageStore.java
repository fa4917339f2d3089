package io.visionhub.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/** Content-addressed image store on the filesystem: {@code <root>/ab/cd/<sha256>}. */
public class FileImageStore implements ImageStore {

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private final Path root;

    public FileImageStore(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create image store folder " + root.toAbsolutePath(), e);
        }
    }

    public Path root() {
        return root;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    @Override
    public String put(byte[] encodedImage) {
        String hash = sha256(encodedImage);
        Path target = pathOf(hash);
        if (Files.exists(target)) {
            return hash;
        }
        try {
            Files.createDirectories(target.getParent());
            // write to a temp file, then move: a reader never sees a half-written image
            Path tmp = Files.createTempFile(target.getParent(), hash, ".tmp");
            Files.write(tmp, encodedImage);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
                Files.deleteIfExists(tmp);
            }
            return hash;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store image " + hash + " under " + root.toAbsolutePath(), e);
        }
    }

    @Override
    public Optional<byte[]> get(String sha256) {
        if (sha256 == null || !SHA256_HEX.matcher(sha256).matches()) {
            return Optional.empty();
        }
        Path p = pathOf(sha256);
        try {
            return Files.exists(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read image " + sha256 + " from " + p, e);
        }
    }

    /** Removes the image stored under this hash (retention); false when there was none. */
    public boolean delete(String sha256) {
        if (sha256 == null || !SHA256_HEX.matcher(sha256).matches()) {
            return false;
        }
        Path p = pathOf(sha256);
        try {
            return Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete image " + sha256 + " at " + p, e);
        }
    }

    private Path pathOf(String hash) {
        return root.resolve(hash.substring(0, 2)).resolve(hash.substring(2, 4)).resolve(hash);
    }
}
