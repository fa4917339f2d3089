package io.visionhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.visionhub.vision.onnx.OnnxGraphWriter;
import java.awt.image.BufferedImage;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.Attribute;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

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
                    .directory(work.toFile());
            Ended hub = runToEnd(pb, work.resolve("hub.log"), 8, "the hub stops by itself");
            String log = hub.log();
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

    @Test
    void theProductionJarStaysUnder150Megabytes() throws IOException {
        // issue 21's target, for the jar a plant runs: x86-64, without the embedded broker, with ONNX Runtime's
        // CPU build (the ARM jar's FFmpeg and ONNX Runtime are larger)
        assumeFalse(embeddedBroker(), "the jar is built with -Pembedded-broker");
        assumeTrue(
                System.getProperty("visionhub.jar.native", "x86-64").equals("x86-64"),
                "the jar is built with -Paarch64");
        assumeFalse(NativeLibraries.entriesOf(jar, "onnxruntime_gpu-").size() > 0, "the jar is built with -Pgpu");
        assertThat(Files.size(jar))
                .as(jar + " (docs/cluster.md, \"Deploy and sizing\": what is in it and what was left out)")
                .isLessThan(150_000_000L);
    }

    @Test
    void swaggerUiAndHtmxKeepOnlyTheFilesTheirPagesLoad() throws IOException {
        // SwaggerUiController's page and templates/layout.html name these; the other builds of the same code go
        assertThat(NativeLibraries.entriesOf(jar, "swagger-ui-"))
                .as(
                        "Swagger UI's page: the bundle, the standalone preset and the stylesheet (pom.xml, strip-foreign-natives)")
                .anyMatch(n -> n.endsWith("/swagger-ui-bundle.js"))
                .anyMatch(n -> n.endsWith("/swagger-ui-standalone-preset.js"))
                .anyMatch(n -> n.endsWith("/swagger-ui.css"))
                .noneMatch(n -> n.endsWith("/swagger-ui.js") || n.contains("/swagger-ui-es-bundle"));
        assertThat(NativeLibraries.entriesOf(jar, "htmx.org-"))
                .as("htmx: the minified build the operator pages load, not its other builds")
                .anyMatch(n -> n.endsWith("/dist/htmx.min.js"))
                .noneMatch(n -> n.matches(".*/dist/htmx(\\.(cjs|amd|esm))?\\.js"));
    }

    @Test
    void nestedLibrariesHaveNoLocalVariableTablesButKeepLineNumbersAndSignedOnesStayWhole() throws IOException {
        int classes = 0;
        List<String> withTables = new ArrayList<>();
        List<String> signed = new ArrayList<>();
        Map<String, Boolean> lines = new java.util.TreeMap<>();
        Set<String> sampled = Set.of(
                "org/apache/camel/processor/Pipeline.class",
                "org/springframework/boot/SpringApplication.class",
                "com/hazelcast/instance/impl/HazelcastInstanceImpl.class",
                "org/bytedeco/javacv/FFmpegFrameGrabber.class",
                "ai/onnxruntime/OrtSession.class");
        Path lib = Files.createTempFile("visionhub-nested", ".jar");
        try (JarFile fat = new JarFile(jar.toFile())) {
            for (JarEntry nested : fat.stream()
                    .filter(e -> e.getName().matches("BOOT-INF/lib/.*\\.jar"))
                    .toList()) {
                try (InputStream in = fat.getInputStream(nested)) {
                    Files.copy(in, lib, StandardCopyOption.REPLACE_EXISTING);
                }
                String name = nested.getName().substring("BOOT-INF/lib/".length());
                try (JarFile j = new JarFile(lib.toFile(), true)) {
                    if (j.stream().anyMatch(e -> e.getName().matches("META-INF/[^/]+\\.(SF|RSA|DSA|EC)"))) {
                        // a signed jar is left whole: reading every entry verifies it (SecurityException on a
                        // digest that does not match); Bouncy Castle's classes are all signed (Paho's SHA-1
                        // signature is one the JDK no longer accepts, its classes count as unsigned)
                        for (JarEntry e : j.stream().toList()) {
                            try (InputStream in = j.getInputStream(e)) {
                                in.readAllBytes();
                            }
                            if (name.startsWith("bc") && e.getName().endsWith(".class")) {
                                assertThat(e.getCodeSigners())
                                        .as(name + "!" + e.getName())
                                        .isNotEmpty();
                            }
                        }
                        signed.add(name);
                        continue;
                    }
                    for (JarEntry e : j.stream()
                            .filter(e -> e.getName().endsWith(".class")
                                    && !e.getName().endsWith("module-info.class"))
                            .toList()) {
                        byte[] bytes;
                        try (InputStream in = j.getInputStream(e)) {
                            bytes = in.readAllBytes();
                        }
                        DebugAttributes a = DebugAttributes.of(bytes);
                        classes++;
                        // the package step leaves a class whole where ASM sees an attribute it does not know
                        if (a.localVariables > 0 && !a.unknownAttribute) {
                            withTables.add(name + "!" + e.getName());
                        }
                        if (sampled.contains(e.getName())) {
                            lines.put(e.getName(), a.lineNumbers > 0 && a.sourceFile);
                        }
                    }
                }
            }
        } finally {
            Files.deleteIfExists(lib);
        }
        assertThat(classes).as("classes in the nested jars of " + jar).isGreaterThan(10_000);
        assertThat(withTables)
                .as("classes that still carry a LocalVariableTable (pom.xml, StripLocalVariableTables)")
                .isEmpty();
        assertThat(lines)
                .as("line numbers and source file names stay, so stack traces still say where")
                .containsOnlyKeys(sampled)
                .doesNotContainValue(false);
        assertThat(signed)
                .as("signed jars (Bouncy Castle, Paho) are not rewritten")
                .anyMatch(n -> n.startsWith("bcprov-"))
                .anyMatch(n -> n.startsWith("org.eclipse.paho.mqttv5.client-"));
    }

    /** What a class file carries of the debug attributes, and whether it has one ASM does not know. */
    private static final class DebugAttributes extends ClassVisitor {
        int localVariables;
        int lineNumbers;
        boolean sourceFile;
        boolean unknownAttribute;

        private DebugAttributes() {
            super(Opcodes.ASM9);
        }

        static DebugAttributes of(byte[] classFile) {
            DebugAttributes a = new DebugAttributes();
            new ClassReader(classFile).accept(a, 0);
            return a;
        }

        @Override
        public void visitSource(String source, String debug) {
            sourceFile = source != null;
        }

        @Override
        public void visitAttribute(Attribute attribute) {
            unknownAttribute = true;
        }

        @Override
        public MethodVisitor visitMethod(
                int access, String name, String descriptor, String signature, String[] exceptions) {
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitLocalVariable(String n, String d, String s, Label start, Label end, int index) {
                    localVariables++;
                }

                @Override
                public void visitLineNumber(int line, Label start) {
                    lineNumbers++;
                }

                @Override
                public void visitAttribute(Attribute attribute) {
                    unknownAttribute = true;
                }
            };
        }
    }

    @Test
    void theNativesLeftInTheJarLoadFromItsNestedJarsAndWork() throws Exception {
        String machine = System.getProperty("visionhub.jar.native", "x86-64");
        assumeTrue(
                machine.equals(
                        System.getProperty("os.arch").equals("amd64") ? "x86-64" : System.getProperty("os.arch")),
                "the jar is built for " + machine + ", this JVM runs on " + System.getProperty("os.arch"));
        Path work = Files.createTempDirectory("visionhub-jar-natives");
        try {
            // the nested jars as the package step left them: the probe loads nothing from the Maven repository
            List<String> classPath = new ArrayList<>();
            try (JarFile j = new JarFile(jar.toFile())) {
                for (JarEntry e : j.stream()
                        .filter(
                                e -> e.getName()
                                        .matches(
                                                "BOOT-INF/lib/(javacv|javacpp|ffmpeg|onnxruntime|onnxruntime_gpu|jna)-[0-9][^/]*\\.jar"))
                        .toList()) {
                    Path lib = work.resolve(e.getName().substring("BOOT-INF/lib/".length()));
                    try (InputStream in = j.getInputStream(e)) {
                        Files.copy(in, lib);
                    }
                    classPath.add(lib.toString());
                }
            }
            assertThat(classPath)
                    .as("JavaCV, JavaCPP and FFmpeg (classes and natives), ONNX Runtime, JNA in " + jar)
                    .hasSize(7);
            classPath.add(Path.of(JarNativesProbe.class
                            .getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString());
            Path model = work.resolve("add.onnx");
            new OnnxGraphWriter("add")
                    .input("x", new long[] {1, 2})
                    .initializer("b", new long[] {2}, new float[] {1f, 2f})
                    .node("Add", List.of("x", "b"), List.of("y"))
                    .output("y", new long[] {1, 2})
                    .write(model);
            Path jpeg = work.resolve("part.jpg");
            ImageIO.write(new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR), "jpg", jpeg.toFile());
            Path cache = work.resolve("javacpp-cache");
            Path tmp = Files.createDirectory(work.resolve("tmp"));
            ProcessBuilder pb = new ProcessBuilder(
                    HubProcess.java(),
                    "-cp",
                    String.join(java.io.File.pathSeparator, classPath),
                    // fresh extraction folders: the natives come out of these jars, not a cache of the full
                    // ones
                    "-Dorg.bytedeco.javacpp.cachedir=" + cache,
                    "-Djava.io.tmpdir=" + tmp,
                    "-Djna.tmpdir=" + tmp,
                    "-Djna.nosys=true",
                    JarNativesProbe.class.getName(),
                    model.toString(),
                    jpeg.toString());
            Ended probe = runToEnd(pb, work.resolve("probe.log"), 5, "the probe ends");
            String log = probe.log();
            assertThat(probe.exitValue()).as(log).isZero();
            assertThat(log)
                    .contains("ffmpeg 64x48 channels 3")
                    .contains("onnxruntime [11.0, 22.0]")
                    .containsPattern("jna pointer size 8 pid [0-9]+");
            List<String> extracted;
            try (Stream<Path> files = Files.walk(cache)) {
                extracted = files.map(f -> f.getFileName().toString()).toList();
            }
            assertThat(extracted)
                    .as("FFmpeg's libraries that FFmpegFrameGrabber loads, extracted from the jar by JavaCPP")
                    .anyMatch(n -> n.startsWith("libavcodec.so"))
                    .anyMatch(n -> n.startsWith("libavformat.so"))
                    .anyMatch(n -> n.startsWith("libavdevice.so"))
                    .anyMatch(n -> n.startsWith("libavfilter.so"))
                    .anyMatch(n -> n.startsWith("libswscale.so"));
        } finally {
            HubProcess.deleteTree(work);
        }
    }

    /** Packages of src/demo/java as jar paths ending in '/'. */
    /** How a process run by {@link #runToEnd} ended: its exit value and its output. */
    private record Ended(int exitValue, String log) {}

    /**
     * Runs a JVM (without the machine's JAVA_TOOL_OPTIONS) with its output in {@code log}, asserts it ends within the
     * minutes given ({@code what} names the expectation) and kills it if not.
     */
    private static Ended runToEnd(ProcessBuilder pb, Path log, long minutes, String what)
            throws IOException, InterruptedException {
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        try {
            assertThat(p.waitFor(minutes, TimeUnit.MINUTES)).as(what).isTrue();
        } finally {
            p.destroyForcibly();
        }
        return new Ended(p.exitValue(), Files.readString(log));
    }

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
