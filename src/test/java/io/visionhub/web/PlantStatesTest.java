package io.visionhub.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.plc.PlcHealthIndicator;
import io.visionhub.web.LineViews.State;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/** Camera/PLC/OPC UA/MQTT/ERP colours from the hub's health indicators: up, degraded, down, failing, not configured. */
class PlantStatesTest {

    @Test
    void eachConnectionGetsTheColourOfItsHealthIndicator() {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("visionHealthIndicator", (HealthIndicator) () -> Health.status(new Status("DEGRADED"))
                .withDetail("cameras", "cam-1 silent")
                .build());
        beans.registerSingleton("mqttHealthIndicator", (HealthIndicator) () -> Health.down()
                .withDetail("broker", "tcp://127.0.0.1:1883 refused")
                .build());
        beans.registerSingleton("outboxHealthIndicator", (HealthIndicator) () -> {
            throw new IllegalStateException("database gone");
        });
        List<State> states = new PlantStates(beans).current();

        assertThat(states).extracting(State::key).containsExactly("camera", "plc", "opcua", "mqtt", "erp");
        assertThat(states.get(0)).extracting(State::status, State::css).containsExactly("DEGRADED", "st-warn");
        assertThat(states.get(0).detail()).contains("cam-1 silent");
        assertThat(states.get(1)).extracting(State::status, State::css).containsExactly("off", "st-none");
        assertThat(states.get(2)).extracting(State::status, State::css).containsExactly("off", "st-none");
        assertThat(states.get(3)).extracting(State::status, State::css).containsExactly("DOWN", "st-bad");
        assertThat(states.get(3).detail()).contains("refused");
        assertThat(states.get(4)).extracting(State::status, State::css).containsExactly("error", "st-bad");
        assertThat(states.get(4).detail()).contains("database gone");

        beans.registerSingleton("plcHealthIndicator", (HealthIndicator) () -> Health.status(PlcHealthIndicator.DEGRADED)
                .withDetail("opc.tcp://plc-1:4840", "DOWN (its parts get the fail-safe)")
                .build());
        beans.registerSingleton(
                "opcuaHealthIndicator", (HealthIndicator) () -> Health.up().build());
        List<State> now = new PlantStates(beans).current();
        assertThat(now.get(1)).extracting(State::status, State::css).containsExactly("DEGRADED", "st-warn");
        assertThat(now.get(1).detail()).contains("plc-1:4840").contains("DOWN");
        assertThat(now.get(2)).extracting(State::status, State::css).containsExactly("UP", "st-ok");
    }
}
