package io.visionhub.inputs.mqtt;

import static io.visionhub.inputs.mqtt.MqttTestDevice.await;
import static io.visionhub.inputs.mqtt.MqttTestDevice.message;
import static io.visionhub.inputs.mqtt.MqttTestDevice.publish;
import static io.visionhub.inputs.mqtt.MqttTestDevice.topic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.outputs.mqtt.MosquittoProcess;
import io.visionhub.outputs.mqtt.TestEvents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
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
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Pipelining of {@code mqtt-input:} lanes through the ledger commit, on ONE topic (one station), against a real
 * Mosquitto and the real ledger on H2. The ledger's database is held shut (its writer cannot get a connection)
 * while messages arrive, so what the lane does before any commit is seen, not timed: it takes the next messages of
 * its topic while the first waits for its commit (up to the receive maximum, since none is acknowledged), hands
 * none of them on, and once the database opens they are committed together, in order, then handed on in order.
 */
class MqttInputPipeliningTest extends CamelTestSupport {

    private static final int WINDOW = 10;

    @TempDir
    static Path brokerDir;

    static MosquittoProcess broker;

    @TempDir
    Path dir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private HikariDataSource ds;
    private Gate gate;
    private JdbcInspectionLedger ledger;
    private final String clientId = "hub-pipelining-" + System.nanoTime();
    /** part ids in the order the inspection route saw them before the ledger step, and after it */
    private final List<String> queued = Collections.synchronizedList(new ArrayList<>());

    private final List<String> handedOn = Collections.synchronizedList(new ArrayList<>());

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

    /** The ledger's database: while shut, every getConnection waits (the writer cannot commit). */
    static final class Gate extends DelegatingDataSource {
        private volatile CountDownLatch open = new CountDownLatch(0);

        Gate(HikariDataSource target) {
            super(target);
        }

        void shut() {
            open = new CountDownLatch(1);
        }

        void open() {
            open.countDown();
        }

