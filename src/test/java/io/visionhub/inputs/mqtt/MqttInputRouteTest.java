package io.visionhub.inputs.mqtt;

import static io.visionhub.inputs.mqtt.MqttTestDevice.await;
import static io.visionhub.inputs.mqtt.MqttTestDevice.message;
import static io.visionhub.inputs.mqtt.MqttTestDevice.publish;
import static io.visionhub.inputs.mqtt.MqttTestDevice.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.outputs.mqtt.MosquittoProcess;
import io.visionhub.outputs.mqtt.TestEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped example route (routes/examples/mqtt-inspection-input.yaml.example) with {@code mqtt-input:} against a
 * real Mosquitto and the real ledger on H2: stations run side by side yet each keeps its order and the ledger's
 * commits hold several records; a connection dropped mid-burst (as a crash drops it) loses nothing and records
 * nothing twice; a payload that is not an inspection event is kept with its error and acknowledged, not sent again.
 */
class MqttInputRouteTest extends CamelTestSupport {

    @TempDir
    static Path brokerDir;

    static MosquittoProcess broker;

    @TempDir
    Path dir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private HikariDataSource ds;
    private JdbcInspectionLedger ledger;
    private final String clientId = "hub-input-" + System.nanoTime();
    private final Map<String, List<String>> partsByStation = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostRunning = new AtomicInteger();
    private volatile String holdPart; // the route holds this part after its ledger commit (before the ack)
    private final CountDownLatch held = new CountDownLatch(1);

