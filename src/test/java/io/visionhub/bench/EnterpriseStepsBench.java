package io.visionhub.bench;

import io.visionhub.enterprise.DeliveryService;
import io.visionhub.enterprise.EnterpriseProperties;
import io.visionhub.enterprise.EnterpriseTargets;
import io.visionhub.enterprise.TargetType;
import io.visionhub.enterprise.TestEvents;
import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.rules.EnterpriseRules;
import io.visionhub.enterprise.rules.RuleSettings;
import io.visionhub.enterprise.rules.SeverityPolicy;
import io.visionhub.event.EventJson;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.InspectionLedger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kamelet.KameletComponent;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The route steps in front of the ledger, in one thread: {@code kamelet:enterprise-rules-action} (with route
 * parameters) then {@code kamelet:sap-qm-notification-sink} in durable mode, i.e. what each inspection costs
 * before it is recorded (no HTTP: durable deliveries only ask for outbox rows). Prints exchanges/s and the
 * per-exchange p50/p99. Args: [exchanges=200000]. Kamelets from kamelets/, the beans the hub registers.
 */
public final class EnterpriseStepsBench {

    private EnterpriseStepsBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        Map<String, EnterpriseProperties.Target> targets = new LinkedHashMap<>();
        for (String name : List.of("sap-qm", "sap-pm", "maximo")) {
            TargetType type = name.equals("sap-qm")
                    ? TargetType.SAP_QM_NOTIFICATION
                    : name.equals("sap-pm") ? TargetType.SAP_PM_NOTIFICATION : TargetType.MAXIMO_WORK_ORDER;
            // never called: durable mode only asks for outbox rows
            targets.put(name, EnterpriseProperties.Target.of(type, "http://127.0.0.1:9"));
        }
        SeverityPolicy severity = new SeverityPolicy(Map.of("crack", "HIGH"), "MEDIUM");
        DeliveryService delivery = new DeliveryService(
                new EnterpriseTargets(targets, x -> null),
                new MappingEngine(Path.of("mappings"), EventJson.mapper()),
                severity,
                "demo-customer",
                "bench");
        EnterpriseRules rules = new EnterpriseRules(
                RuleSettings.defaults(EnterpriseProperties.Rules.defaults()),
                severity,
                name -> targets.containsKey(name) ? targets.get(name).type() : null);

        CamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("deliveryService", delivery);
        camel.getRegistry().bind("enterpriseRules", rules);
        bindLegacySinkBean(camel, delivery);
        camel.getComponent("kamelet", KameletComponent.class).setLocation("file:kamelets");
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:steps")
                        .to(
                                "kamelet:enterprise-rules-action?maintenanceTarget=maximo&maintenanceThreshold=5&maintenanceWindow=15m")
                        .to("kamelet:sap-qm-notification-sink");
            }
        });
        camel.start();
        ProducerTemplate producer = camel.createProducerTemplate();

        int warmup = Math.min(50_000, n);
        InspectionEvent[] events = new InspectionEvent[n + warmup];
        Instant t0 = Instant.parse("2026-12-05T03:00:00Z");
        for (int i = 0; i < events.length; i++) {
            events[i] = TestEvents.ng(
                    UUID.randomUUID().toString(),
                    "station-" + (i % 8),
                    i % 2 == 0 ? "crack" : "dent",
                    t0.plusMillis(i * 20L));
        }
        for (int i = 0; i < warmup; i++) {
            send(producer, events[i]);
        }
        long[] nanos = new long[n];
        long start = System.nanoTime();
        int requested = 0;
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            requested += send(producer, events[warmup + i]);
            nanos[i] = System.nanoTime() - s;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Arrays.sort(nanos);
        System.out.printf(
                "enterprise steps (rules action + durable SAP QM sink), %d exchanges in one thread: %.0f exchanges/s, "
                        + "p50 %.1f us, p99 %.1f us, max %.1f us; %d outbox requests%n",
                n,
                n / (took.toNanos() / 1e9),
                nanos[n / 2] / 1e3,
                nanos[(int) (n * 0.99)] / 1e3,
                nanos[n - 1] / 1e3,
                requested);
        camel.stop();
    }

    private static int send(ProducerTemplate producer, InspectionEvent e) {
        Exchange ex = producer.request("direct:steps", x -> x.getMessage().setBody(e));
        if (ex.getException() != null) {
            throw new IllegalStateException("exchange failed", ex.getException());
        }
        List<?> requested = ex.getMessage().getHeader(InspectionLedger.HEADER_DELIVERIES, List.class);
        return requested == null ? 0 : requested.size();
    }

    /** The code before the enterprise: component backed the sink kamelets with a bean "enterpriseSink". */
    private static void bindLegacySinkBean(CamelContext camel, DeliveryService delivery) throws Exception {
        try {
            Class<?> sink = Class.forName("io.visionhub.enterprise.EnterpriseSink");
            camel.getRegistry()
                    .bind(
                            "enterpriseSink",
                            sink.getConstructor(DeliveryService.class).newInstance(delivery));
        } catch (ClassNotFoundException current) {
            // the enterprise: component finds the DeliveryService by type
        }
    }
}
