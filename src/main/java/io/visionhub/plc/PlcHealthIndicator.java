package io.visionhub.plc;

import io.visionhub.plc.component.PlcComponent;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/**
 * Health "plc" (/actuator/health and the line screen's PLC light): UP while every configured PLC answers; DEGRADED
 * while one is known down (the hub keeps inspecting and recording, and that PLC's parts get the fail-safe, docs/plc.md).
 * Details: each PLC's endpoint with UP or DOWN.
 */
public class PlcHealthIndicator extends AbstractHealthIndicator {

    /** Same status name as the other parts: the hub runs, something needs a look. */
    public static final Status DEGRADED = new Status("DEGRADED", "a PLC is down: its parts get the fail-safe");

    private final PlcComponent component;

    public PlcHealthIndicator(PlcComponent component) {
        super("PLC health check failed");
        this.component = component;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        PlcHandshakes handshakes = component.getHandshakes();
        if (handshakes == null || handshakes.all().isEmpty()) {
            builder.unknown().withDetail("plcs", "not started yet");
            return;
        }
        boolean anyDown = false;
        for (PlcHandshake h : handshakes.all()) {
            anyDown |= h.isDown();
            builder.withDetail(h.endpoint(), h.isDown() ? "DOWN (its parts get the fail-safe)" : "UP");
        }
        builder.status(anyDown ? DEGRADED : Status.UP);
    }
}
