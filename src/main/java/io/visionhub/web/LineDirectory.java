package io.visionhub.web;

import io.visionhub.context.ProductionContextStore;
import io.visionhub.vision.component.VisionEndpoint;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

/**
 * The lines and stations the web app knows: from the cameras in the routes ({@code vision:} endpoints name their
 * line), the lines with a production context, the inspections seen since start, and, for a line none of those name,
 * the ledger (a line that once inspected parts keeps its screen).
 */
public class LineDirectory {

    private final ObjectProvider<CamelContext> camel;
    private final ObjectProvider<ProductionContextStore> contexts;
    private final NamedParameterJdbcTemplate jdbc;
    private final WebProperties props;
    private final Map<String, ConcurrentSkipListSet<String>> seen = new ConcurrentHashMap<>();

    public LineDirectory(
            ObjectProvider<CamelContext> camel,
            ObjectProvider<ProductionContextStore> contexts,
            NamedParameterJdbcTemplate jdbc,
            WebProperties props) {
        this.camel = camel;
        this.contexts = contexts;
        this.jdbc = jdbc;
        this.props = props;
    }

    /** Notes a station that inspected a part (from the live feed). */
    void saw(String line, String station) {
        if (line != null && station != null) {
            seen.computeIfAbsent(line, l -> new ConcurrentSkipListSet<>()).add(station);
        }
    }

    /** Lines with their stations, sorted by name. */
    public SortedMap<String, SortedSet<String>> lines() {
        SortedMap<String, SortedSet<String>> all = new TreeMap<>();
        CamelContext ctx = camel.getIfAvailable();
        if (ctx != null) {
            for (Route r : ctx.getRoutes()) {
                if (r.getEndpoint() instanceof VisionEndpoint v && v.getLine() != null) {
                    all.computeIfAbsent(v.getLine(), l -> new TreeSet<>()).add(v.getStation());
                }
            }
        }
        ProductionContextStore store = contexts.getIfAvailable();
        if (store != null) {
            store.lines().forEach(l -> all.computeIfAbsent(l, x -> new TreeSet<>()));
        }
        seen.forEach((l, s) -> all.computeIfAbsent(l, x -> new TreeSet<>()).addAll(s));
        return all;
    }

    /** The stations of a line (cameras, and stations seen inspecting), sorted. */
    public SortedSet<String> stations(String line) {
        SortedSet<String> s = lines().get(line);
        return s == null ? new TreeSet<>() : s;
    }

    /** Where "/" sends an operator: the configured default line when known, else the first line, else the default. */
    public String firstLine() {
        SortedMap<String, SortedSet<String>> all = lines();
        if (all.isEmpty() || all.containsKey(props.defaultLine())) {
            return props.defaultLine();
        }
        return all.firstKey();
    }

    /** Whether the line has a screen: named by a camera, a context, a recent inspection, the ledger, or the default. */
    public boolean knows(String line) {
        if (line.equals(props.defaultLine()) || lines().containsKey(line)) {
            return true;
        }
        Integer found = jdbc.query(
                "SELECT 1 FROM inspection WHERE line = :line FETCH FIRST 1 ROWS ONLY",
                new MapSqlParameterSource("line", line),
                rs -> rs.next() ? 1 : null);
        return found != null;
    }
}
