package io.visionhub.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Runs rows of the fault matrix, each in a fresh folder with a fresh hub, and prints the table
 * (docs/reliability.md). Used by {@code bench/faults} and by {@link FaultMatrixCiTest}.
 */
public final class FaultMatrix {

    private final Path base;
    private final Path repo;

    public FaultMatrix(Path base, Path repo) {
        this.base = base;
        this.repo = repo;
    }

    /** Every known row: the single-node rows here; further lists (cluster rows) are concatenated. */
    public static List<FaultRow> allRows() {
        List<FaultRow> all = new ArrayList<>(SingleNodeRows.ROWS);
        return all;
    }

    /** Rows by selector: "all", "ci", or comma-separated row names (or unique prefixes). */
    public static List<FaultRow> select(String selector) {
        if (selector == null || selector.isBlank() || selector.equals("all")) {
            return allRows();
        }
        if (selector.equals("ci")) {
            return allRows().stream().filter(FaultRow::ci).toList();
        }
        List<FaultRow> out = new ArrayList<>();
        for (String name : selector.split(",")) {
            List<FaultRow> match = allRows().stream()
                    .filter(r -> r.name().startsWith(name.strip()))
                    .toList();
            if (match.isEmpty()) {
                throw new IllegalArgumentException("no fault row '" + name + "'; rows: "
                        + allRows().stream().map(FaultRow::name).toList());
            }
            out.addAll(match);
        }
        return out;
    }

    public RowResult run(FaultRow row) {
        Path dir;
        try {
            dir = Files.createDirectories(base.resolve(row.name().replaceAll("[^a-zA-Z0-9]+", "-")));
        } catch (Exception e) {
            return RowResult.failed(row.name(), e);
        }
        System.out.printf("[faults] %s (%s) in %s%n", row.name(), row.scope(), dir);
        try (FaultLab lab = new FaultLab(row.name(), dir, repo)) {
            RowResult r = row.body().run(lab);
            System.out.println("[faults] " + format(r));
            return r;
        } catch (Exception e) {
            RowResult r = RowResult.failed(row.name(), e);
            System.out.println("[faults] " + format(r));
            e.printStackTrace(System.out);
            return r;
        }
    }

    public List<RowResult> runAll(Collection<FaultRow> rows) {
        List<RowResult> out = new ArrayList<>();
        for (FaultRow row : rows) {
            out.add(run(row));
        }
        return out;
    }

    public static String header() {
        return "| fault | produced | recorded | delivered | lost | duplicated | time to recover | note |\n"
                + "| --- | --- | --- | --- | --- | --- | --- | --- |";
    }

    public static String format(RowResult r) {
        return String.format(
                Locale.ROOT,
                "| %s | %d | %d | %d | %s | %s | %s | %s |",
                r.row(),
                r.produced(),
                r.recorded(),
                r.delivered(),
                r.lost() == 0 ? "0" : "**" + r.lost() + "**",
                r.duplicated() == 0 ? "0" : "**" + r.duplicated() + "**",
                Double.isNaN(r.recoverSeconds()) ? "-" : String.format(Locale.ROOT, "%.1f s", r.recoverSeconds()),
                r.note().replace('|', '/'));
    }

    public static String table(List<RowResult> results) {
        StringBuilder b = new StringBuilder(header()).append('\n');
        results.forEach(r -> b.append(format(r)).append('\n'));
        return b.toString();
    }
}
