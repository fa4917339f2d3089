package io.visionhub.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The shell examples of the documentation (README.md and docs/*.md), as {@link DocExamplesTest} runs them.
 *
 * <p>The rules, also written in README.md ("Documentation"):
 * <ul>
 *   <li>a fenced block whose info string starts with {@code bash} and that calls {@code curl} or
 *       {@code mosquitto_sub}/{@code mosquitto_pub} is an example run against the demo;</li>
 *   <li>an HTML comment {@code <!-- not-run: reason -->} on the line before the fence (blank lines between
 *       allowed) excludes it; the test lists it as skipped with the reason (also a bash block without curl);</li>
 *   <li>a comment {@code # HTTP 409} in the block says a call of it answers that status (every other call must
 *       answer 2xx).</li>
 * </ul>
 * Other code blocks that mention curl are listed as not checked, so that they can be marked.
 */
final class MarkdownExamples {

    private static final Pattern FENCE = Pattern.compile("^(\\s*)(`{3,}|~{3,})\\s*([^`\\s]*)?.*$");
    private static final Pattern NOT_RUN = Pattern.compile("^\\s*<!--\\s*not-run:\\s*(.*?)\\s*-->\\s*$");
    private static final Pattern COMMAND = Pattern.compile("(^|[\\s;|&($])(curl|mosquitto_sub|mosquitto_pub)\\s");
    private static final Pattern EXPECTED_STATUS = Pattern.compile("#.*?\\bHTTP (\\d{3})\\b");

    /** A shell block of a Markdown file; {@code notRun} is the reason it is not run, or null. */
    record Example(Path file, int line, String script, String notRun) {

        String name() {
            return file + ":" + line;
        }

        /** The non-2xx statuses the block says its calls answer ({@code # HTTP 409}). */
        List<Integer> expectedStatuses() {
            List<Integer> codes = new ArrayList<>();
            Matcher m = EXPECTED_STATUS.matcher(script);
            while (m.find()) {
                codes.add(Integer.parseInt(m.group(1)));
            }
            return codes;
        }
    }

    /** A code block that mentions curl or mosquitto but is not a marked example: reported, not run. */
    record Unmarked(Path file, int line) {}

    record Found(List<Example> examples, List<Unmarked> unmarked) {}

    private MarkdownExamples() {}

    /** README.md and docs/*.md of the repository root, in file name order (README first). */
    static List<Path> documentationFiles(Path root) throws IOException {
        List<Path> files = new ArrayList<>();
        files.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.getFileName().toString().endsWith(".md"))
                    .sorted()
                    .forEach(files::add);
        }
        return files;
    }

    static Found parse(Path root, List<Path> files) throws IOException {
        List<Example> examples = new ArrayList<>();
        List<Unmarked> unmarked = new ArrayList<>();
        for (Path file : files) {
            parseFile(root.relativize(file), Files.readAllLines(file), examples, unmarked);
        }
        return new Found(examples, unmarked);
    }

    static void parseFile(Path name, List<String> lines, List<Example> examples, List<Unmarked> unmarked) {
        int i = 0;
        while (i < lines.size()) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (open.matches()) {
                String indent = open.group(1);
                String fence = open.group(2);
                String lang = open.group(3) == null ? "" : open.group(3);
                int start = i;
                StringBuilder body = new StringBuilder();
                i++;
                while (i < lines.size() && !lines.get(i).strip().startsWith(fence)) {
                    String l = lines.get(i);
                    body.append(l.startsWith(indent) ? l.substring(indent.length()) : l.stripLeading())
                            .append('\n');
                    i++;
                }
                i++; // closing fence
                String script = body.toString();
                boolean callsTheHub = COMMAND.matcher(script).find();
                String notRun = notRunReason(lines, start);
                if (lang.equals("bash") && (callsTheHub || notRun != null)) {
                    examples.add(new Example(name, start + 1, script, notRun));
                } else if (callsTheHub) {
                    unmarked.add(new Unmarked(name, start + 1));
                }
                continue;
            }
            // an indented code block (4 spaces after a blank line) with a command in it
            if (lines.get(i).startsWith("    ")
                    && (i == 0 || lines.get(i - 1).isBlank())
                    && COMMAND.matcher(lines.get(i)).find()) {
                unmarked.add(new Unmarked(name, i + 1));
            }
            i++;
        }
    }

    private static String notRunReason(List<String> lines, int fenceLine) {
        for (int j = fenceLine - 1; j >= 0; j--) {
            if (lines.get(j).isBlank()) {
                continue;
            }
            Matcher m = NOT_RUN.matcher(lines.get(j));
            return m.matches() ? m.group(1) : null;
        }
        return null;
    }
}
