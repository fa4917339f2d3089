package io.visionhub.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteFileLoaderTest {

    @TempDir
    Path dir;

    DefaultCamelContext camel;
    RouteFileLoader loader;

    @BeforeEach
    void start() {
        camel = new DefaultCamelContext();
        camel.start();
        loader = new RouteFileLoader(camel);
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    private static final String GOOD = """
            - route:
                id: upper
                from:
                  uri: direct:in
                  steps:
                    - setBody:
                        simple: "${body.toUpperCase()}"
                    - to: mock:out
            """;

    // 'steps' is indented under 'from' with a tab-free but wrong mapping: 'to' is not a valid key here
    private static final String BAD = """
            - route:
                id: broken
                from:
                  uri: direct:bad
                  steps:
                    - toooo: mock:never
            """;

    @Test
    void yamlRouteLoadedFromDiskProcessesMessages() throws Exception {
        Files.writeString(dir.resolve("upper.yaml"), GOOD);
        loader.loadAll(dir);

        MockEndpoint out = camel.getEndpoint("mock:out", MockEndpoint.class);
        out.expectedBodiesReceived("PART-7");
        ProducerTemplate template = camel.createProducerTemplate();
        template.sendBody("direct:in", "part-7");
        out.assertIsSatisfied();
        assertThat(loader.status(dir.resolve("upper.yaml")).orElseThrow().routeIds())
                .containsExactly("upper");
    }

    @Test
    void malformedRouteFileIsReportedWithFileAndLineAndOthersKeepRunning() throws Exception {
        Files.writeString(dir.resolve("a-good.yaml"), GOOD);
        Files.writeString(dir.resolve("b-bad.yaml"), BAD);
        loader.loadAll(dir);

        RouteFileStatus bad = loader.status(dir.resolve("b-bad.yaml")).orElseThrow();
        assertThat(bad.loaded()).isFalse();
        assertThat(bad.file()).endsWith("b-bad.yaml");
        assertThat(bad.line()).isEqualTo(6);
        assertThat(bad.problem()).containsIgnoringCase("toooo");
        assertThat(camel.getRoute("upper")).isNotNull();
        assertThat(camel.getRoute("broken")).isNull();

        var health = new RouteFilesHealthIndicator(loader).health();
        assertThat(health.getStatus()).isEqualTo(RouteFilesHealthIndicator.DEGRADED);
        assertThat(health.getDetails().toString()).contains("b-bad.yaml").contains("line=6");
    }

    @Test
    void yamlSyntaxErrorIsReportedWithLine() throws Exception {
        Path f = dir.resolve("syntax.yaml");
        Files.writeString(f, "- route:\n    id: x\n    from: [unclosed\n");
        RouteFileStatus s = loader.load(f);
        assertThat(s.loaded()).isFalse();
        assertThat(s.line()).isNotNull().isGreaterThanOrEqualTo(3);
    }

    @Test
    void failedReloadKeepsThePreviousVersionRunning() throws Exception {
        Path f = dir.resolve("upper.yaml");
        Files.writeString(f, GOOD);
        assertThat(loader.load(f).loaded()).isTrue();

        Files.writeString(f, GOOD.replace("to: mock:out", "toooo: mock:out"));
        RouteFileStatus s = loader.load(f);
        assertThat(s.loaded()).isFalse();
        assertThat(camel.getRoute("upper")).as("previous version restored").isNotNull();
        MockEndpoint out = camel.getEndpoint("mock:out", MockEndpoint.class);
        out.expectedBodiesReceived("STILL");
        camel.createProducerTemplate().sendBody("direct:in", "still");
        out.assertIsSatisfied();
    }

    @Test
    void watcherReloadsAChangedFileAndUnloadsADeletedOne() throws Exception {
        Path f = dir.resolve("upper.yaml");
        Files.writeString(f, GOOD);
        loader.loadAll(dir);
        RouteFileWatcher watcher = new RouteFileWatcher(loader, dir);

        Files.writeString(f, GOOD.replace("toUpperCase()", "toLowerCase()"));
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        watcher.scan(true);
        MockEndpoint out = camel.getEndpoint("mock:out", MockEndpoint.class);
        out.expectedBodiesReceived("lower");
        camel.createProducerTemplate().sendBody("direct:in", "LOWER");
        out.assertIsSatisfied();

        Files.delete(f);
        watcher.scan(true);
        assertThat(camel.getRoute("upper")).isNull();
        watcher.close();
    }
}
