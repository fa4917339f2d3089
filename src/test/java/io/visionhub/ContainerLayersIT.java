package io.visionhub;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.broker.EmbeddedMqttBroker;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The container image without a container engine: extracts the packaged jar's layers exactly as
 * deploy/container/Dockerfile does ({@code java -Djarmode=tools -jar app.jar extract --layers --launcher}), checks
 * the four layers and what each holds, lays them on top of each other in the Dockerfile's order with the folders
 * it copies, and starts the result with the Dockerfile's entry point and its JDK_JAVA_OPTIONS. The hub must
 * answer the liveness and readiness probes that deploy/kubernetes/vision-hub.yaml names.
 */
class ContainerLayersIT {

    private static final Path DOCKERFILE = Path.of("deploy/container/Dockerfile");
    private static final Path MANIFEST = Path.of("deploy/kubernetes/vision-hub.yaml");
    private static final List<String> LAYERS =
            List.of("dependencies", "spring-boot-loader", "snapshot-dependencies", "application");
    private static final String LAUNCHER = "org.springframework.boot.loader.launch.JarLauncher";

    private static Path jar;

    @TempDir
    Path work;

    @BeforeAll
    static void packagedJar() {
        jar = HubProcess.failsafeJar();
    }

    @Test
    void dockerfileLayersExtractAndTheExtractedHubAnswersTheKubernetesProbes() throws Exception {
        String dockerfile = Files.readString(DOCKERFILE);
        assertThat(dockerfile)
                .as("the Dockerfile extracts as this test does")
                .contains("java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted")
                .contains("ENTRYPOINT [\"java\", \"" + LAUNCHER + "\"]");
        for (String layer : LAYERS) {
            assertThat(dockerfile).contains("COPY --from=layers /build/extracted/" + layer + "/ ./");
        }
        assertThat(dockerfile.indexOf("extracted/dependencies/"))
                .as("least changing layer first")
                .isLessThan(dockerfile.indexOf("extracted/application/"));

        Path extracted = work.resolve("extracted");
        Process extract = new ProcessBuilder(
                        HubProcess.java(),
                        "-Djarmode=tools",
                        "-jar",
                        jar.toAbsolutePath().toString(),
                        "extract",
                        "--layers",
                        "--launcher",
                        "--destination",
                        extracted.toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("extract.log").toFile())
                .start();
        assertThat(extract.waitFor(5, TimeUnit.MINUTES))
                .as("extraction finished")
                .isTrue();
        assertThat(extract.exitValue())
                .as("extraction exit code; log: " + Files.readString(work.resolve("extract.log")))
                .isZero();

        try (Stream<Path> dirs = Files.list(extracted)) {
            assertThat(dirs.map(d -> d.getFileName().toString())).containsExactlyInAnyOrderElementsOf(LAYERS);
        }
        assertThat(extracted.resolve("spring-boot-loader/" + LAUNCHER.replace('.', '/') + ".class"))
                .isRegularFile();
        assertThat(extracted.resolve("application/BOOT-INF/classes/io/visionhub/VisionHubApplication.class"))
                .isRegularFile();
        assertThat(extracted.resolve("application/BOOT-INF/classpath.idx")).isRegularFile();
        try (Stream<Path> libs = Files.list(extracted.resolve("dependencies/BOOT-INF/lib"))) {
            List<String> names = libs.map(f -> f.getFileName().toString()).toList();
            assertThat(names)
                    .as("third-party jars in the dependencies layer, none of the hub's own classes")
                    .hasSizeGreaterThan(100)
                    .anyMatch(n -> n.startsWith("onnxruntime"))
                    .anyMatch(n -> n.startsWith("camel-core-engine-"))
                    .allMatch(n -> n.endsWith(".jar"));
        }
        try (Stream<Path> files = Files.walk(extracted.resolve("application"))) {
            assertThat(files.filter(f -> f.toString().endsWith(".jar")).toList())
                    .as("no library in the application layer")
                    .isEmpty();
        }
        Manifest manifest;
        try (InputStream in = Files.newInputStream(extracted.resolve("application/META-INF/MANIFEST.MF"))) {
            manifest = new Manifest(in);
        }
        assertThat(manifest.getMainAttributes().getValue("Main-Class")).isEqualTo(LAUNCHER);
        assertThat(manifest.getMainAttributes().getValue("Start-Class")).isEqualTo("io.visionhub.VisionHubApplication");

        // the image's /opt/vision-hub: the layers in the Dockerfile's order, then the folders it copies
        Path app = work.resolve("opt/vision-hub");
        for (String layer : LAYERS) {
            HubProcess.copyTree(extracted.resolve(layer), app);
        }
        for (String dir : List.of("routes", "kamelets", "mappings")) {
            assertThat(dockerfile).contains("COPY " + dir + "/ " + dir + "/");
            HubProcess.copyTree(Path.of(dir), app.resolve(dir));
        }
        Files.createDirectories(app.resolve("tmp"));

        // the plant's broker (as deploy/kubernetes sets visionhub.mqtt.broker-url): the production jar has no embedded
        // one
        EmbeddedMqttBroker plantBroker =
                new EmbeddedMqttBroker(work.resolve("plant-broker"), "127.0.0.1", 0, "in-memory");
        plantBroker.start();
        ProcessBuilder pb = new ProcessBuilder(
                        HubProcess.java(),
                        LAUNCHER,
                        "--server.port=0",
                        "--visionhub.opcua.port=0",
                        "--visionhub.mqtt.broker-url=" + plantBroker.url())
                .directory(app.toFile())
                .redirectErrorStream(true);
        pb.environment().remove("CLASSPATH");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().put("JDK_JAVA_OPTIONS", jdkJavaOptions(dockerfile).replace("/opt/vision-hub", app.toString()));
        HubProcess hub = HubProcess.start(pb, 60, HubProcess.TOMCAT);
        try {
            int http = Integer.parseInt(hub.found(HubProcess.TOMCAT).get(8, TimeUnit.MINUTES));
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            for (String path : probePaths()) {
                HttpResponse<String> answer = waitForUp(client, "http://127.0.0.1:" + http + path);
                assertThat(answer.statusCode()).as(path + " → " + answer.body()).isEqualTo(200);
                assertThat(answer.body()).as(path).contains("\"status\":\"UP\"");
            }
        } catch (Exception | AssertionError e) {
            throw new AssertionError("the extracted hub failed; its last lines:\n" + hub.lastLines(), e);
        } finally {
            hub.close();
            plantBroker.stop();
        }
    }

