package io.visionhub.broker;

import java.util.ArrayList;
import java.util.List;

/**
 * What HiveMQ's file persistence loads and the in-memory mode does not: RocksDB's native library, Xodus and the
 * Kotlin runtime Xodus is written in. The production jar leaves them out unless it is built with
 * {@code -Pembedded-broker,broker-file-persistence} (pom.xml, strip-foreign-natives); without them HiveMQ in file mode does not
 * fail, it hangs at start, so the hub checks first.
 */
final class FilePersistenceLibraries {

    static final String BUILD_HINT = "./mvnw clean package -Pembedded-broker,broker-file-persistence";

    private FilePersistenceLibraries() {}

    /** The parts missing from the class loader, named for the log; empty where file persistence can run. */
    static List<String> missing(ClassLoader loader) {
        List<String> missing = new ArrayList<>();
        if (!present("jetbrains.exodus.env.Environment", loader)) {
            missing.add("Xodus (org.jetbrains.xodus:xodus-environment)");
        }
        if (!present("kotlin.Metadata", loader)) {
            missing.add("Kotlin (org.jetbrains.kotlin:kotlin-stdlib)");
        }
        // the file RocksDB's NativeLibraryLoader takes from its jar for this platform (its classes stay in every jar:
        // HiveMQ's configuration names RocksDB's enums; rocksdbjni is a run-time dependency, hence reflection)
        String rocksDbNative = rocksDbNative("getJniLibraryFileName");
        String fallback = rocksDbNative("getFallbackJniLibraryFileName");
        if ((rocksDbNative == null || loader.getResource(rocksDbNative) == null)
                && (fallback == null || loader.getResource(fallback) == null)) {
            missing.add("RocksDB's native library (" + (rocksDbNative == null ? "librocksdbjni" : rocksDbNative) + ")");
        }
        return missing;
    }

    private static String rocksDbNative(String method) {
        try {
            return (String)
                    Class.forName("org.rocksdb.util.Environment", true, FilePersistenceLibraries.class.getClassLoader())
                            .getMethod(method, String.class)
                            .invoke(null, "rocksdb");
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /** Refuses file persistence where its libraries are missing, saying what to do instead. */
    static void require(ClassLoader loader) {
        List<String> missing = missing(loader);
        if (!missing.isEmpty()) {
            throw new IllegalStateException("visionhub.broker.persistence=file needs the embedded broker's file "
                    + "persistence libraries, which this jar leaves out: " + String.join(", ", missing)
                    + ". Build the jar with " + BUILD_HINT + ", set visionhub.broker.persistence=in-memory, "
                    + "or use an external broker with persistence (visionhub.mqtt.broker-url; docs/mqtt.md)");
        }
    }

    private static boolean present(String className, ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
