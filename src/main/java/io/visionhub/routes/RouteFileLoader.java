package io.visionhub.routes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * Loads the integrators' YAML route files one by one, so that a file with an error stops nothing else:
 * the error is logged and kept (file, line, problem) for the health endpoint, and the other files' routes run.
 * On reload a file's old routes are replaced; if the new content fails, the last good content is put back.
 */
public class RouteFileLoader {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFileLoader.class);
    private static final Pattern LINE_COLUMN = Pattern.compile("line (\\d+), column (\\d+)");

    private final CamelContext camel;
    private final Map<Path, RouteFileStatus> statuses = new ConcurrentHashMap<>();
    /** Last content of each file that loaded cleanly: what a failed reload falls back to. */
    private final Map<Path, String> lastGood = new HashMap<>();

    public RouteFileLoader(CamelContext camel) {
        this.camel = camel;
    }

    /** The context the routes are loaded into. */
    CamelContext camelContext() {
        return camel;
    }

    /** Loads every *.yaml / *.yml file in the folder, in name order. */
    public synchronized void loadAll(Path dir) {
        if (!Files.isDirectory(dir)) {
            LOG.warn(
                    "Route folder {} does not exist: no integrator routes loaded (set visionhub.routes.dir)",
                    dir.toAbsolutePath());
            return;
        }
        for (Path file : routeFiles(dir)) {
            load(file);
        }
    }

    static List<Path> routeFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(RouteFileLoader::isRouteFile).sorted().toList();
        } catch (IOException e) {
            LOG.error("Cannot list route folder {}: {}", dir.toAbsolutePath(), e.getMessage());
            return List.of();
        }
    }

    static boolean isRouteFile(Path p) {
        String name = p.getFileName().toString();
        return Files.isRegularFile(p) && (name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    /** Loads (or reloads) one file; returns its status. Never throws for a bad file. */
    public synchronized RouteFileStatus load(Path file) {
        Path key = file.toAbsolutePath().normalize();
        String content;
        try {
            content = Files.readString(key);
        } catch (IOException e) {
            return record(key, failed(key, null, null, "cannot read file: " + e.getMessage()));
        }
        List<String> previous = removeRoutesOf(key);
        try {
            List<String> ids = addRoutes(key, content);
            lastGood.put(key, content);
            RouteFileStatus ok = new RouteFileStatus(key.toString(), true, ids, null, null, null, Instant.now());
            LOG.info("Route file {} loaded: routes {}", key, ids);
            return record(key, ok);
        } catch (Exception e) {
            removeRoutesOf(key); // anything the bad content half-added
            RouteFileStatus bad = describe(key, e);
            LOG.error(
                    "Route file {} NOT loaded (line {}, column {}): {}. Other route files keep running{}. "
                            + "Fix the file; it is reloaded when saved.",
                    key,
                    bad.line(),
                    bad.column(),
                    bad.problem(),
                    previous.isEmpty() ? "" : "; the previous version of this file is restored");
            restoreLastGood(key);
            return record(key, bad);
        }
    }

    /** Removes the routes of a deleted file. */
    public synchronized void unload(Path file) {
        Path key = file.toAbsolutePath().normalize();
        List<String> removed = removeRoutesOf(key);
        statuses.remove(key);
        lastGood.remove(key);
        LOG.info("Route file {} removed: routes {} stopped", key, removed);
    }

    public Collection<RouteFileStatus> statuses() {
        return List.copyOf(statuses.values());
    }

    public Optional<RouteFileStatus> status(Path file) {
        return Optional.ofNullable(statuses.get(file.toAbsolutePath().normalize()));
    }

    private RouteFileStatus record(Path key, RouteFileStatus s) {
        statuses.put(key, s);
        return s;
    }

    private List<String> addRoutes(Path key, String content) throws Exception {
        Resource resource = ResourceHelper.fromString("file:" + key, content);
        Collection<RoutesBuilder> builders = PluginHelper.getRoutesLoader(camel).findRoutesBuilders(resource);
        for (RoutesBuilder builder : builders) {
            camel.addRoutes(builder);
        }
        return routeIdsOf(key);
    }

    private void restoreLastGood(Path key) {
        String good = lastGood.get(key);
        if (good == null) {
            return;
        }
        try {
            addRoutes(key, good);
        } catch (Exception e) {
            LOG.error("Could not restore the previous version of route file {}: {}", key, e.getMessage());
        }
    }

    private List<String> routeIdsOf(Path key) {
        String location = "file:" + key;
        List<String> ids = new ArrayList<>();
        for (Route r : camel.getRoutes()) {
            Resource src = r.getSourceResource();
            if (src != null && location.equals(src.getLocation())) {
                ids.add(r.getRouteId());
            }
        }
        return ids;
    }

    private List<String> removeRoutesOf(Path key) {
        List<String> ids = routeIdsOf(key);
        for (String id : ids) {
            try {
                camel.getRouteController().stopRoute(id);
                camel.removeRoute(id);
            } catch (Exception e) {
                LOG.warn("Could not remove route {} of file {}: {}", id, key, e.getMessage());
            }
        }
        return ids;
    }

    /** Finds the line and column of a YAML problem in the cause chain, and the clearest message. */
    static RouteFileStatus describe(Path key, Throwable error) {
        Integer line = null;
        Integer column = null;
        String problem = null;
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof MarkedYamlEngineException marked && line == null) {
                Optional<Mark> mark = marked.getProblemMark().or(marked::getContextMark);
                if (mark.isPresent()) {
                    line = mark.get().getLine() + 1;
                    column = mark.get().getColumn() + 1;
                }
                problem = firstLine(marked.getProblem() != null ? marked.getProblem() : marked.getMessage());
            }
            if (line == null && t.getMessage() != null) {
                Matcher m = LINE_COLUMN.matcher(t.getMessage());
                if (m.find()) {
                    line = Integer.valueOf(m.group(1));
                    column = Integer.valueOf(m.group(2));
                }
            }
            if (t.getCause() == null && problem == null) {
                problem = firstLine(t.getMessage());
            }
        }
        if (problem == null) {
            problem = error.getClass().getSimpleName();
        }
        return failed(key, line, column, problem);
    }

    private static RouteFileStatus failed(Path key, Integer line, Integer column, String problem) {
        return new RouteFileStatus(key.toString(), false, List.of(), line, column, problem, Instant.now());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return null;
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }
}
