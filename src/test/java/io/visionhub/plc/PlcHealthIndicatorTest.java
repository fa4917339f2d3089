package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.plc.component.PlcComponent;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/** Health "plc" follows a real Modbus PLC through a cut cable: UP, DEGRADED while it is down, UP again. */
class PlcHealthIndicatorTest {

    @Test
    void aCutCableShowsDegradedNamingThePlcAndUpAgainOnceItAnswers() throws Exception {
        PlcComponent component = new PlcComponent();
        PlcHealthIndicator health = new PlcHealthIndicator(component);
        assertThat(health.health().getStatus())
                .as("before the handshakes start")
                .isEqualTo(Status.UNKNOWN);

        try (ModbusPlcSimulator plc = new ModbusPlcSimulator(List.of("h1"));
                TcpProxy cable = new TcpProxy(plc.port())) {
            String endpoint = "modbus-tcp://127.0.0.1:" + cable.port();
            PlcProperties props = PlcProperties.defaults()
                    .withEnabled(true)
                    .withEndpointUrl(endpoint)
                    .withCycleBudgetMs(300)
                    .withDownProbeMs(200)
                    .withStations(Map.of("h1", plc.mapping("h1")));
            try (PlcHandshake handshake = new PlcHandshake(
                    props, new SimpleMeterRegistry(), t -> {}, f -> CompletableFuture.completedFuture(null))) {
                handshake.start();
                component.setHandshakes(PlcHandshakes.of(handshake));
                await().atMost(10, TimeUnit.SECONDS)
                        .until(() -> Status.UP.equals(health.health().getStatus()));
                assertThat(health.health().getDetails()).containsEntry(endpoint, "UP");

                cable.cut();
                await().atMost(10, TimeUnit.SECONDS).until(handshake::isDown);
                Health down = health.health();
                assertThat(down.getStatus()).isEqualTo(PlcHealthIndicator.DEGRADED);
                assertThat(down.getDetails()).containsEntry(endpoint, "DOWN (its parts get the fail-safe)");

                cable.restore();
                await().atMost(20, TimeUnit.SECONDS)
                        .until(() -> Status.UP.equals(health.health().getStatus()));
            }
        }
    }
}
