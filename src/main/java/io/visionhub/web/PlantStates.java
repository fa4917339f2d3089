package io.visionhub.web;

import io.visionhub.web.LineViews.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * The connections an operator cares about, in colour, from the hub's own health indicators (the ones
 * {@code /actuator/health} shows): cameras ({@code vision}), the PLCs of the result handshake ({@code plc}), the
 * hub's OPC UA server that SCADA and MES read ({@code opcua}), the MQTT connection ({@code mqtt}) and the enterprise outbox to SAP, Maximo, Oracle ({@code outbox}).
 * An indicator the hub does not run (that output switched off) shows as grey "off".
 */
public class PlantStates {

    private record Source(String key, String name, String bean) {}

    private static final List<Source> SOURCES = List.of(
            new Source("camera", "Camera", "visionHealthIndicator"),
            new Source("plc", "PLC", "plcHealthIndicator"),
            new Source("opcua", "OPC UA server", "opcuaHealthIndicator"),
            new Source("mqtt", "MQTT", "mqttHealthIndicator"),
            new Source("erp", "ERP", "outboxHealthIndicator"));

    private final ListableBeanFactory beans;

    public PlantStates(ListableBeanFactory beans) {
        this.beans = beans;
    }

    /** The states now (each indicator asked once). */
    public List<State> current() {
        Map<String, HealthIndicator> indicators = beans.getBeansOfType(HealthIndicator.class, false, false);
        List<State> out = new ArrayList<>();
        for (Source s : SOURCES) {
            HealthIndicator h = indicators.get(s.bean());
            if (h == null) {
                out.add(new State(s.key(), s.name(), "off", "st-none", "not configured on this hub"));
                continue;
            }
            Health health;
            try {
                health = h.health();
            } catch (RuntimeException e) {
                out.add(new State(s.key(), s.name(), "error", "st-bad", e.toString()));
                continue;
            }
            Status st = health.getStatus();
            String css = Status.UP.equals(st)
                    ? "st-ok"
                    : Status.DOWN.equals(st) || Status.OUT_OF_SERVICE.equals(st) ? "st-bad" : "st-warn";
            String detail = health.getDetails().entrySet().stream()
                    .limit(4)
                    .map(e -> e.getKey() + ": " + shorten(String.valueOf(e.getValue())))
                    .reduce((a, b) -> a + "; " + b)
                    .orElse("");
            out.add(new State(s.key(), s.name(), st.getCode(), css, detail));
        }
        return out;
    }

    private static String shorten(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
