package io.visionhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.Provider;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar (failsafe, after {@code package}) is the production build: nothing of the demo source set
 * (src/demo: the ERP simulators and their config) is in it, and no class in it names a demo class (it would
 * fail at run time with NoClassDefFoundError). The demo itself is checked by SimulatorsWiringTest.
 *
 * <p>It is also lean and one platform's (docs/cluster.md, "Deploy and sizing"): every native library in it is an
 * ELF shared object for the machine the build targets ({@code visionhub.jar.native}: x86-64, or aarch64 with
 * {@code -Paarch64}), no OpenCV, and each library that needs natives still has its own; the embedded broker's
 * file persistence (RocksDB's native, Xodus, Kotlin) only with {@code -Pembedded-broker,broker-file-persistence}, and the
 * embedded broker itself (HiveMQ and what only it loads) only with {@code -Pembedded-broker}: the jar without it, started
 * with the embedded broker on (the defaults), stops with one report naming the setting and the fix. {@link ContainerLayersIT}
 * extracts its layers as deploy/container/Dockerfile does and starts the result.
 */
class ProductionJarIT {

    private static final String CLASSES = "BOOT-INF/classes/";
    private static final Path DEMO_JAVA = Path.of("src/demo/java");
    private static final Path DEMO_RESOURCES = Path.of("src/demo/resources");

    private static Path jar;

    @BeforeAll
    static void packagedJar() {
        jar = HubProcess.failsafeJar();
    }

    @Test
    void productionJarHoldsNoClassOrResourceOfTheDemoSourceSet() throws IOException {
        Set<String> demoPackages = demoPackages();
        Set<String> demoResources = new TreeSet<>();
        try (Stream<Path> files = Files.walk(DEMO_RESOURCES)) {
            files.filter(Files::isRegularFile)
                    .forEach(f -> demoResources.add(CLASSES + slashes(DEMO_RESOURCES.relativize(f))));
        }
        assertThat(demoPackages).as("src/demo/java has the simulators").contains("io/visionhub/simulators/");
        assertThat(demoResources)
                .as("src/demo/resources has their config")
                .contains(CLASSES + "config/simulators.yaml");

        List<String> names = new ArrayList<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> e = j.entries(); e.hasMoreElements(); ) {
                names.add(e.nextElement().getName());
            }
        }
        assertThat(names)
                .as("a Spring Boot jar of the hub")
                .contains(
                        CLASSES + "io/visionhub/VisionHubApplication.class",
                        CLASSES + "io/visionhub/enterprise/TargetUrlResolver.class",
                        CLASSES + "config/enterprise.yaml");
        assertThat(names)
                .as("entries of the demo source set in " + jar + " (maven-jar-plugin excludes in pom.xml)")
                .noneMatch(n -> demoResources.contains(n)
                        || demoPackages.stream().anyMatch(pkg -> n.startsWith(CLASSES + pkg) && n.endsWith(".class")));
    }

    @Test
    void noProductionClassNamesADemoClass() throws IOException {
        Set<String> demoPackages = demoPackages();
        List<String> offenders = new ArrayList<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> e = j.entries(); e.hasMoreElements(); ) {
                JarEntry entry = e.nextElement();
                if (!entry.getName().startsWith(CLASSES) || !entry.getName().endsWith(".class")) {
                    continue;
                }
                // a class names another through its constant pool: the internal name (a/b/C) in modified UTF-8
                String constants;
                try (InputStream in = j.getInputStream(entry)) {
                    constants = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                }
                for (String pkg : demoPackages) {
                    if (constants.contains(pkg) || constants.contains(pkg.replace('/', '.'))) {
                        offenders.add(entry.getName().substring(CLASSES.length()) + " names " + pkg);
                    }
                }
            }
        }
        assertThat(offenders)
                .as("production classes that name the demo source set (use an interface of the hub "
                        + "that the demo implements, as TargetUrlResolver)")
                .isEmpty();
    }

    @Test
    void everyNativeLibraryInTheJarIsAnElfObjectForTheTargetMachine() throws IOException {
        String machine = System.getProperty("visionhub.jar.native", "x86-64");
        List<NativeLibraries.Found> natives = NativeLibraries.scan(jar);
        List<String> foreign = natives.stream()
                .filter(n -> !n.isLinuxFor(machine))
                .map(NativeLibraries.Found::toString)
                .toList();
        assertThat(foreign)
                .as("native libraries in " + jar + " not built for Linux " + machine
                        + " (pom.xml, strip-foreign-natives and the native.* properties)")
                .isEmpty();
        // what the stripping keeps: each library that loads natives still finds its own
        assertThat(natives.stream().map(NativeLibraries.Found::where))
                .as("the natives of ONNX Runtime, RocksDB, JNA and FFmpeg (JavaCPP) for " + machine)
                .anySatisfy(w ->
                        assertThat(w).matches("onnxruntime-.*!ai/onnxruntime/native/linux-[^/]+/libonnxruntime.so"))
                .anySatisfy(w -> assertThat(w)
                        .matches("onnxruntime-.*!ai/onnxruntime/native/linux-[^/]+/libonnxruntime4j_jni.so"))
                .anySatisfy(w -> assertThat(w).matches("jna-[0-9.]+jar!com/sun/jna/linux-[^/]+/libjnidispatch.so"))
                .anySatisfy(w -> assertThat(w)
                        .matches("ffmpeg-.*-linux-[^/]+.jar!org/bytedeco/ffmpeg/linux-[^/]+/libavcodec.so.*"))
                .anySatisfy(w -> assertThat(w)
                        .matches("javacpp-.*-linux-[^/]+.jar!org/bytedeco/javacpp/linux-[^/]+/libjnijavacpp.so"));
        // RocksDB's native serves only the embedded broker's file persistence
        // (-Pembedded-broker,broker-file-persistence)
        if (filePersistence()) {
            assertThat(natives.stream().map(NativeLibraries.Found::where))
                    .anySatisfy(w -> assertThat(w).matches("rocksdbjni-.*!librocksdbjni-linux[^/]*.so"));
        } else {
            assertThat(natives.stream().map(NativeLibraries.Found::where)).noneMatch(w -> w.startsWith("rocksdbjni-"));
        }
        assertThat(NativeLibraries.entriesOf(jar, "ffmpeg-"))
                .as("FFmpeg's libraries without JavaCPP's copies of the ffmpeg and ffprobe programs")
                .anyMatch(n -> n.contains("/libavformat.so"))
                .noneMatch(n -> n.endsWith("/ffmpeg") || n.endsWith("/ffprobe"));
    }

    @Test
    void classPathIndexNamesExactlyTheLibrariesInTheJarAndTheBrokersFilePersistenceOnlyWhereBuiltIn()
            throws IOException {
        List<String> libs = new ArrayList<>();
        String index;
        try (JarFile j = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> e = j.entries(); e.hasMoreElements(); ) {
                String n = e.nextElement().getName();
                if (n.startsWith("BOOT-INF/lib/") && n.endsWith(".jar")) {
                    libs.add(n);
                }
            }
            try (InputStream in = j.getInputStream(j.getEntry("BOOT-INF/classpath.idx"))) {
                index = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        List<String> indexed =
                index.lines().map(l -> l.replaceAll("^- \"(.*)\"$", "$1")).toList();
        // the launcher puts every indexed jar on the class path: one the package step removed must go from the index
        assertThat(indexed)
                .as("BOOT-INF/classpath.idx against BOOT-INF/lib in " + jar)
                .containsExactlyInAnyOrderElementsOf(libs);
        List<String> filePersistenceLibs = libs.stream()
                .filter(n -> n.matches("BOOT-INF/lib/(xodus-|kotlin-).*"))
                .toList();
        if (filePersistence()) {
            assertThat(filePersistenceLibs)
                    .as("Xodus and Kotlin with -Pembedded-broker,broker-file-persistence")
                    .isNotEmpty();
        } else {
            assertThat(filePersistenceLibs)
                    .as("Xodus and Kotlin without -Pembedded-broker,broker-file-persistence")
                    .isEmpty();
        }
        assertThat(libs)
                .as("libraries the hub never loads (pom.xml exclusions)")
                .noneMatch(n -> n.matches("BOOT-INF/lib/(c3p0-|mchange-|org.eclipse.paho.client.mqttv3-).*"))
                .as("JNA stays for GigE Vision cameras (Aravis), Paho for MQTT")
                .anyMatch(n -> n.matches("BOOT-INF/lib/jna-[0-9.]+jar"))
                .anyMatch(n -> n.startsWith("BOOT-INF/lib/org.eclipse.paho.mqttv5.client-"));
        if (!embeddedBroker()) {
            // HiveMQ runs on Guava, so -Pembedded-broker keeps it (and, its excludes emptied, Joda too)
            assertThat(libs)
                    .as("Guava (Milo 1.0 shades its own) and Joda-Time, which nothing in the hub loads (pom.xml)")
                    .noneMatch(
                            n -> n.matches(
                                    "BOOT-INF/lib/(guava-|failureaccess-|listenablefuture-|joda-time-|jackson-datatype-joda-).*"))
                    .as("Milo's shaded Guava stays")
                    .anyMatch(n -> n.startsWith("BOOT-INF/lib/milo-stack-core-"));
        }
        List<String> brokerLibs = libs.stream()
                .filter(n -> n.matches("BOOT-INF/lib/(hivemq-|eclipse-collections-|guice-|oshi-core-|jna-platform-"
                        + "|rocksdbjni-|jctools-core-|metrics-core-).*"))
                .toList();
        if (embeddedBroker()) {
            assertThat(brokerLibs)
                    .as("the embedded broker with -Pembedded-broker")
                    .anyMatch(n -> n.startsWith("BOOT-INF/lib/hivemq-community-edition-embedded-"))
                    .anyMatch(n -> n.startsWith("BOOT-INF/lib/rocksdbjni-"))
                    .anyMatch(n -> n.startsWith("BOOT-INF/lib/eclipse-collections-"));
        } else {
            assertThat(brokerLibs)
                    .as("the embedded broker and what only it loads, without -Pembedded-broker (pom.xml, repackage)")
                    .isEmpty();
        }
    }

    @Test
    void withoutTheEmbeddedBrokerTheJarStartedWithItOnStopsWithOneReportNamingTheSettingAndTheFix() throws Exception {
        assumeFalse(embeddedBroker(), "the jar is built with -Pembedded-broker");
        Path work = Files.createTempDirectory("visionhub-lean-jar");
        try {
            // the defaults: no visionhub.mqtt.broker-url, visionhub.broker.enabled=true
            ProcessBuilder pb = new ProcessBuilder(
                            HubProcess.java(),
                            "-jar",
                            jar.toAbsolutePath().toString(),
                            "--server.port=0",
                            "--visionhub.opcua.port=0")
                    .directory(work.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(work.resolve("hub.log").toFile());
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            Process hub = pb.start();
            try {
                assertThat(hub.waitFor(8, TimeUnit.MINUTES))
                        .as("the hub stops by itself")
                        .isTrue();
            } finally {
                hub.destroyForcibly();
            }
            String log = Files.readString(work.resolve("hub.log"));
            assertThat(hub.exitValue()).as(log).isNotZero();
            assertThat(log)
                    .contains("APPLICATION FAILED TO START")
                    .contains("visionhub.broker.enabled")
                    .contains("--visionhub.mqtt.broker-url=tcp://")
                    .contains("./mvnw clean package -Pembedded-broker")
                    .doesNotContain("NoClassDefFoundError")
                    .doesNotContain("ClassNotFoundException");
        } finally {
            HubProcess.deleteTree(work);
        }
    }

    private static boolean filePersistence() {
        return Boolean.parseBoolean(System.getProperty("visionhub.jar.broker-file-persistence", "false"));
    }

    private static boolean embeddedBroker() {
        return Boolean.parseBoolean(System.getProperty("visionhub.jar.embedded-broker", "false"));
    }

    @Test
    void jarHoldsNoOpenCvAndNoSourceMaps() throws IOException {
        List<String> names = new ArrayList<>();
        try (JarFile j = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> e = j.entries(); e.hasMoreElements(); ) {
                names.add(e.nextElement().getName());
            }
        }
        // FFmpegFrameGrabber and Java2DFrameConverter need no OpenCV: 32 MB that nothing loads
        assertThat(names).as("OpenCV in " + jar).noneMatch(n -> n.startsWith("BOOT-INF/lib/opencv-"));
        assertThat(NativeLibraries.entriesOf(jar, "hawtio-springboot-"))
                .as("Hawtio's console without its JavaScript source maps (pom.xml, strip-foreign-natives)")
                .isNotEmpty()
                .anyMatch(n -> n.endsWith(".js"))
                .noneMatch(n -> n.endsWith(".map"));
    }

    @Test
    void bouncyCastleLosesOnlyTheJava8CopiesOfItsClassesAndItsProviderStillMakesEveryAlgorithm() throws Exception {
        Path bcprov = Files.createTempFile("bcprov", ".jar");
        try {
            List<String> names = new ArrayList<>();
            try (JarFile j = new JarFile(jar.toFile())) {
                JarEntry lib = j.stream()
                        .filter(e -> e.getName().matches("BOOT-INF/lib/bcprov-jdk18on-.*\\.jar"))
                        .findFirst()
                        .orElseThrow();
                try (InputStream in = j.getInputStream(lib)) {
                    Files.copy(in, bcprov, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            try (JarFile b = new JarFile(bcprov.toFile())) {
                b.stream().map(JarEntry::getName).forEach(names::add);
            }
            // the package step drops a root class only where Java 17 loads a META-INF/versions/9..17 copy instead
            List<String> versioned = names.stream()
                    .filter(n ->
                            n.matches("META-INF/versions/(9|1[0-7])/.*\\.class") && !n.endsWith("module-info.class"))
                    .map(n -> n.replaceFirst("META-INF/versions/[0-9]+/", ""))
                    .toList();
            assertThat(versioned).as("Java 9+ copies in " + bcprov).isNotEmpty();
            assertThat(names).as("Java 8 copies that Java 17 never loads").doesNotContainAnyElementsOf(versioned);
            // and what is left still makes every algorithm the provider registers (classes loaded as the
            // launcher loads them: the jar opened at the runtime version)
            try (URLClassLoader loader =
                    new URLClassLoader(new URL[] {bcprov.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
                Provider bc = (Provider) loader.loadClass("org.bouncycastle.jce.provider.BouncyCastleProvider")
                        .getDeclaredConstructor()
                        .newInstance();
                List<String> missing = new ArrayList<>();
                for (Provider.Service service : bc.getServices()) {
                    try {
                        service.newInstance(null);
                    } catch (Throwable t) { // some need parameters; only a missing class counts here
                        for (Throwable c = t; c != null; c = c.getCause()) {
                            if (c instanceof ClassNotFoundException || c instanceof NoClassDefFoundError) {
                                missing.add(service.getType() + "." + service.getAlgorithm() + ": " + c);
                                break;
                            }
                        }
                    }
                }
                assertThat(bc.getServices()).as("Bouncy Castle's services").hasSizeGreaterThan(1000);
                assertThat(missing)
                        .as("services of the slimmed Bouncy Castle missing a class")
                        .isEmpty();
            }
        } finally {
            Files.deleteIfExists(bcprov);
        }
    }

    /** Packages of src/demo/java as jar paths ending in '/'. */
    private static Set<String> demoPackages() throws IOException {
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(DEMO_JAVA)) {
            files.filter(f -> f.toString().endsWith(".java"))
                    .forEach(f -> packages.add(slashes(DEMO_JAVA.relativize(f.getParent())) + "/"));
        }
        return packages;
    }

    private static String slashes(Path p) {
        return p.toString().replace('\\', '/');
    }
}
