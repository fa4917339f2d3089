package io.visionhub.enterprise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.context.ContextEnricher;
import io.visionhub.enterprise.component.EnterpriseConstants;
import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.rules.EnterpriseRules;
import io.visionhub.enterprise.rules.RuleSettings;
import io.visionhub.enterprise.rules.SeverityPolicy;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.DeliveryRequest;
import io.visionhub.ledger.InspectionLedger;
import io.visionhub.simulators.EnterpriseSimulators;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kamelet.KameletComponent;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The connector and rules kamelets (kamelets/*.kamelet.yaml) in a Camel context with the enterprise beans. */
class KameletsTest {

    private static EnterpriseSimulators sims;
    private static CamelContext camel;
    private static ProducerTemplate producer;

    @BeforeAll
    static void start() throws Exception {
        sims = EnterpriseSimulators.onFreePorts();
        DeliveryService delivery = new DeliveryService(
                new EnterpriseTargets(TestEvents.targets(sims, Duration.ofSeconds(5)), n -> null),
                new MappingEngine(Path.of("mappings"), EventJson.mapper()),
                new SeverityPolicy(Map.of("crack", "HIGH"), "MEDIUM"),
                "demo-customer",
                "test-site");
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("deliveryService", delivery); // found by type by the enterprise: component
        camel.getRegistry()
                .bind(
                        "enterpriseRules",
                        new EnterpriseRules(
                                RuleSettings.defaults(EnterpriseProperties.Rules.defaults()),
                                new SeverityPolicy(Map.of(), "MEDIUM"),
                                n -> null));
        KameletComponent kamelet = camel.getComponent("kamelet", KameletComponent.class);
        kamelet.setLocation("file:kamelets");
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:durable").to("kamelet:sap-qm-notification-sink").to("kamelet:maximo-workorder-sink");
                from("direct:now").to("kamelet:cmms-webhook-sink?mode=direct");
                from("direct:rules")
                        .to("kamelet:enterprise-rules-action?maintenanceThreshold=1&extraNgTargets=webhook"
                                + "&qualityNotificationTarget=none");
            }
        });
        camel.start();
        producer = camel.createProducerTemplate();
    }

    @AfterAll
    static void stop() {
        camel.stop();
        sims.close();
    }

    @SuppressWarnings("unchecked")
    private static List<DeliveryRequest> deliveries(Exchange ex) {
        return (List<DeliveryRequest>) ex.getMessage().getHeader(InspectionLedger.HEADER_DELIVERIES);
    }

    @Test
    void durableSinksRequestOutboxDeliveriesAndKeepTheBody() {
        InspectionEvent e = TestEvents.ng("station-1", "crack");
        Exchange ex = producer.request("direct:durable", x -> x.getMessage().setBody(e));
        assertThat(ex.getException()).isNull();
        assertThat(ex.getMessage().getBody()).isEqualTo(e);
        assertThat(deliveries(ex))
                .containsExactly(
                        new DeliveryRequest("sap-qm", "QUALITY_NOTIFICATION", e.id()),
                        new DeliveryRequest("maximo", "WORK_ORDER", e.id()));
        assertThat(sims.sap().qualityNotifications().count()).isZero();
    }

    @Test
    void sinkThatDeliversNowSetsTheDocumentNumber() {
        InspectionEvent e = TestEvents.ng("station-1", "dent");
        Exchange ex = producer.request("direct:now", x -> x.getMessage().setBody(e));
        assertThat(ex.getException()).isNull();
        assertThat(ex.getMessage().getHeader(EnterpriseConstants.DOCUMENT_NUMBER, String.class))
                .startsWith("WR-");
    }

    @Test
    void rulesKameletParametersOverrideTheDefaults() {
        InspectionEvent e = TestEvents.ng("station-3", "dent");
        Exchange ex = producer.request("direct:rules", x -> x.getMessage().setBody(e));
        assertThat(ex.getException()).isNull();
        assertThat(deliveries(ex)).extracting(DeliveryRequest::target).containsExactly("webhook", "sap-pm");
    }

    /** The example routes of docs/enterprise.md, as written there; the ledger step and the context enricher stand in. */
    @Test
    void docsExampleRoutesRequestDeliveriesAndDeliverNow() throws Exception {
        String doc = Files.readString(Path.of("docs/enterprise.md"));
        int start = doc.indexOf("```yaml\n- route:\n    id: station-2-enterprise");
        // ledger:record (the ledger's component) stands in as a mock endpoint: what matters here is the header.
        // The URI is swapped rather than the component: the generated ledger configurer expects its own component.
        String yaml = doc.substring(start + "```yaml\n".length(), doc.indexOf("```", start + 3))
                .replace("ledger:record", "mock:ledger-record");
        // the context:enrich step of production-context-action: no store, so every event is marked MISSING
        camel.getRegistry().bind("contextEnricher", new ContextEnricher(null));
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.fromString("enterprise-example.yaml", yaml));

        InspectionEvent high = TestEvents.ng("station-2", "crack");
        producer.sendBody("direct:station-2-enterprise", high);
        InspectionEvent medium = TestEvents.ng("station-2", "dent");
        producer.sendBody("direct:station-2-enterprise", medium);
        List<List<DeliveryRequest>> recorded =
                camel.getEndpoint("mock:ledger-record", MockEndpoint.class).getExchanges().stream()
                        .map(KameletsTest::deliveries)
                        .toList();
        assertThat(recorded)
                .containsExactly(
                        List.of(
                                new DeliveryRequest("sap-qm", "QUALITY_NOTIFICATION", high.id()),
                                new DeliveryRequest("webhook", "WORK_REQUEST", high.id()),
                                new DeliveryRequest("maximo", "WORK_ORDER", high.id())),
                        List.of(
                                new DeliveryRequest("sap-qm", "QUALITY_NOTIFICATION", medium.id()),
                                new DeliveryRequest("maximo", "WORK_ORDER", medium.id())));

        Exchange now =
                producer.request("direct:quality-alert-now", x -> x.getMessage().setBody(medium));
        assertThat(now.getException()).isNull();
        assertThat(now.getMessage().getHeader(EnterpriseConstants.DOCUMENT_NUMBER, String.class))
                .startsWith("WR-");
    }

    @Test
    void sinkWithUnknownTargetFailsNamingIt() {
        assertThatThrownBy(() -> producer.request(
                        "kamelet:sap-qm-notification-sink?target=nowhere",
                        x -> x.getMessage().setBody(TestEvents.ng("station-1", "dent"))))
                .rootCause()
                .hasMessageContaining("nowhere")
                .hasMessageContaining("configured");
    }

    @Test
    void sinkLeavesInspectionsBelowItsMinimumSeverityAlone() {
        InspectionEvent e = TestEvents.ng("station-1", "dent"); // no severity configured for dent: MEDIUM
        Exchange ex = producer.request(
                "kamelet:maximo-workorder-sink?minSeverity=HIGH",
                x -> x.getMessage().setBody(e));
        assertThat(ex.getException()).isNull();
        assertThat(deliveries(ex)).isNull();
        Exchange medium = producer.request(
                "kamelet:maximo-workorder-sink?minSeverity=MEDIUM",
                x -> x.getMessage().setBody(e));
        assertThat(deliveries(medium)).containsExactly(new DeliveryRequest("maximo", "WORK_ORDER", e.id()));
    }

    @Test
    void rulesKameletWithABadParameterDoesNotStartAndNamesIt() {
        assertThatThrownBy(() -> camel.addRoutes(new RouteBuilder() {
                    @Override
                    public void configure() {
                        from("direct:bad-rules")
                                .routeId("bad-rules")
                                .to("kamelet:enterprise-rules-action?maintenanceThreshold=three");
                    }
                }))
                .rootCause()
                .hasMessageContaining("maintenanceThreshold")
                .hasMessageContaining("three");
    }
}
