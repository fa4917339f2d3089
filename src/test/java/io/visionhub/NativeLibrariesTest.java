package io.visionhub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The check ProductionJarIT runs on the packaged jar, on the unslimmed library jars of the Maven repository (the
 * test class path): it must find the foreign natives that pom.xml's strip-foreign-natives removes.
 */
class NativeLibrariesTest {

    @Test
    void rocksDbsFullJarHasThirteenNativesAndOnlyTheGlibcX8664OnePasses() throws Exception {
        List<NativeLibraries.Found> natives = scan(org.rocksdb.RocksDB.class);
        assertThat(natives).hasSize(13);
        assertThat(natives.stream().filter(n -> n.isLinuxFor("x86-64")).map(NativeLibraries.Found::where))
                .as("the musl build is x86-64 Linux too, but not the one the glibc image loads")
                .singleElement()
                .asString()
                .endsWith("!librocksdbjni-linux64.so");
        assertThat(natives.stream().filter(n -> n.isLinuxFor("aarch64")).map(NativeLibraries.Found::where))
                .singleElement()
                .asString()
                .endsWith("!librocksdbjni-linux-aarch64.so");
        assertThat(natives).extracting(NativeLibraries.Found::format).contains("ELF", "PE (Windows)", "Mach-O (macOS)");
    }

    @Test
    void onnxRuntimesFullJarCarriesMacOsDebugSymbolsAndWindowsDllsThatFail() throws Exception {
        List<NativeLibraries.Found> natives = scan(ai.onnxruntime.OrtEnvironment.class);
        assertThat(natives.stream().filter(n -> !n.isLinuxFor("x86-64")).map(NativeLibraries.Found::where))
                .anyMatch(w -> w.contains("/win-x64/onnxruntime.dll"))
                .anyMatch(w -> w.contains("/osx-aarch64/libonnxruntime.dylib.dSYM/"))
                .anyMatch(w -> w.contains("/linux-aarch64/libonnxruntime.so"));
        assertThat(natives.stream().filter(n -> n.isLinuxFor("x86-64")).map(NativeLibraries.Found::where))
                .allMatch(w -> w.contains("/linux-x64/"))
                .hasSize(2);
    }

    @Test
    void textAndClassFilesAreNotNatives() {
        assertThat(NativeLibraries.classify("x.jar!README.md", "# title\\n".getBytes()))
                .isNull();
        assertThat(NativeLibraries.classify("x.jar!empty", new byte[0])).isNull();
    }

    private static List<NativeLibraries.Found> scan(Class<?> fromJar) throws Exception {
        Path jar = Path.of(
                fromJar.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(jar).isRegularFile();
        try (InputStream in = Files.newInputStream(jar)) {
            return NativeLibraries.scanLibrary(jar.getFileName().toString(), in);
        }
    }
}
