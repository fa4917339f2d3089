package io.visionhub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar (failsafe, after {@code package}) is the production build: nothing of the demo source set
 * (src/demo: the ERP simulators and their config) is in it, and no class in it names a demo class (it would
 * fail at run time with NoClassDefFoundError). The demo itself is checked by SimulatorsWiringTest.
 */
class ProductionJarIT {

    private static final String CLASSES = "BOOT-INF/classes/";
    private static final Path DEMO_JAVA = Path.of("src/demo/java");
    private static final Path DEMO_RESOURCES = Path.of("src/demo/resources");

    private static Path jar;

    @BeforeAll
    static void packagedJar() {
        String p = System.getProperty("visionhub.jar");
        assumeTrue(p != null, "run by failsafe after package (system property visionhub.jar names the jar)");
        jar = Path.of(p);
        assumeTrue(Files.isRegularFile(jar), "no packaged jar at " + jar + " (run ./mvnw verify)");
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