    /** The hub starts routes after Tomcat: a probe may say 503 (not ready) for a while, never for long. */
    private static HttpResponse<String> waitForUp(HttpClient client, String url) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = client.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (last.statusCode() == 200) {
                    return last;
                }
            } catch (IOException notYet) {
                // connection refused while Tomcat's connector opens
            }
            Thread.sleep(1000);
        }
        if (last == null) {
            throw new AssertionError("no answer from " + url);
        }
        return last;
    }

    /** The HTTP paths of the probes of the StatefulSet's container. */
    @SuppressWarnings("unchecked")
    static List<String> probePaths() throws IOException {
        List<String> paths = new ArrayList<>();
        for (Object doc : new Yaml().loadAll(Files.readString(MANIFEST))) {
            Map<String, Object> m = (Map<String, Object>) doc;
            if (!"StatefulSet".equals(m.get("kind"))) {
                continue;
            }
            Map<String, Object> spec = (Map<String, Object>) ((Map<String, Object>) m.get("spec")).get("template");
            List<Map<String, Object>> containers =
                    (List<Map<String, Object>>) ((Map<String, Object>) spec.get("spec")).get("containers");
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                Map<String, Object> p = (Map<String, Object>) containers.get(0).get(probe);
                String path = (String) ((Map<String, Object>) p.get("httpGet")).get("path");
                if (!paths.contains(path)) {
                    paths.add(path);
                }
            }
        }
        assertThat(paths).as("probe paths in " + MANIFEST).isNotEmpty();
        return paths;
    }

    /** The value of the Dockerfile's ENV JDK_JAVA_OPTIONS="…" (continued lines joined). */
    static String jdkJavaOptions(String dockerfile) {
        Matcher m = Pattern.compile("ENV JDK_JAVA_OPTIONS=\"((?:[^\"\\\\]|\\\\\\n)*)\"")
                .matcher(dockerfile);
        assertThat(m.find()).as("ENV JDK_JAVA_OPTIONS in " + DOCKERFILE).isTrue();
        return m.group(1).replace("\\\n", "");
    }
}
