package io.visionhub.routes;

import io.visionhub.camel.SingleThreadExecutors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dev mode: polls the route folder and reloads a file when its modification time changes, unloads deleted
 * files and loads new ones. Polling (not WatchService) because it behaves the same on every filesystem,
 * including bind mounts and network shares.
 */
public class RouteFileWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RouteFileWatcher.class);

    private final RouteFileLoader loader;
    private final Path dir;
    private final Map<Path, FileTime> seen = new HashMap<>();
    private ScheduledExecutorService poller;

    public RouteFileWatcher(RouteFileLoader loader, Path dir) {
        this.loader = loader;
        this.dir = dir;
        scan(false);
    }

    /** Polls on a thread of Camel's ExecutorServiceManager (the loader's context): Camel stops it with the context. */
    public synchronized void start(long intervalMillis) {
        if (poller != null) {
            return;
        }
        poller = SingleThreadExecutors.scheduled(
                loader.camelContext().getExecutorServiceManager(), this, "route-file-watcher");
        poller.scheduleWithFixedDelay(
                () -> {
                    try {
                        scan(true);
                    } catch (RuntimeException e) {
                        LOG.error("Route folder {} could not be scanned: {}", dir.toAbsolutePath(), e.getMessage());
                    }
                },
                intervalMillis,
                intervalMillis,
                TimeUnit.MILLISECONDS);
        LOG.info(
                "Watching route folder {} for changes (dev mode; visionhub.routes.reload=false turns it off)",
                dir.toAbsolutePath());
    }

    /** One pass: loads changed or new files when {@code apply}, else only records what is there. */
    synchronized void scan(boolean apply) {
        Set<Path> present = new HashSet<>();
        if (Files.isDirectory(dir)) {
            for (Path f : RouteFileLoader.routeFiles(dir)) {
                present.add(f);
                FileTime mtime = modified(f);
                FileTime before = seen.put(f, mtime);
                if (apply && (before == null || !before.equals(mtime))) {
                    LOG.info("Route file {} changed: reloading", f.toAbsolutePath());
                    loader.load(f);
                }
            }
        }
        for (Path gone : new HashSet<>(seen.keySet())) {
            if (!present.contains(gone)) {
                seen.remove(gone);
                if (apply) {
                    loader.unload(gone);
                }
            }
        }
    }

    private static FileTime modified(Path f) {
        try {
            return Files.getLastModifiedTime(f);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            loader.camelContext().getExecutorServiceManager().shutdownNow(poller);
            poller = null;
        }
    }
}
