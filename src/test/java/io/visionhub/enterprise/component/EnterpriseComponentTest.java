package io.visionhub.enterprise.component;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.enterprise.DeliveryService;
import io.visionhub.enterprise.EnterpriseProperties;
import io.visionhub.enterprise.EnterpriseTargets;
import io.visionhub.enterprise.TestEvents;
import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.rules.SeverityPolicy;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.DeliveryRequest;
import io.visionhub.simulators.EnterpriseSimulators;
import io.visionhub.simulators.SimulatedDocuments;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The enterprise: component with Camel's test support, against the SAP, Maximo and webhook simulators. */
class EnterpriseComponentTest extends CamelTestSupport {

    private static EnterpriseSimulators sims;

    @BeforeAll
    static void startSimulators() {
        sims = EnterpriseSimulators.onFreePorts();
    }

    @AfterAll
    static void stopSimulators() {
        sims.close();
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        Map<String, EnterpriseProperties.Target> targets =
                new LinkedHashMap<>(TestEvents.targets(sims, Duration.ofSeconds(5)));
        targets.put("untyped", EnterpriseProperties.Target.of(null, sims.sap().baseUrl()));
        registry.bind(
                "deliveryService",
                new DeliveryService(
                        new EnterpriseTargets(targets, n -> null),
                        new MappingEngine(Path.of("mappings"), EventJson.mapper()),
                        new SeverityPolicy(Map.of("crack", "HIGH"), "MEDIUM"),
                        "demo-customer",
                        "test-site"));
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:durable")
                        .to("enterprise:sap-qm")
                        .to("enterprise:webhook?documentType=INSPECTION_ALERT")
                        .to("mock:recorded");
                from("direct:now").to("enterprise:sap-qm?mode=direct").to("mock:delivered");
                from("direct:now-acme").to("enterprise:sap-qm?mode=direct&customer=acme-pharma");
                from("direct:high-only").to("enterprise:maximo?minSeverity=HIGH");
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static List<DeliveryRequest> deliveries(Exchange ex) {
        return ex.getMessage().getHeader(EnterpriseConstants.DELIVERIES, List.class);
    }

    private static List<SimulatedDocuments.Document> qualityNotificationsFor(InspectionEvent e) {
        return sims.sap().qualityNotifications().findBy("QltyNotifExternalReference", e.id());
    }

    @Test
    void durableModeAsksForAnOutboxRowPerTargetAndDeliversNothingYet() throws Exception {
        InspectionEvent e = TestEvents.ng("station-1", "crack");
        DeliveryRequest earlier = new DeliveryRequest("maximo", "WORK_ORDER", e.id());
        MockEndpoint recorded = getMockEndpoint("mock:recorded");
        recorded.expectedBodiesReceived(e);
        Exchange ex = template.request("direct:durable", x -> {
            x.getMessage().setBody(e);
            x.getMessage().setHeader(EnterpriseConstants.DELIVERIES, List.of(earlier));
        });
        recorded.assertIsSatisfied();
        assertThat(ex.getException()).isNull();
        // appended after what an earlier step decided; document type from the target's type unless given
        assertThat(deliveries(ex))
                .containsExactly(
                        earlier,
                        new DeliveryRequest("sap-qm", "QUALITY_NOTIFICATION", e.id()),
                        new DeliveryRequest("webhook", "INSPECTION_ALERT", e.id()));
        assertThat(qualityNotificationsFor(e)).isEmpty();
    }

    @Test
    void directModeDeliversToTheSapSimulatorOnceAndSetsTheDocumentNumber() throws Exception {
        InspectionEvent e = TestEvents.ng("station-1", "crack");
        MockEndpoint delivered = getMockEndpoint("mock:delivered");
        delivered.expectedMessageCount(2);
        Exchange first = template.request("direct:now", x -> x.getMessage().setBody(e));
        Exchange again = template.request("direct:now", x -> x.getMessage().setBody(e));
        delivered.assertIsSatisfied();
        List<SimulatedDocuments.Document> docs = qualityNotificationsFor(e);
        assertThat(docs).singleElement().satisfies(d -> assertThat(d.fields()).containsEntry("NotificationType", "Q3"));
        String number = first.getMessage().getHeader(EnterpriseConstants.DOCUMENT_NUMBER, String.class);
        assertThat(number).isEqualTo(docs.get(0).number());
        // the same inspection again: looked up by its reference, not created twice
        assertThat(again.getMessage().getHeader(EnterpriseConstants.DOCUMENT_NUMBER, String.class))
                .isEqualTo(number);
        assertThat(first.getMessage().getBody()).isEqualTo(e);
    }

    @Test
    void directModeWithAnotherCustomerUsesThatCustomersMapping() {
        InspectionEvent e = TestEvents.ng("station-2", "dent");
        Exchange ex = template.request("direct:now-acme", x -> x.getMessage().setBody(e));
        assertThat(ex.getException()).isNull();
        assertThat(qualityNotificationsFor(e))
                .singleElement()
                .satisfies(d -> assertThat(d.fields()).containsEntry("NotificationType", "Q2"));
    }

    @Test
    void inspectionsBelowTheMinimumSeverityPassWithoutADocument() {
        InspectionEvent medium = TestEvents.ng("station-1", "dent");
        InspectionEvent high = TestEvents.ng("station-1", "crack");
        Exchange skipped =
                template.request("direct:high-only", x -> x.getMessage().setBody(medium));
        Exchange raised =
                template.request("direct:high-only", x -> x.getMessage().setBody(high));
        assertThat(skipped.getException()).isNull();
        assertThat(deliveries(skipped)).isNull();
        assertThat(skipped.getMessage().getBody()).isEqualTo(medium);
        assertThat(deliveries(raised)).containsExactly(new DeliveryRequest("maximo", "WORK_ORDER", high.id()));
    }

    @Test
    void unknownTargetIsAClearErrorNamingItAndTheConfiguredOnes() {
        assertThatThrownBy(() -> context.getEndpoint("enterprise:nowhere"))
                .rootCause()
                .hasMessageContaining("enterprise:nowhere")
                .hasMessageContaining("configured: [")
                .hasMessageContaining("sap-qm");
    }

    @Test
    void bodyThatIsNotAnInspectionEventFailsTheExchangeAndRequestsNothing() throws Exception {
        MockEndpoint recorded = getMockEndpoint("mock:recorded");
        recorded.expectedMessageCount(0);
        Exchange ex = template.request("direct:durable", x -> x.getMessage().setBody("{\"id\": \"not an event\"}"));
        assertThat(ex.getException())
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining(InspectionEvent.class.getName())
                .hasMessageContaining("String");
        assertThat(deliveries(ex)).isNull();
        Exchange none = template.request("direct:now", x -> x.getMessage().setBody(null));
        assertThat(none.getException()).isInstanceOf(InvalidPayloadException.class);
        recorded.assertIsSatisfied();
    }

    @Test
    void optionsTheModeCannotHonourOrBadValuesAreClearErrors() {
        assertThatThrownBy(() -> context.getEndpoint("enterprise:sap-qm?mapping=other"))
                .rootCause()
                .hasMessageContaining("mapping=other")
                .hasMessageContaining("mode=direct");
        assertThatThrownBy(() -> context.getEndpoint("enterprise:sap-qm?minSeverity=URGENT"))
                .rootCause()
                .hasMessageContaining("URGENT");
        assertThatThrownBy(() -> context.getEndpoint("enterprise:untyped"))
                .rootCause()
                .hasMessageContaining("untyped")
                .hasMessageContaining("no type");
        assertThatThrownBy(() -> context.getEndpoint("enterprise:sap-qm?mode=later"))
                .hasMessageContaining("later");
    }
}