        @Override
        public Connection getConnection() throws SQLException {
            try {
                open.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted at the gate");
            }
            return super.getConnection();
        }
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        ds = LedgerTestSupport.h2(dir);
        gate = new Gate(ds);
        ledger = LedgerTestSupport.ledger(gate, LedgerTestSupport.props(dir));
        registry.bind("inspectionLedger", ledger);
        registry.bind("meters", meters);
        registry.bind("metricsRegistry", meters);
        registry.bind("recordedInspections", new RecordedInspections(ds, ledger));
        registry.bind("inspectionEventInput", new InspectionEventInput());
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        Properties p = new Properties();
        p.setProperty("visionhub.mqtt-input.broker-url", broker.url());
        p.setProperty("visionhub.mqtt-input.client-id", clientId);
        p.setProperty("visionhub.mqtt-input.receive-maximum", String.valueOf(WINDOW));
        p.setProperty("visionhub.mqtt-input.lanes", "2");
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
                // stands in for routes/demo.yaml's inspection route (its error handling included): the durable
                // record, then what follows it
                from("direct:inspection")
                        .routeId("inspection")
                        .errorHandler(deadLetterChannel("direct:inspection-failed")
                                .useOriginalMessage()
                                .maximumRedeliveries(2))
                        .process(e -> queued.add(
                                e.getMessage().getBody(InspectionEvent.class).partId()))
                        .to("ledger:record")
                        .process(e -> handedOn.add(
                                e.getMessage().getBody(InspectionEvent.class).partId()));
                from("direct:inspection-failed").routeId("inspection-failed").to("mock:inspection-failed");
            }
        };
    }

    @Override
    public void doPostTearDown() throws Exception {
        if (gate != null) {
            gate.open();
        }
        if (ledger != null) {
            ledger.close();
        }
        if (ds != null) {
            ds.close();
        }
    }

    @Test
    void aLaneTakesTheNextMessagesOfItsTopicWhileTheFirstWaitsAndOneCommitHoldsThem() throws Exception {
        int total = 2 * WINDOW;
        gate.shut();
        List<String> published = new ArrayList<>();
        try (MqttTestDevice.Pub pub = publisher()) {
            for (int i = 0; i < total; i++) {
                String part = "station-1#" + i;
                publish(pub, "station-1", part);
                published.add(part);
            }
        }

        // one topic, one lane: it took the next messages while the first waited for its commit, up to the window
        await(() -> queued.size() >= WINDOW, 30);
        Thread.sleep(500); // more would come now if any had been acknowledged
        assertThat(queued).as("taken before any commit").containsExactlyElementsOf(published.subList(0, WINDOW));
        assertThat(handedOn).as("handed on before its commit").isEmpty();
        assertThat(ledger.size()).isZero();

        gate.open();
        await(() -> handedOn.size() >= total, 60);

        assertThat(handedOn).as("handed on in order").containsExactlyElementsOf(published);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        assertThat(jdbc.queryForList("SELECT part_id FROM inspection ORDER BY ledger_seq", String.class))
                .as("recorded in order")
                .containsExactlyElementsOf(published);
        // a group commit stamps its records with one recordedAt: the window's records took at most two commits
        // (the writer may have taken the first alone before the others were queued)
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(DISTINCT recorded_at) FROM ledger_leaf WHERE seq < ?", Long.class, WINDOW))
                .as("commits that held the first %d records of one topic", WINDOW)
                .isLessThanOrEqualTo(2L);
        assertThat(ledger.stats().commits()).isLessThan(total);
        assertThat(failed()).isEmpty();
        assertThat(getMockEndpoint("mock:inspection-failed").getReceivedCounter())
                .isZero();
    }

    @Test
    void aConnectionDroppedWhileALanesMessagesWaitForTheirCommitLosesNothingAndRecordsNothingTwice() throws Exception {
        int total = 2 * WINDOW;
        gate.shut();
        try (MqttTestDevice.Pub pub = publisher()) {
            for (int i = 0; i < total; i++) {
                publish(pub, "station-1", "station-1#" + i);
            }
        }
        await(() -> queued.size() >= WINDOW, 30);
        MqttInputConsumer consumer =
                (MqttInputConsumer) context.getRoute("mqtt-inspection-input").getConsumer();
        consumer.abortConnection(); // as a crash: the ten waiting for their commit are never acknowledged
        gate.open(); // ...yet their commit completes
        await(() -> ledger.size() >= WINDOW, 30);
        context.getRouteController().stopRoute("mqtt-inspection-input");
        context.getRouteController().startRoute("mqtt-inspection-input"); // the session resumes

        await(() -> ledger.size() >= total, 60);
        Thread.sleep(500); // anything sent again after the last record would show as a failed duplicate
        assertThat(ledger.size()).isEqualTo(total);
        JdbcTemplate jdbc = new JdbcTemplate(ds);
        assertThat(jdbc.queryForObject("SELECT COUNT(DISTINCT id) FROM inspection", Long.class))
                .isEqualTo(total);
        // committed but never acknowledged: they came again and were recognised
        assertThat(meters.find("visionhub.mqtt-input.duplicates").counters().stream()
                        .mapToDouble(c -> c.count())
                        .sum())
                .isGreaterThanOrEqualTo(WINDOW);
        assertThat(failed()).isEmpty();
        assertThat(getMockEndpoint("mock:inspection-failed").getReceivedCounter())
                .isZero();
    }

    @Test
    void aSecondCopyOfAnEventArrivingWhileTheFirstWaitsForItsCommitIsRecognisedNotRecordedTwice() throws Exception {
        InspectionEvent event = TestEvents.event("station-1", "station-1#dup", InspectionEvent.Verdict.OK);
        gate.shut();
        try (MqttTestDevice.Pub pub = publisher()) {
            pub.publish(topic("station-1"), message(EventJson.toBytes(event))); // the device sends it twice
            pub.publish(topic("station-1"), message(EventJson.toBytes(event)));
            publish(pub, "station-1", "station-1#next");
        }
        await(() -> !queued.isEmpty(), 30);
        Thread.sleep(300); // the copy is held at the duplicate check until the first is committed
        assertThat(queued).containsExactly("station-1#dup");

        gate.open();
        await(() -> handedOn.size() >= 2, 30);
        Thread.sleep(300);
        assertThat(handedOn).containsExactly("station-1#dup", "station-1#next");
        assertThat(ledger.size()).isEqualTo(2);
        assertThat(meters.find("visionhub.mqtt-input.duplicates").counter().count())
                .isEqualTo(1.0);
        assertThat(failed()).isEmpty();
        assertThat(getMockEndpoint("mock:inspection-failed").getReceivedCounter())
                .isZero();
    }

    private List<Path> failed() throws java.io.IOException {
        Path d = dir.resolve("failed/mqtt-input");
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        }
    }

    private MqttTestDevice.Pub publisher() throws Exception {
        return MqttTestDevice.connect(broker.url());
    }
}
