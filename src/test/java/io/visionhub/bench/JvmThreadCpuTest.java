package io.visionhub.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.bench.JvmThreadCpu.Group;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bench helpers that read /proc and thread dumps, and the warm-up rule: parsing and arithmetic, no timing. */
class JvmThreadCpuTest {

    @Test
    void groupsThreadsByTheirJavaNameAndLeavesAnUnresolvedCamelCommUnderOther() {
        assertThat(Group.of("C2 CompilerThread0")).isEqualTo(Group.JIT);
        assertThat(Group.of("C1 CompilerThre")).isEqualTo(Group.JIT); // comm, cut at 15 characters
        assertThat(Group.of("G1 Conc#0")).isEqualTo(Group.GC);
        assertThat(Group.of("GC Thread#1")).isEqualTo(Group.GC);
        assertThat(Group.of("Camel (camel-1) thread #12 - mqtt-input-hub-bench-input-lane-3"))
                .isEqualTo(Group.LANES);
        assertThat(Group.of("ledger-writer")).isEqualTo(Group.LEDGER_WRITER);
        assertThat(Group.of("ledger-h2-sync-0")).isEqualTo(Group.LEDGER_SYNC);
        assertThat(Group.of("Camel (camel-1) thread #30 - outbox-delivery")).isEqualTo(Group.OUTBOX);
        assertThat(Group.of("HttpClient-2-Worker-0")).isEqualTo(Group.HTTP_CLIENT);
        assertThat(Group.of("MQTT Call: hub-bench-input")).isEqualTo(Group.MQTT_CLIENT);
        assertThat(Group.of("Camel (camel-1)")).isEqualTo(Group.OTHER);
    }

    @Test
    void readsUtimePlusStimeWhereTheThreadNameHoldsSpacesAndParentheses() {
        String stat = "4242 (Camel (camel-1)) S 1 4242 4242 0 -1 4194624 100 0 0 0 1234 56 0 0 20 0 90 0 1 0 0";
        assertThat(JvmThreadCpu.ticksOf(stat)).isEqualTo(1234 + 56);
    }

    @Test
    void mapsNativeIdsOfAThreadDumpInHexAndDecimal() {
        String dump = """
                "Camel (camel-1) thread #5 - mqtt-input-hub-bench-input-lane-0" #60 daemon prio=5 os_prio=0 \
                cpu=12.50ms elapsed=100.20s tid=0x00007f00 nid=0x1a2b waiting on condition  [0x00007f]
                   java.lang.Thread.State: WAITING (parking)
                "GC Thread#0" os_prio=0 cpu=5.00ms elapsed=100.00s tid=0x00007f01 nid=7000 runnable
                """;
        assertThat(JvmThreadCpu.threadNamesOf(dump))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        0x1a2bL, "Camel (camel-1) thread #5 - mqtt-input-hub-bench-input-lane-0",
                        7000L, "GC Thread#0"));
    }

    @Test
    void splitAddsUpToTheProcessAndCountsThreadsThatEndedAsExited() {
        JvmThreadCpu.Snapshot before = new JvmThreadCpu.Snapshot(
                1, 1000, Map.of(10L, 100L, 11L, 50L, 12L, 30L), Map.of(10L, "C2 CompilerThre", 11L, "x", 12L, "y"));
        // 11 ended (used 20 ticks before it did), 13 started and used 7, 12 is a Camel lane by its Java name
        JvmThreadCpu.Snapshot after = new JvmThreadCpu.Snapshot(
                1,
                1000 + 40 + 20 + 7 + 5,
                Map.of(10L, 140L, 12L, 35L, 13L, 7L),
                Map.of(10L, "C2 CompilerThre", 12L, "Camel (camel-1)", 13L, "VM Thread"));
        JvmThreadCpu.Split s =
                JvmThreadCpu.between(before, after, Map.of(12L, "Camel (camel-1) thread #3 - mqtt-input-x-lane-1"));
        assertThat(s.ms(Group.JIT)).isEqualTo(400.0);
        assertThat(s.ms(Group.LANES)).isEqualTo(50.0);
        assertThat(s.ms(Group.OTHER)).isEqualTo(70.0);
        assertThat(s.exitedTicks()).isEqualTo(20);
        assertThat(s.totalMs()).isEqualTo(720.0);
        assertThat(s.withoutJitMs()).isEqualTo(320.0);
        assertThat(s.plus(s).totalMs()).isEqualTo(1440.0);
        assertThat(s.line(72, "ms/event")).contains("= all 10.000 ms/event (JIT 56%); without JIT 4.444 ms/event");
    }

    @Test
    void warmupSettlesOnlyWhenTheLastWindowAgreesWithinTheTolerance() {
        List<String> args = new ArrayList<>(List.of("10000", "--warmup-max=7", "3", "--settle=0.05"));
        NodeRedSideBySideBench.Warmup w = NodeRedSideBySideBench.Warmup.take(args);
        assertThat(args).containsExactly("10000", "3"); // positional arguments are left as they were
        assertThat(w).isEqualTo(new NodeRedSideBySideBench.Warmup(0, 7, 0.05, 3, 0.05));
        assertThat(w.burstEvents(10_000)).isEqualTo(10_000);

        NodeRedSideBySideBench.Warmup rule = new NodeRedSideBySideBench.Warmup(0, 20, 0.10, 3, 0.05);
        List<Double> noSplit = List.of(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        assertThat(rule.settled(List.of(1.41, 1.44), noSplit.subList(0, 2))).isFalse(); // too few
        // one pair agreed by chance
        assertThat(rule.settled(List.of(2.42, 1.41, 1.44, 1.20), noSplit)).isFalse();
        assertThat(rule.settled(List.of(2.42, 1.20, 1.13, 1.18), noSplit)).isTrue();
    }

    @Test
    void aJvmHasNotSettledWhileItsJitStillTakesMoreThanItsShare() {
        NodeRedSideBySideBench.Warmup rule = new NodeRedSideBySideBench.Warmup(0, 40, 0.10, 3, 0.05);
        List<Double> cpu = List.of(0.90, 0.71, 0.68, 0.70);
        // the CPU agrees within 10 %, but the JIT took a fifth of it (the hub after 60,000 events, 6 Dec)
        assertThat(rule.settled(cpu, List.of(0.25, 0.21, 0.24, 0.23))).isFalse();
        assertThat(rule.settled(cpu, List.of(0.25, 0.04, 0.06, 0.03))).isFalse(); // one of the window over 5 %
        assertThat(rule.settled(cpu, List.of(0.25, 0.04, 0.02, 0.03))).isTrue();
        assertThat(new NodeRedSideBySideBench.Warmup(0, 40, 0.10, 3, 1.0).settled(cpu, List.of(0.3, 0.3, 0.3, 0.3)))
                .as("--jit-settle=1 turns the check off")
                .isTrue();
    }

    @Test
    void refusesAWarmupOptionThatIsNotANumberOrOutOfRange() {
        assertThatThrownBy(() -> NodeRedSideBySideBench.Warmup.take(new ArrayList<>(List.of("--warmup-max=ten"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--warmup-max=ten: not a number");
        assertThatThrownBy(() -> NodeRedSideBySideBench.Warmup.take(new ArrayList<>(List.of("--settle-window=1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--settle-window >= 2");
        assertThatThrownBy(() -> NodeRedSideBySideBench.Warmup.take(new ArrayList<>(List.of("--jit-settle=0"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 < --jit-settle <= 1");
    }
}
