package io.visionhub.dataset;

import io.visionhub.HubLogging;
import io.visionhub.images.FileImageStore;
import io.visionhub.ledger.cli.LedgerCommand;
import io.visionhub.ledger.disposition.DispositionQueries;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The dataset command (no Spring context, reads only), the same export as {@code GET /api/datasets/export}:
 * <pre>
 *   export --out FILE.zip [--db URL] [--db-user U] [--db-password P] [--images DIR] [--from T] [--to T]
 *          [--line L] [--verdict NG,UNCERTAIN] [--format yolo|coco] [--limit N] [--by NAME]
 * </pre>
 * Run from the packaged hub: {@code java -cp vision-hub.jar -Dloader.main=io.visionhub.dataset.DatasetCommand
 * org.springframework.boot.loader.launch.PropertiesLauncher export --out dataset.zip ...}. Exit code 0 written,
 * 2 usage or access error (the message names the option).
 */
public final class DatasetCommand {

    private static final Set<String> OPTIONS = Set.of(
            "out", "db", "db-user", "db-password", "images", "from", "to", "line", "verdict", "format", "limit", "by");

    private DatasetCommand() {}

    public static void main(String[] args) {
        HubLogging.useHubConfiguration();
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || !"export".equals(args[0])) {
            return usage(err, args.length == 0 ? "no command" : "unknown command " + args[0]);
        }
        Path file = null;
        try {
            Map<String, String> o = options(args);
            if (!o.containsKey("out")) {
                throw new IllegalArgumentException("--out is required: the zip file to write");
            }
            Path target = Path.of(o.get("out"));
            DatasetSelection sel = new DatasetSelection(
                    instant(o, "from"),
                    instant(o, "to"),
                    o.get("line"),
                    o.containsKey("verdict") ? Arrays.asList(o.get("verdict").split(",")) : null,
                    o.get("format"),
                    limit(o));
            DriverManagerDataSource ds = new DriverManagerDataSource(
                    o.getOrDefault("db", LedgerCommand.DEFAULT_DB),
                    o.getOrDefault("db-user", "sa"),
                    o.getOrDefault("db-password", ""));
            DatasetExporter exporter = new DatasetExporter(
                    new NamedParameterJdbcTemplate(ds),
                    new FileImageStore(Path.of(o.getOrDefault("images", "./data/images"))),
                    new DispositionQueries(ds),
                    Clock.systemUTC());
            DatasetExporter.Summary s;
            // written beside the target and moved over it when complete: a failed export leaves no partial zip
            // and an existing file untouched
            Path dir = target.toAbsolutePath().getParent();
            file = Files.createTempFile(dir, ".dataset-", ".zip.part");
            try (OutputStream zip = new BufferedOutputStream(Files.newOutputStream(file))) {
                s = exporter.export(sel, o.getOrDefault("by", System.getProperty("user.name", "cli")), zip);
            }
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            file = null;
            out.println("wrote " + target + ": " + s.frames() + " frames, " + s.labels() + " labels, classes "
                    + s.classes() + (s.skipped() > 0 ? ", " + s.skipped() + " skipped (see export.json)" : ""));
            return 0;
        } catch (DatasetSelection.Invalid e) {
            deletePartial(file);
            return usage(err, "--" + e.field() + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            deletePartial(file);
            return usage(err, e.getMessage());
        } catch (Exception e) {
            deletePartial(file);
            err.println("dataset export failed: " + e.getMessage());
            return 2;
        }
    }

    private static void deletePartial(Path file) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (Exception ignored) {
            // nothing more to do: the message already says the export failed
        }
    }

    private static Instant instant(Map<String, String> o, String name) {
        String v = o.get(name);
        if (v == null) {
            return null;
        }
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            throw new DatasetSelection.Invalid(
                    name, name + " must be an ISO-8601 UTC time such as 2026-01-31T06:00:00Z, got '" + v + "'");
        }
    }

    private static int limit(Map<String, String> o) {
        String v = o.get("limit");
        if (v == null) {
            return DatasetSelection.DEFAULT_LIMIT;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new DatasetSelection.Invalid("limit", "limit must be a whole number, got '" + v + "'");
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || !OPTIONS.contains(args[i].substring(2))) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("dataset: " + problem);
        err.println("usage: export --out FILE.zip [--db URL --db-user U --db-password P] [--images DIR] "
                + "[--from T] [--to T] [--line L] [--verdict " + String.join(",", List.of("NG", "UNCERTAIN", "OK"))
                + "] [--format yolo|coco] [--limit N] [--by NAME]");
        return 2;
    }
}
