package io.visionhub.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.visionhub.context.ContextEnricher;
import io.visionhub.enterprise.EnterpriseProperties;
import io.visionhub.enterprise.rules.EnterpriseRules;
import io.visionhub.enterprise.rules.RuleSettings;
import io.visionhub.enterprise.rules.SeverityPolicy;
import io.visionhub.event.InspectionEvent;
import io.visionhub.vision.component.VisionConstants;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ManagementStatisticsLevel;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kamelet.KameletComponent;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * What Camel itself costs per event in routes/demo.yaml's {@code inspection} route: the route as written, with its
 * two kamelets (kamelets/), the real context and rules steps, and the outputs (ledger:, opcua-station:, hub-mqtt:,
 * quality:, plc:) replaced by producers that do nothing, so what is measured is the routing, the kamelets, toD,
 * the multicast, the per-processor JMX statistics and the Micrometer route policy, plus the context and rules
 * steps. One thread sends each event to {@code direct:inspection} (with the headers the MQTT input sets), as the
 * hub's lanes do; the figure is that thread's CPU per event.
 * <p>
 * Each variant is its own CamelContext in this JVM; the variants take turns, round after round, so that the
 * machine's load falls on all of them alike. A variant is {@code name=repo:statistics:policy}: {@code repo} the
 * tree whose routes/demo.yaml and kamelets/ are loaded (e.g. a worktree of main), {@code statistics} Camel's JMX
 * statistics level (Default, Extended, RoutesOnly, Off), {@code policy} the Micrometer route policy level
 * (all, route, context, or none for no route policy), as application.yaml's camel.main.* and camel.metrics.*
 * would set them.
 * <p>
 * Usage: bench/run InspectionRouteBench [events per round, default 50000] [rounds, default 6] [variant ...]
 * (default variants: Camel's defaults {@code camel-defaults=.:Default:all} against application.yaml's settings
 * {@code hub=.:RoutesOnly:route/opcua-output,mqtt-output,plc-output}, both on this tree's files).
 */
public final class InspectionRouteBench {

    private static final String[] STATIONS = {
        "station-1", "station-2", "station-3", "station-4", "station-5", "station-6", "station-7", "station-8"
    };

    /** camel.metrics.route-policy-exclude-pattern of application.yaml. */
    private static final String HUB_EXCLUDED = "opcua-output,mqtt-output,plc-output";

    private InspectionRouteBench() {}

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        List<String> specs = args.length > 2
                ? Arrays.asList(args).subList(2, args.length)
                : List.of("camel-defaults=.:Default:all", "hub=.:RoutesOnly:route/" + HUB_EXCLUDED);
        List<Variant> variants = new ArrayList<>();
        for (String spec : specs) {
            variants.add(Variant.start(spec));
        }
        List<InspectionEvent> sample = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String station = STATIONS[i % STATIONS.length];
            sample.add(NodeRedSideBySideBench.event(station, "P-" + i, i % 10 == 0)); // 10 % NG, as the bench
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.printf(
                "InspectionRouteBench: %d events per round, %d rounds (the first is warm-up), load %s%n",
                events, rounds, Files.readString(Path.of("/proc/loadavg")).trim());
        Map<String, List<Double>> cpu = new HashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (Variant v : variants) {
                long c0 = threads.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                for (int i = 0; i < events; i++) {
                    v.send(sample.get(i % sample.size()));
                }
                double cpuUs = (threads.getCurrentThreadCpuTime() - c0) / 1e3 / events;
                double wallUs = (System.nanoTime() - t0) / 1e3 / events;
                System.out.printf(
                        Locale.ROOT,
                        "round %d %-12s CPU %7.2f µs/event  wall %7.2f µs/event%s%n",
                        round,
                        v.name,
                        cpuUs,
                        wallUs,
                        round == 0 ? "  (warm-up)" : "");
                if (round > 0) {
                    cpu.computeIfAbsent(v.name, k -> new ArrayList<>()).add(cpuUs);
                }
            }
        }
        for (Variant v : variants) {
            List<Double> l = new ArrayList<>(cpu.getOrDefault(v.name, List.of()));
            l.sort(Double::compare);
            if (!l.isEmpty()) {
                System.out.printf(
                        Locale.ROOT,
                        "%-12s median CPU %7.2f µs/event (min %.2f, max %.2f over %d rounds)  [%s]%n",
                        v.name,
                        l.get(l.size() / 2),
                        l.get(0),
                        l.get(l.size() - 1),
                        l.size(),
                        v.spec);
            }
            v.camel.stop();
        }
        System.out.printf(
                "load at the end %s%n",
                Files.readString(Path.of("/proc/loadavg")).trim());
    }

    /** One CamelContext with one set of settings and one tree's route and kamelet files. */
    private record Variant(String name, String spec, CamelContext camel, ProducerTemplate template) {

        static Variant start(String spec) throws Exception {
            String[] nameRest = spec.split("=", 2);
            String[] p = nameRest[1].split(":");
            if (p.length < 3 || p.length > 4) {
                throw new IllegalArgumentException(
                        "variant " + spec + ": expected name=repo:statistics:policy[:register-kamelets]");
            }
            Path repo = Path.of(p[0]);
            DefaultCamelContext camel = new DefaultCamelContext();
            camel.getCamelContextExtension().setName("bench-" + nameRest[0]);
            camel.build();
            camel.getManagementStrategy()
                    .getManagementAgent()
                    .setStatisticsLevel(ManagementStatisticsLevel.valueOf(p[1]));
            if (p.length > 3) {
                camel.getManagementStrategy()
                        .getManagementAgent()
                        .setRegisterRoutesCreateByKamelet(Boolean.parseBoolean(p[3]));
            }
            PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            camel.getRegistry().bind("metricsRegistry", meters);
            String[] levelExclude = p[2].split("/", 2);
            String level = levelExclude[0];
            if (!level.equals("none")) {
                // as camel-micrometer-starter's CamelMetricsAutoConfiguration does for camel.metrics.route-policy-level
                // and route-policy-exclude-pattern
                MicrometerRoutePolicyFactory policy = new MicrometerRoutePolicyFactory();
                policy.setCamelContext(camel);
                policy.setMeterRegistry(meters);
                policy.getPolicyConfiguration().setContextEnabled(!level.equals("route"));
                policy.getPolicyConfiguration().setRouteEnabled(!level.equals("context"));
                if (levelExclude.length > 1) {
                    policy.getPolicyConfiguration().setExcludePattern(levelExclude[1]);
                }
                camel.addRoutePolicyFactory(policy);
            }
            SeverityPolicy severity = new SeverityPolicy(Map.of("crack", "HIGH"), "MEDIUM");
            camel.getRegistry().bind("contextEnricher", new ContextEnricher(null));
            camel.getRegistry()
                    .bind(
                            "enterpriseRules",
                            new EnterpriseRules(
                                    RuleSettings.defaults(EnterpriseProperties.Rules.defaults()), severity, n -> null));
            for (String scheme : List.of("ledger", "opcua-station", "hub-mqtt", "quality", "plc", "vision")) {
                camel.addComponent(scheme, new NoOpComponent());
            }
            camel.getComponent("kamelet", KameletComponent.class)
                    .setLocation("file:" + repo.resolve("kamelets").toAbsolutePath());
            PluginHelper.getRoutesLoader(camel)
                    .loadRoutes(
                            ResourceHelper.fromString("demo.yaml", Files.readString(repo.resolve("routes/demo.yaml"))));
            camel.start();
            return new Variant(nameRest[0], spec, camel, camel.createProducerTemplate());
        }

        void send(InspectionEvent e) {
            Exchange x = template.send("direct:inspection", ex -> {
                ex.getMessage().setBody(e);
                // the headers routes/examples/mqtt-inspection-input.yaml.example (and the vision: consumer) set
                ex.getMessage().setHeader(VisionConstants.STATION, e.station());
                ex.getMessage().setHeader(VisionConstants.INSPECTION_ID, e.id());
                ex.getMessage().setHeader(VisionConstants.LINE, e.line());
                ex.getMessage().setHeader(VisionConstants.PART_ID, e.partId());
            });
            if (x.getException() != null) {
                throw new IllegalStateException("the inspection route failed", x.getException());
            }
        }
    }

    /** A component whose producers do nothing (and whose consumers never send): the outputs' own work is not what this harness measures. */
    private static final class NoOpComponent extends DefaultComponent {
        NoOpComponent() {
            setAutowiredEnabled(false); // the hub's configurer for the scheme would look for its own options
        }

        @Override
        protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
            parameters.clear();
            return new DefaultEndpoint(uri, this) {
                @Override
                public Producer createProducer() {
                    return new DefaultProducer(this) {
                        @Override
                        public void process(Exchange exchange) {}
                    };
                }

                @Override
                public Consumer createConsumer(Processor processor) {
                    return new DefaultConsumer(this, processor); // the demo camera's route, never started here
                }
            };
        }
    }
}
