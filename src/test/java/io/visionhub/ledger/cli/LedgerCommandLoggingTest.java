package io.visionhub.ledger.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.audit.AuditSelection;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger command logs with the hub's logging configuration, not with a bundled library's logback.xml
 * (Eclipse Tahu's sets TRACE): run as an operator runs it, in its own JVM on the hub's classpath (without the
 * test classes and their logback-test.xml), {@code verify-package} prints its result and no library chatter.
 */
class LedgerCommandLoggingTest {

    @TempDir
    Path dir;

    @Test
    void verifyPackageOutputHasNoTraceOrDebugLinesFromLibraries() throws Exception {
        Path zip = dir.resolve("audit.zip");
        try (LedgerFixture f = new LedgerFixture(dir.resolve("ledger"))) {
            f.inspections(3);
            Files.write(zip, f.audit.build(AuditSelection.of(null, "LOT-7", null, null), "auditor.kim"));
        }
        String classpath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(p -> !p.replace('\\', '/').endsWith("target/test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        classpath,
                        LedgerCommand.class.getName(),
                        "verify-package",
                        zip.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(output).isZero();
        List<String> lines = output.lines().toList();
        assertThat(lines).as(output).noneMatch(l -> l.matches(".*\\b(TRACE|DEBUG)\\b.*"));
        assertThat(lines).as("logback's own status dump").noneMatch(l -> l.contains("|-INFO in ch.qos.logback"));
        assertThat(output).containsIgnoringCase("verified");
    }
}
