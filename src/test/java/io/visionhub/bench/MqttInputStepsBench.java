package io.visionhub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.Defect;
import io.visionhub.event.EventIds;
import io.visionhub.event.EventJson;
import io.visionhub.event.EventSchema;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.Latency;
import io.visionhub.event.ModelRef;
import io.visionhub.inputs.mqtt.InspectionEventInput;
import io.visionhub.inputs.mqtt.RecordedInspections;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerTestSupport;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * CPU per message of the MQTT input's own steps (routes/examples/mqtt-inspection-input.yaml.example, before
 * {@code direct:inspection}), measured on this thread (ThreadMXBean CPU time, so other load on the machine counts
 * less), A and B alternating round by round in one JVM:
 * <ul>
 *   <li>{@code parse}: {@code InspectionEventInput.parse} against the former read (readTree, schema check,
 *       treeToValue with EventJson's mapping: its instants through DateTimeFormatter);</li>
 *   <li>{@code steps}: the route's steps as shipped (process: ref, filter: ref, on the real duplicate look-up in an H2
 *       ledger database) against the former steps (setBody: method, filter on ${bean:recordedInspections?method=holds},
 *       four setHeader ${body.x}), both with today's parse and look-up;</li>
 *   <li>{@code holds}: the duplicate look-up alone (one primary-key read of an id the ledger does not hold).</li>
 * </ul>
 * Events as NodeRedSideBySideBench publishes them (10% NG with a defect), every id new (as in the real flow).
 * Run: {@code bench/run MqttInputStepsBench [rounds] [messagesPerRound]}
 */
public final class MqttInputStepsBench {

    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int perRound = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        Path dir = Files.createTempDirectory("mqtt-input-steps");
        HikariDataSource ds = LedgerTestSupport.h2(dir);
        RecordedInspections recorded = new RecordedInspections(ds, (JdbcInspectionLedger) null);
        CamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("inspectionEventInput", new InspectionEventInput());
        camel.getRegistry().bind("recordedInspections", recorded);
        camel.getRegistry().bind("metricsRegistry", new SimpleMeterRegistry());
        Properties props = new Properties();
        props.setProperty("visionhub.mqtt-input.broker-url", "tcp://127.0.0.1:1"); // never connected: from is replaced
        props.setProperty("visionhub.failed-dir", dir.resolve("failed").toString());
        camel.getPropertiesComponent().setInitialProperties(props);
        // the shipped route, its mqtt-input: replaced by direct:shipped
        PluginHelper.getRoutesLoader(camel)
                .loadRoutes(ResourceHelper.fromString(
                        "mqtt-inspection-input.yaml",
                        Files.readString(Path.of("routes/examples/mqtt-inspection-input.yaml.example"))));
        AdviceWith.adviceWith(camel, "mqtt-inspection-input", a -> a.replaceFromWith("direct:shipped"));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                // the steps as they were (bc8fba4): the bean language and ${body.x} headers
                from("direct:former")
                        .routeConfigurationId("mqtt-input-errors")
                        .setBody()
                        .method(InspectionEventInput.class, "parse")
                        .filter()
                        .simple("${bean:recordedInspections?method=holds} == true")
                        .stop()
                        .end()
                        .setHeader("CamelVisionStation")
                        .simple("${body.station}")
                        .setHeader("CamelVisionInspectionId")
                        .simple("${body.id}")
                        .setHeader("CamelVisionLine")
                        .simple("${body.line}")
                        .setHeader("CamelVisionPartId")
                        .simple("${body.partId}")
                        .to("direct:inspection");
                from("direct:inspection").setProperty("seen", constant(true));
            }
        });
        camel.start();
        ProducerTemplate template = camel.createProducerTemplate();
        int n = 0;
        for (int r = 1; r <= rounds; r++) {
            List<byte[]> a = payloads(perRound, n);
            n += perRound;
            List<byte[]> b = payloads(perRound, n);
            n += perRound;
            long parseFormer = cpu(() -> a.forEach(MqttInputStepsBench::formerParse));
            long parseNow = cpu(() -> b.forEach(InspectionEventInput::parse));
            List<byte[]> c = payloads(perRound, n);
            n += perRound;
            List<byte[]> d = payloads(perRound, n);
            n += perRound;
            long stepsFormer = cpu(() -> c.forEach(p -> template.sendBody("direct:former", p)));
            long stepsNow = cpu(() -> d.forEach(p -> template.sendBody("direct:shipped", p)));
            List<InspectionEvent> e = new ArrayList<>();
            payloads(perRound, n).forEach(p -> e.add(InspectionEventInput.parse(p)));
            n += perRound;
            long holds = cpu(() -> e.forEach(recorded::holds));
            System.out.printf(
                    "round %d: parse former %,d ns/msg, now %,d | steps former %,d ns/msg, shipped %,d | holds %,d ns"
                            + " | load %s%n",
                    r,
                    parseFormer / perRound,
                    parseNow / perRound,
                    stepsFormer / perRound,
                    stepsNow / perRound,
                    holds / perRound,
                    Files.readString(Path.of("/proc/loadavg")).trim());
        }
        camel.stop();
        ds.close();
        System.exit(0);
    }

    /** The parse before this change (bc8fba4), as the baseline: three passes with EventJson's mapping. */
    static InspectionEvent formerParse(byte[] payload) {
        try {
            JsonNode json = EventJson.mapper().readTree(payload);
            List<String> problems = EventSchema.problems(json);
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException(String.join("; ", problems));
            }
            return EventJson.mapper().treeToValue(json, InspectionEvent.class);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static long cpu(Runnable work) {
        long t0 = CPU.getCurrentThreadCpuTime();
        work.run();
        return CPU.getCurrentThreadCpuTime() - t0;
    }

    private static List<byte[]> payloads(int count, int from) {
        List<byte[]> out = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            Instant now = Instant.now();
            boolean ng = i % 10 == 9;
            out.add(EventJson.toBytes(new InspectionEvent(
                    InspectionEvent.SCHEMA_VERSION,
                    EventIds.newId(),
                    "bench-" + (i % 8 + 1),
                    "cam-bench-" + (i % 8 + 1),
                    "line-b",
                    now,
                    now,
                    new ModelRef("demo-anomaly", "1.0", "ab".repeat(32), "anomaly"),
                    ng ? InspectionEvent.Verdict.NG : InspectionEvent.Verdict.OK,
                    ng ? List.of(new Defect("scratch", 0.91, new Defect.Box(10, 20, 30, 40))) : List.of(),
                    ng ? 0.93 : 0.12,
                    null,
                    null,
                    InspectionEvent.ContextStatus.MISSING,
                    "P" + i,
                    new Latency(1, 1, 5, 1, 8))));
        }
        return out;
    }
}
