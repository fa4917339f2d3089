package io.visionhub.vision.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InspectionGateTest {

    /** Takes a slot, records who got it, gives it back. */
    static Thread camera(InspectionGate gate, String name, List<String> order) {
        Thread t = new Thread(
                () -> {
                    try {
                        gate.acquire();
                        order.add(name);
                        gate.release();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                name);
        t.start();
        return t;
    }

    @Test
    void aCameraJustServedQueuesBehindEveryCameraAlreadyWaiting() throws Exception {
        InspectionGate gate = new InspectionGate(1);
        List<String> order = new CopyOnWriteArrayList<>();
        gate.acquire(); // camera A is inspecting
        Thread b = camera(gate, "B", order);
        await().atMost(Duration.ofSeconds(30)).until(() -> gate.waiting() == 1);
        Thread c = camera(gate, "C", order);
        await().atMost(Duration.ofSeconds(30)).until(() -> gate.waiting() == 2);
        Thread d = camera(gate, "D", order);
        await().atMost(Duration.ofSeconds(30)).until(() -> gate.waiting() == 3);
        // A is done and asks again at once, as a camera whose next frame is already there does
        gate.release();
        gate.acquire();
        order.add("A");
        gate.release();
        for (Thread t : List.of(b, c, d)) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        assertThat(order).containsExactly("B", "C", "D", "A");
        assertThat(gate.granted()).isEqualTo(5);
        assertThat(gate.active()).isZero();
    }

    @Test
    void neverMoreFramesInspectedAtOnceThanSlots() throws Exception {
        InspectionGate gate = new InspectionGate(2);
        int cameras = 8;
        CountDownLatch twoIn = new CountDownLatch(2);
        CountDownLatch letGo = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(cameras);
        for (int i = 0; i < cameras; i++) {
            new Thread(() -> {
                        try {
                            for (int k = 0; k < 20; k++) {
                                gate.acquire();
                                twoIn.countDown();
                                letGo.await();
                                gate.release();
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            done.countDown();
                        }
                    })
                    .start();
        }
        assertThat(twoIn.await(30, TimeUnit.SECONDS)).isTrue();
        // two hold the slots and six wait: nobody else gets in
        await().atMost(Duration.ofSeconds(30)).until(() -> gate.waiting() == cameras - 2);
        assertThat(gate.active()).isEqualTo(2);
        letGo.countDown();
        assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(gate.granted()).isEqualTo(cameras * 20L);
        assertThat(gate.activeMax()).isEqualTo(2);
        assertThat(gate.active()).isZero();
    }

    @Test
    void slotsBelowOneAreRefusedAndZeroMeansOnePerCore() {
        assertThatThrownBy(() -> new InspectionGate(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inspection slots must be at least 1, got 0");
        assertThat(InspectionGate.slotsFor(0)).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(InspectionGate.slotsFor(3)).isEqualTo(3);
    }
}