    @BeforeAll
    static void startBroker() throws Exception {
        assumeTrue(MosquittoProcess.find().isPresent(), "mosquitto not installed");
        broker = new MosquittoProcess(brokerDir, List.of());
        broker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.stop();
        }
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        ds = LedgerTestSupport.h2(dir);
        ledger = LedgerTestSupport.ledger(ds, LedgerTestSupport.props(dir));
        registry.bind("inspectionLedger", ledger);
        registry.bind("meters", meters);
        registry.bind("metricsRegistry", meters); // camel-micrometer's name for it
        registry.bind("recordedInspections", new RecordedInspections(ds, ledger));
        registry.bind("inspectionEventInput", new InspectionEventInput());
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        Properties p = new Properties();
        p.setProperty("visionhub.mqtt-input.broker-url", broker.url());
        p.setProperty("visionhub.mqtt-input.client-id", clientId);
        p.setProperty("visionhub.mqtt-input.receive-maximum", "64");
        p.setProperty("visionhub.mqtt-input.lanes", "8");
        p.setProperty("visionhub.failed-dir", dir.resolve("failed").toString());
        context.getPropertiesComponent().setInitialProperties(p);
        PluginHelper.getRoutesLoader(context)
                .loadRoutes(ResourceHelper.fromString(
                        "mqtt-inspection-input.yaml",
                        Files.readString(Path.of("routes/examples/mqtt-inspection-input.yaml.example"))));
        return context;
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                // stands in for routes/demo.yaml's inspection route: the durable record, then what follows it
                from("direct:inspection")
                        .routeId("inspection")
                        .process(e -> mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max))
                        .to("ledger:record")
                        .process(e -> {
                            InspectionEvent event = e.getMessage().getBody(InspectionEvent.class);
                            partsByStation
                                    .computeIfAbsent(
                                            event.station(), s -> Collections.synchronizedList(new ArrayList<>()))
                                    .add(event.partId());
                            running.decrementAndGet();
                            if (event.partId().equals(holdPart)) {
                                held.countDown();
                                Thread.sleep(60_000); // recorded, not yet acknowledged: the connection drops now
                            }
                        });
            }
        };
    }

    @Override
    public void doPostTearDown() throws Exception {
        if (ledger != null) {
            ledger.close();
        }
        if (ds != null) {
            ds.close();
        }
    }

    @Test
    void stationsRunSideBySideEachInOrderAndShareTheLedgersCommits() throws Exception {
        int stations = 8;
        int perStation = 150;
        try (MqttTestDevice.Pub pub = publisher()) {
            for (int i = 0; i < perStation; i++) {
                for (int s = 1; s <= stations; s++) {
                    publish(pub, "station-" + s, "station-" + s + "#" + i);
                }
            }
        }

        // the ledger counts a record at its commit; the route's step after it runs once the commit is durable
        await(
                () -> ledger.size() >= stations * perStation
                        && partsByStation.values().stream().mapToInt(List::size).sum() >= stations * perStation,
                60);

        assertThat(ledger.size()).isEqualTo(stations * perStation);
        for (int s = 1; s <= stations; s++) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perStation; i++) {
                expected.add("station-" + s + "#" + i);
            }
            assertThat(partsByStation.get("station-" + s))
                    .as("station-%d in order", s)
                    .containsExactlyElementsOf(expected);
        }
        assertThat(mostRunning.get()).as("stations routed at the same time").isGreaterThan(1);
        assertThat(ledger.stats().recordsPerCommit())
                .as("records per group commit")
                .isGreaterThan(1.0);
    }

    @Test
    void connectionDroppedMidBurstLosesNothingAndRecordsNothingTwice() throws Exception {
        int total = 1200;
        holdPart = "station-2#100";
        try (MqttTestDevice.Pub pub = publisher()) {
            for (int i = 0; i < total / 4; i++) {
                for (int s = 1; s <= 4; s++) {
                    publish(pub, "station-" + s, "station-" + s + "#" + i);
                }
            }
        }
        assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
        long recordedBeforeCrash = ledger.size();
        MqttInputConsumer consumer =
                (MqttInputConsumer) context.getRoute("mqtt-inspection-input").getConsumer();
        consumer.abortConnection(); // as a crash: what is in flight is never acknowledged
        context.getRouteController().stopRoute("mqtt-inspection-input");
        holdPart = null;
        context.getRouteController().startRoute("mqtt-inspection-input"); // same client id: the session resumes

        await(() -> ledger.size() >= total, 60);
        Thread.sleep(500); // anything sent again after the last record would show as a failed duplicate
        assertThat(recordedBeforeCrash).isLessThan(total);
        assertThat(ledger.size()).isEqualTo(total);
        try (var c = ds.getConnection();
                var rs = c.createStatement().executeQuery("SELECT COUNT(DISTINCT id) FROM inspection")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(total);
        }
        // station-2#100 was recorded but not acknowledged: it came again (DUP) and was recognised, not refused
        assertThat(partsByStation.get("station-2")).containsOnlyOnce("station-2#100");
        assertThat(meters.find("visionhub.mqtt-input.duplicates").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum())
                .as("messages sent again that the ledger held")
                .isGreaterThanOrEqualTo(1.0);
        assertThat(failed()).as("nothing refused").isEmpty();
    }

    @Test
    void aPayloadThatIsNoInspectionEventIsKeptWithItsErrorAndAcknowledged() throws Exception {
        try (MqttTestDevice.Pub pub = publisher()) {
            pub.publish(topic("station-9"), message("{not json".getBytes(StandardCharsets.UTF_8)));
            pub.publish(topic("station-9"), message("{\"id\":\"x-1\"}".getBytes(StandardCharsets.UTF_8)));
            publish(pub, "station-9", "station-9#ok");
        }
        await(() -> partsByStation.containsKey("station-9") && failed().size() >= 2, 30);
        List<String> kept =
                failed().stream().map(MqttInputRouteTest::read).sorted().toList();
        assertThat(kept).containsExactly("{\"id\":\"x-1\"}", "{not json");
        assertThat(partsByStation.get("station-9")).containsExactly("station-9#ok");

        // acknowledged: a new connection of the same session gets neither again
        context.getRouteController().stopRoute("mqtt-inspection-input");
        context.getRouteController().startRoute("mqtt-inspection-input");
        Thread.sleep(1500);
        assertThat(failed()).hasSize(2);
        assertThat(ledger.size()).isEqualTo(1);
    }

    @Test
    void theErrorSaysWhatIsWrongWithThePayload() {
        assertThatThrownBy(() -> InspectionEventInput.parse("{not json".getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("not an inspection event: not JSON:");
        assertThatThrownBy(() -> InspectionEventInput.parse("[1,2]".getBytes(StandardCharsets.UTF_8)))
                .hasMessage("not an inspection event: a JSON object is expected, got array: [1,2]");
        assertThatThrownBy(() -> InspectionEventInput.parse("{\"id\":\"x-1\"}".getBytes(StandardCharsets.UTF_8)))
                .hasMessageStartingWith("not an inspection event (docs/schema/inspection-event.schema.json): ")
                .hasMessageContaining("station");
        assertThatThrownBy(() -> InspectionEventInput.parse(new byte[0]))
                .hasMessage("not an inspection event: empty payload");
        InspectionEvent event = TestEvents.event("station-1", "P-1", InspectionEvent.Verdict.OK);
        assertThat(InspectionEventInput.parse(EventJson.toBytes(event))).isEqualTo(event);
    }

    @Test
    void malformedEndpointsAreRefusedNamingTheFix() {
        String url = broker.url();
        assertThatThrownBy(() -> context.getEndpoint("mqtt-input:a/b?brokerUrl=" + url))
                .hasStackTraceContaining("clientId is missing");
        assertThatThrownBy(() -> context.getEndpoint("mqtt-input:a/b?clientId=x"))
                .hasStackTraceContaining("brokerUrl is missing");
        assertThatThrownBy(() -> context.getEndpoint("mqtt-input:a/b?clientId=x&qos=0&brokerUrl=" + url))
                .hasStackTraceContaining("qos=0: use 1 or 2");
        assertThatThrownBy(() -> context.getEndpoint("mqtt-input:a/b?clientId=x&receiveMaximum=0&brokerUrl=" + url))
                .hasStackTraceContaining("receiveMaximum=0 is not 1 to 65535");
    }

    private List<Path> failed() {
        Path d = dir.resolve("failed/mqtt-input");
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.toString().endsWith(".json")).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private MqttTestDevice.Pub publisher() throws Exception {
        return MqttTestDevice.connect(broker.url());
    }
}
