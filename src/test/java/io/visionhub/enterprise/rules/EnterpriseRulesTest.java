package io.visionhub.enterprise.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.enterprise.EnterpriseProperties;
import io.visionhub.enterprise.TargetType;
import io.visionhub.enterprise.TestEvents;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.DeliveryRequest;
import io.visionhub.ledger.InspectionLedger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class EnterpriseRulesTest {

    private final EnterpriseProperties.Rules config = EnterpriseProperties.Rules.defaults();
    private final EnterpriseRules rules = new EnterpriseRules(
            RuleSettings.defaults(config),
            new SeverityPolicy(Map.of("crack", "HIGH", "scratch", "LOW"), "MEDIUM"),
            name -> "maximo".equals(name) ? TargetType.MAXIMO_WORK_ORDER : null);

    private Exchange exchange(InspectionEvent e) {
        Exchange ex = new DefaultExchange(new DefaultCamelContext());
        ex.getMessage().setBody(e);
        return ex;
    }

    @SuppressWarnings("unchecked")
    private static List<DeliveryRequest> deliveries(Exchange ex) {
        return (List<DeliveryRequest>) ex.getMessage().getHeader(InspectionLedger.HEADER_DELIVERIES);
    }

    @Test
    void ngPartRaisesOneQualityNotificationKeyedByInspectionAndOkPartNone() {
        InspectionEvent ng = TestEvents.ng("station-1", "crack");
        Exchange ex = exchange(ng);
        assertThat(rules.apply(ng, ex)).isSameAs(ng);
        assertThat(deliveries(ex)).contains(new DeliveryRequest("sap-qm", "QUALITY_NOTIFICATION", ng.id()));
        assertThat(ex.getMessage().getHeader(EnterpriseRules.HEADER_SEVERITY)).isEqualTo("HIGH");

        InspectionEvent ok = TestEvents.ok("station-1");
        Exchange ex2 = exchange(ok);
        rules.apply(ok, ex2);
        assertThat(deliveries(ex2)).isEmpty();
    }

    @Test
    void maintenanceNotificationOncePerStationClassAndWindowAtTheThreshold() {
        Instant t0 = Instant.parse("2026-11-25T02:00:30Z");
        List<DeliveryRequest> all = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            InspectionEvent e =
                    TestEvents.ng(UUID.randomUUID().toString(), "station-7", "dent", t0.plusSeconds(i * 10L));
            Exchange ex = exchange(e);
            rules.apply(e, ex);
            all.addAll(deliveries(ex).stream()
                    .filter(d -> d.documentType().equals("MAINTENANCE_NOTIFICATION"))
                    .toList());
        }
        assertThat(all).singleElement().satisfies(d -> {
            assertThat(d.target()).isEqualTo("sap-pm");
            MaintenanceWindowKey key = MaintenanceWindowKey.parse(d.key());
            assertThat(key.station()).isEqualTo("station-7");
            assertThat(key.defectClass()).isEqualTo("dent");
            assertThat(key.windowStart()).isEqualTo(Instant.parse("2026-11-25T02:00:00Z"));
        });
        // the next window raises its own
        for (int i = 0; i < 3; i++) {
            InspectionEvent e =
                    TestEvents.ng(UUID.randomUUID().toString(), "station-7", "dent", t0.plus(Duration.ofMinutes(10)));
            Exchange ex = exchange(e);
            rules.apply(e, ex);
            all.addAll(deliveries(ex).stream()
                    .filter(d -> d.documentType().equals("MAINTENANCE_NOTIFICATION"))
                    .toList());
        }
        assertThat(all).hasSize(2);
    }

    @Test
    void anomalyVerdictsWithoutDefectClassesCountAsAnomaly() {
        Instant t0 = Instant.parse("2026-11-25T03:00:00Z");
        List<DeliveryRequest> maint = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            InspectionEvent withDefect =
                    TestEvents.ng(UUID.randomUUID().toString(), "station-5", "x", t0.plusSeconds(i));
            InspectionEvent e = new InspectionEvent(
                    withDefect.schemaVersion(),
                    withDefect.id(),
                    withDefect.station(),
                    withDefect.camera(),
                    withDefect.line(),
                    withDefect.captureTime(),
                    withDefect.inferenceTime(),
                    withDefect.model(),
                    InspectionEvent.Verdict.NG,
                    List.of(),
                    0.97,
                    null,
                    null,
                    InspectionEvent.ContextStatus.MISSING,
                    null,
                    null);
            Exchange ex = exchange(e);
            rules.apply(e, ex);
            maint.addAll(deliveries(ex).stream()
                    .filter(d -> d.documentType().equals("MAINTENANCE_NOTIFICATION"))
                    .toList());
        }
        assertThat(maint)
                .singleElement()
                .satisfies(d -> assertThat(MaintenanceWindowKey.parse(d.key()).defectClass())
                        .isEqualTo(EnterpriseRules.ANOMALY));
    }

    private EnterpriseRulesAction action() {
        EnterpriseRulesAction action = new EnterpriseRulesAction();
        action.setRules(rules);
        return action;
    }

    @Test
    void stepParametersOverrideTheConfiguredRules() throws Exception {
        InspectionEvent e = TestEvents.ng("station-9", "scratch");
        Exchange ex = exchange(e);
        EnterpriseRulesAction step = action();
        step.setQualityNotificationTarget("none");
        step.setMaintenanceTarget("");
        step.setExtraNgTargets("maximo, webhook");
        step.setMaintenanceThreshold("1");
        step.setMaintenanceClasses("scratch");
        step.process(ex);
        assertThat(deliveries(ex)).extracting(DeliveryRequest::target).containsExactly("maximo", "webhook", "sap-pm");
        assertThat(deliveries(ex).get(0).documentType()).isEqualTo("WORK_ORDER");
        assertThat(ex.getMessage().getBody()).isSameAs(e);
    }

    @Test
    void exchangePropertiesNamedLikeParametersChangeNothing() throws Exception {
        InspectionEvent e = TestEvents.ng("station-1", "crack");
        Exchange ex = exchange(e);
        ex.setProperty("visionhub.rules.qualityNotificationTarget", "none");
        action().process(ex);
        assertThat(deliveries(ex)).contains(new DeliveryRequest("sap-qm", "QUALITY_NOTIFICATION", e.id()));
    }

    @Test
    void inspectionResultForEveryInspectionWithAnInspectionLotWhenConfigured() throws Exception {
        EnterpriseRulesAction step = action();
        step.setInspectionResultTarget("sap-qm-result");
        InspectionEvent e = TestEvents.ng("station-1", "crack");
        Exchange ex = exchange(e);
        step.process(ex);
        assertThat(deliveries(ex)).contains(new DeliveryRequest("sap-qm-result", "INSPECTION_RESULT", e.id()));
        InspectionEvent noLot = TestEvents.ok("station-1");
        Exchange ex2 = exchange(noLot);
        step.process(ex2);
        assertThat(deliveries(ex2)).isEmpty();
    }

    @Test
    void deliveriesAlreadyInTheHeaderAreKept() {
        InspectionEvent e = TestEvents.ng("station-1", "crack");
        Exchange ex = exchange(e);
        DeliveryRequest earlier = new DeliveryRequest("webhook", "WORK_REQUEST", e.id());
        ex.getMessage().setHeader(InspectionLedger.HEADER_DELIVERIES, List.of(earlier));
        rules.apply(e, ex);
        assertThat(deliveries(ex)).startsWith(earlier).hasSizeGreaterThan(1);
    }

    @Test
    void badParametersAreClearErrors() {
        EnterpriseRulesAction step = action();
        assertThatThrownBy(() -> step.setMaintenanceThreshold("three"))
                .hasMessageContaining("maintenanceThreshold")
                .hasMessageContaining("three");
        assertThatThrownBy(() -> step.setMaintenanceThreshold("0")).hasMessageContaining("maintenanceThreshold");
        assertThatThrownBy(() -> step.setMaintenanceWindow("soon")).hasMessageContaining("maintenanceWindow");
        assertThatThrownBy(() -> step.setMaintenanceWindow("-5m")).hasMessageContaining("maintenanceWindow");
        assertThatThrownBy(() -> rules.apply(null, exchange(null))).hasMessageContaining("InspectionEvent");
        Exchange notAnEvent = new DefaultExchange(new DefaultCamelContext());
        notAnEvent.getMessage().setBody("{\"id\": 1}");
        assertThatThrownBy(() -> step.process(notAnEvent))
                .isInstanceOf(InvalidPayloadException.class)
                .hasMessageContaining("InspectionEvent");
        // a bad severity in the configuration is refused when the policy is made (at start), not per inspection
        assertThatThrownBy(() -> new SeverityPolicy(Map.of("x", "URGENT"), "MEDIUM"))
                .hasMessageContaining("URGENT")
                .hasMessageContaining("LOW");
    }
}
