package io.visionhub.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.visionhub.broker.EmbeddedMqttBroker;
import io.visionhub.docs.MarkdownExamples.Example;
import io.visionhub.docs.MarkdownExamples.Found;
import io.visionhub.docs.MarkdownExamples.Unmarked;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Every shell example of README.md and docs/*.md runs as written against the demo (issue 16: they are
 * documentation). The whole demo runs as {@code ./mvnw spring-boot:run} starts it (routes/ from disk, the
 * simulated camera, the demo MES, the simulators), on free ports; each example then runs in bash with only the
 * ports rewritten: {@code localhost:8080} becomes the test hub's HTTP port and {@code -p 1883} the port of its
 * broker. Which blocks are examples, how one is excluded and how an expected HTTP status is written: see
 * {@link MarkdownExamples}. Each block runs on its own, in a fresh shell in an empty folder, in file order.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("isolated")
@DirtiesContext
class DocExamplesTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path MODELS = tempModels();
    private static final Duration EXAMPLE_TIMEOUT = Duration.ofSeconds(120);
    /** What the test's curl wrapper writes to stderr for each call (curl's %{stderr} write-out). */
    private static final Pattern CALL = Pattern.compile("^@@http (\\d{3}) (\\S+) (\\S+)$", Pattern.MULTILINE);

    @DynamicPropertySource
    static void demo(DynamicPropertyRegistry r) {
        r.add("visionhub.routes.dir", () -> "routes");
        r.add("visionhub.demo.fps", () -> "5");
        // models taught by the examples go to a temporary folder, not the repository's models/
        r.add("visionhub.vision.teach.models-root", () -> MODELS.toString());
        // and versions uploaded to the model registry (docs/models.md) too
        r.add("visionhub.vision.registry.dir", () -> MODELS.resolve("registry").toString());
    }

    @LocalServerPort
    int httpPort;

    @Autowired
    EmbeddedMqttBroker broker;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    CamelContext camel;

    private static volatile boolean demoRunning;

    @TestFactory
    Stream<DynamicTest> everyShellExampleOfTheDocsRunsAgainstTheDemo() throws IOException {
        Found found = MarkdownExamples.parse(ROOT, MarkdownExamples.documentationFiles(ROOT));
        for (Unmarked u : found.unmarked()) {
            System.out.printf(
                    "NOT CHECKED %s:%d: a code block with curl/mosquitto that is not a ```bash block%n",
                    u.file(), u.line());
        }
        assertThat(found.examples()).as("examples in README.md and docs/*.md").isNotEmpty();
        return found.examples().stream().map(e -> DynamicTest.dynamicTest(e.name(), () -> run(e)));
    }

    private void run(Example example) throws Exception {
        if (example.notRun() != null) {
            System.out.printf("NOT RUN %s: %s%n", example.name(), example.notRun());
            Assumptions.abort("not run against the demo: " + example.notRun());
        }
        for (String tool : List.of("curl", "jq", "mosquitto_sub")) {
            Assumptions.assumeTrue(
                    !example.script().contains(tool) || onPath(tool),
                    () -> tool + " is not installed (Debian package "
                            + (tool.startsWith("mosquitto") ? "mosquitto-clients" : tool) + ")");
        }
        awaitDemoRunning();

        Path dir = Files.createTempDirectory("doc-example");
        Path script = dir.resolve("example.sh");
        Files.writeString(script, """
                set -eo pipefail
                # each call's status on stderr, for the test (stdout stays as the example prints it)
                curl() { command curl -w '%%{stderr}@@http %%{http_code} %%{method} %%{url_effective}\\n' "$@"; }
                %s""".formatted(withTestPorts(example.script())));
        Process p = new ProcessBuilder("bash", script.toString())
                .directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile())
                .start();
        boolean ended = p.waitFor(EXAMPLE_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
        }
        String out = Files.readString(dir.resolve("stdout"), StandardCharsets.UTF_8);
        String err = Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8);
        deleteTree(dir);
        String report = "%s%n--- script ---%n%s--- stdout ---%n%s%n--- stderr ---%n%s"
                .formatted(example.name(), withTestPorts(example.script()), out, err);
        System.out.println("RAN " + report);

        assertThat(ended).as("ended within %s: %s", EXAMPLE_TIMEOUT, report).isTrue();
        assertThat(p.exitValue()).as("exit status of %s", report).isZero();
        List<Integer> expected = example.expectedStatuses();
        List<Integer> unexpected = new ArrayList<>();
        List<Integer> seen = new ArrayList<>();
        Matcher call = CALL.matcher(err);
        while (call.find()) {
            int status = Integer.parseInt(call.group(1));
            seen.add(status);
            if ((status < 200 || status > 299) && !expected.contains(status)) {
                unexpected.add(status);
            }
        }
        assertThat(unexpected)
                .as("HTTP statuses other than 2xx and the block's '# HTTP nnn' in %s", report)
                .isEmpty();
        assertThat(seen)
                .as("the statuses the block says it answers (# HTTP nnn) in %s", report)
                .containsAll(expected);
    }

    /** Only the ports differ from what a reader of the docs types: the demo's defaults become this hub's. */
    private String withTestPorts(String script) {
        return script.replace("localhost:8080", "localhost:" + httpPort)
                .replace("127.0.0.1:8080", "127.0.0.1:" + httpPort)
                .replaceAll("-p 1883\\b", "-p " + broker.port())
                .replace("localhost:1883", "localhost:" + broker.port());
    }

    /** The examples read what the demo made: wait (once) until the camera has recorded a few inspections. */
    private void awaitDemoRunning() {
        if (demoRunning) {
            return;
        }
        try {
            await().atMost(Duration.ofSeconds(180))
                    .until(() -> jdbc.queryForObject(
                                    "SELECT COUNT(*) FROM inspection WHERE station = 'station-1' AND production_order IS NOT NULL",
                                    Long.class)
                            >= 3);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "the demo recorded no inspections with context in 180 s: "
                            + jdbc.queryForList(
                                    "SELECT station, production_order, COUNT(*) AS n FROM inspection GROUP BY station, production_order")
                            + "; routes "
                            + camel.getRoutes().stream()
                                    .map(r -> r.getRouteId() + "="
                                            + camel.getRouteController().getRouteStatus(r.getRouteId()))
                                    .toList(),
                    e);
        }
        demoRunning = true;
    }

    private static Path tempModels() {
        try {
            return Files.createTempDirectory("doc-example-models");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
