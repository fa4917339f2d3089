package io.visionhub.ledger.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs the {@code ledger} command in-process, the way {@code main} does, and captures what it printed: tests
 * assert on the exit code ({@code main} passes it to {@code System.exit}) and on stdout and stderr.
 */
public final class LedgerCommandRunner {

    /** One run: the exit code and what was written to stdout and stderr. */
    public record Run(int code, String out, String err) {
        /** stdout then stderr, for assertion messages. */
        public String all() {
            return out + err;
        }
    }

    private LedgerCommandRunner() {}

    public static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LedgerCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
