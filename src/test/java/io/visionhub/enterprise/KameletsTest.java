package io.visionhub.enterprise;

import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.rules.EnterpriseRules;
import io.visionhub.enterprise.rules.RuleSettings;
import io.visionhub.enterprise.rules.SeverityPolicy;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.DeliveryRequest;
import io.visionhub.ledger.InspectionLedger;
import io.visionhub.simulators.EnterpriseSimulators;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kamelet.KameletComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The connector and rules kamelets (kamelets/*.kamelet.yaml) in a Camel context with the enterprise beans. */
class KameletsTest {

    private static EnterpriseSimulators sims;
    private static CamelContext camel;
    private static ProducerTemplate producer;

    @BeforeAll
    static void start() throws Exception {
        sims = EnterpriseSimulators.onFreePorts();
        DeliveryService delivery = new DeliveryService(new EnterpriseTargets(TestEvents.targets(sims, Duration.ofSeconds(5)), n -> null),
                new MappingEngine(Path.of("mappings"), EventJson.mapper()), new SeverityPolicy(Map.of(), "MEDIUM"),
                "demo-customer", "test-site");
        camel = new DefaultCamelContext();
        camel.getRegistry().bind("enterpriseSink", new EnterpriseSink(delivery));
        camel.getRegistry().bind("enterpriseRules", new EnterpriseRules(RuleSettings.defaults(new EnterpriseProperties.Rules()),
                new SeverityPolicy(Map.of(), "MEDIUM"), n -> null));
        KameletComponent kamelet = camel.getComponent("kamelet", KameletComponent.class);
        kamelet.setLocation("file:kamelets");
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:durable").to("kamelet:sap-qm-notification-sink").to("kamelet:maximo-workorder-sink");
                from("direct:now").to("kamelet:cmms-webhook-sink?durable=false");
                from("direct:rules").to("kamelet:enterprise-rules-action?maintenanceThreshold=1&extraNgTargets=webhook"
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
        assertThat(deliveries(ex)).containsExactly(new DeliveryRequest("sap-qm", "QUALITY_NOTIFICATION", e.id()),
                new DeliveryRequest("maximo", "WORK_ORDER", e.id()));
        assertThat(sims.sap().qualityNotifications().count()).isZero();
    }

    @Test
    void sinkThatDeliversNowSetsTheDocumentNumber() {
        InspectionEvent e = TestEvents.ng("station-1", "dent");
        Exchange ex = producer.request("direct:now", x -> x.getMessage().setBody(e));
        assertThat(ex.getException()).isNull();
        assertThat(ex.getMessage().getHeader(EnterpriseSink.HEADER_DOCUMENT_NUMBER, String.class)).startsWith("WR-");
    }

    @Test
    void rulesKameletParametersOverrideTheDefaults() {
        InspectionEvent e = TestEvents.ng("station-3", "dent");
        Exchange ex = producer.request("direct:rules", x -> x.getMessage().setBody(e));
        assertThat(ex.getException()).isNull();
        assertThat(deliveries(ex)).extracting(DeliveryRequest::target).containsExactly("webhook", "sap-pm");
    }

    @Test
    void sinkWithUnknownTargetFailsNamingIt() {
        Exchange ex = producer.request("kamelet:sap-qm-notification-sink?target=nowhere",
                x -> x.getMessage().setBody(TestEvents.ng("station-1", "dent")));
        assertThat(ex.getException()).hasMessageContaining("nowhere");
    }
}
