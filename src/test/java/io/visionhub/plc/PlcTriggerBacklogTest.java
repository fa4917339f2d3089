package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The handshake's threads as in the hub (from Camel's ExecutorServiceManager): while a station's route is held up
 * (a slow inspection), the PLC's next triggers queue on {@code plc-triggers}, each with its deadline on
 * {@code plc-deadlines}. More than Camel's default queue of 1,000 of them are still handed on one at a time, in
 * trigger order, on {@code plc-triggers}: never on the PLC notification's thread, never refused. No PLC is needed:
 * the notifications are handed to the handshake as its transport would ({@link PlcSample}).
 */
class PlcTriggerBacklogTest {

    private static final String STATION = "st1";
    private static final Instant T0 = Instant.parse("2026-12-05T01:00:00Z");

    private final List<String> triggered = new CopyOnWriteArrayList<>();
    private final List<String> threads = new CopyOnWriteArrayList<>();
    private final CountDownLatch routeHeld = new CountDownLatch(1);
    private DefaultCamelContext camel;
    private PlcHandshake handshake;

    @BeforeEach
    void startCamel() {
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterEach
    void close() throws Exception {
        routeHeld.countDown();
        if (handshake != null) {
            handshake.close();
        }
        camel.close();
    }

    private static PlcSample partId(long ms, String value) {
        return PlcSample.of(STATION, PlcTransport.Signal.PART_ID, value, T0.plusMillis(ms), T0.plusMillis(ms + 1));
    }

    private static PlcSample trigger(long ms, boolean value) {
        return PlcSample.of(STATION, PlcTransport.Signal.TRIGGER, value, T0.plusMillis(ms), T0.plusMillis(ms + 1));
    }

    @Test
    void moreTriggersThanCamelsDefaultQueueBehindAHeldRouteStayOnPlcTriggersInOrder() {
        PlcProperties props = PlcProperties.defaults()
                .withEndpointUrl("opc.tcp://127.0.0.1:1/plc") // never connected: only the data-change handler runs
                .withCycleBudgetMs(600_000) // no deadline passes during the test
                .withStations(Map.of(STATION, PlcHandshakeTestSupport.st1Nodes()));
        handshake = new PlcHandshake(
                props,
                PlcTransports.create(props),
                new SimpleMeterRegistry(),
                t -> {
                    threads.add(Thread.currentThread().getName());
                    triggered.add(t.partId());
                    if (t.partId().equals("P-0001")) {
                        try {
                            routeHeld.await(); // the first part's route is slow
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                },
                f -> CompletableFuture.completedFuture(null),
                camel.getExecutorServiceManager());

        handshake.dataChanged(List.of(partId(0, "P-0000"), trigger(0, false)));
        int parts = 1500; // over Camel's default queue of 1,000
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= parts; i++) {
            String part = "P-%04d".formatted(i);
            expected.add(part);
            long ms = 100L * i;
            handshake.dataChanged(List.of(partId(ms, part), trigger(ms + 10, true)));
            handshake.dataChanged(List.of(trigger(ms + 50, false)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> triggered.contains("P-0001"));
        assertThat(triggered)
                .as("only the held part handed on while its route is held: none ran on the notification's thread")
                .containsExactly("P-0001");

        routeHeld.countDown();
        await().atMost(Duration.ofSeconds(30)).until(() -> triggered.size() == parts);
        assertThat(triggered).as("every part once, in trigger order").containsExactlyElementsOf(expected);
        assertThat(threads).allSatisfy(name -> assertThat(name).endsWith("plc-triggers"));
    }
}
