package io.visionhub.vision;

import io.visionhub.vision.component.CameraHealth;
import io.visionhub.vision.component.VisionConsumer;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * Health of every camera read by a {@code vision:} consumer: connected, fps, last frame, reconnects, drops,
 * errors. A camera that is not connected or has sent nothing for 10 frame periods (at least 5 s) makes the
 * hub DEGRADED (the others keep running). A folder camera ({@code source=folder:…}) that is connected and whose
 * folder is readable is UP while idle ({@code idle: true}): it sends frames only when parts pass.
 */
public class VisionHealthIndicator extends AbstractHealthIndicator {

    public static final Status DEGRADED = new Status("DEGRADED", "a camera is down or silent");
    private final Supplier<CamelContext> camel;

    public VisionHealthIndicator(Supplier<CamelContext> camel) {
        super("vision health check failed");
        this.camel = camel;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean allGood = true;
        Map<String, Object> cameras = new LinkedHashMap<>();
        CamelContext ctx = camel.get();
        if (ctx == null) {
            builder.unknown().withDetail("cameras", Map.of());
            return;
        }
        for (Route route : ctx.getRoutes()) {
            if (!(route.getConsumer() instanceof VisionConsumer c) || !c.isStarted()) {
                continue; // a stopped route is not a camera fault
            }
            CameraHealth h = c.health();
            double fps = c.endpoint().getFps();
            long silentMs = (long) Math.max(5000, fps > 0 ? 10_000 / fps : 5000);
            Instant last = h.lastFrame();
            boolean fresh =
                    last != null && Duration.between(last, Instant.now()).toMillis() <= silentMs;
            String source = c.endpoint().getSource();
            boolean folder = source != null && source.startsWith("folder:");
            // A folder camera sends a frame only when a part passes: silence is idleness, not a fault, as long
            // as the folder is there and readable.
            boolean folderReadable = folder && readable(source.substring("folder:".length()));
            boolean ok = h.connected() && (fresh || folderReadable);
            allGood &= ok;
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("station", h.station());
            d.put("status", ok ? "UP" : "DOWN");
            if (folder) {
                d.put("idle", ok && !fresh);
                d.put("folderReadable", folderReadable);
            }
            d.put("connected", h.connected());
            d.put("fps", Math.round(h.fps() * 100) / 100.0);
            d.put("lastFrame", last == null ? "never" : last.toString());
            d.put("framesRead", h.framesRead());
            d.put("inspected", h.inspected());
            d.put("dropped", h.dropped());
            d.put("inFlight", h.inFlight());
            d.put("reconnects", h.reconnects());
            d.put("sourceErrors", h.sourceErrors());
            d.put("inspectionErrors", h.inspectionErrors());
            if (h.lastError() != null) {
                d.put("lastError", h.lastError());
            }
            cameras.put(h.camera(), d);
        }
        builder.status(allGood ? Status.UP : DEGRADED).withDetail("cameras", cameras);
    }

    private static boolean readable(String folder) {
        try {
            Path p = Path.of(folder);
            return Files.isDirectory(p) && Files.isReadable(p);
        } catch (InvalidPathException e) {
            return false;
        }
    }
}
