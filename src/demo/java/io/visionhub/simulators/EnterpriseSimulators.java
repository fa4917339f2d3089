package io.visionhub.simulators;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running set of enterprise simulators (SAP, Maximo, Oracle Fusion, CMMS webhook), by name
 * ("sap", "maximo", "oracle", "webhook"). Started by {@link SimulatorsConfiguration} (demo source set) when
 * visionhub.simulators.enabled=true; tests build one with {@link #onFreePorts()}.
 */
public final class EnterpriseSimulators implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EnterpriseSimulators.class);

    private final SapSimulator sap;
    private final MaximoSimulator maximo;
    private final OracleFusionSimulator oracle;
    private final CmmsWebhookSimulator webhook;

    public EnterpriseSimulators(
            SapSimulator sap, MaximoSimulator maximo, OracleFusionSimulator oracle, CmmsWebhookSimulator webhook) {
        this.sap = sap;
        this.maximo = maximo;
        this.oracle = oracle;
        this.webhook = webhook;
    }

    /** All four on free ports of 127.0.0.1, started. */
    public static EnterpriseSimulators onFreePorts() {
        EnterpriseSimulators s = new EnterpriseSimulators(
                SapSimulator.onFreePort(),
                MaximoSimulator.onFreePort(),
                OracleFusionSimulator.onFreePort(),
                CmmsWebhookSimulator.onFreePort("webhook-demo-secret"));
        s.start();
        return s;
    }

    /** Starts them from configuration; a configured port that is busy falls back to a free one. */
    public static EnterpriseSimulators start(SimulatorsProperties p) {
        String h = p.host();
        SapSimulator sap =
                startOnPortOrFree(port -> new SapSimulator(h, port, "VHS", "100", "VISIONHUB", "secret"), p.sapPort());
        if (p.seedProductionOrders()) {
            sap.seedDemoProductionOrders();
        }
        EnterpriseSimulators s = new EnterpriseSimulators(
                sap,
                startOnPortOrFree(port -> new MaximoSimulator(h, port, "maximo-demo-key"), p.maximoPort()),
                startOnPortOrFree(
                        port -> new OracleFusionSimulator(h, port, "visionhub.integration", "secret"), p.oraclePort()),
                startOnPortOrFree(port -> new CmmsWebhookSimulator(h, port, p.webhookSecret()), p.webhookPort()));
        LOG.info("Enterprise simulators running (turn off with visionhub.simulators.enabled=false): {}", s.urls());
        return s;
    }

    private static <T extends HttpSimulator> T startOnPortOrFree(IntFunction<T> factory, int port) {
        try {
            T sim = factory.apply(port);
            sim.start();
            return sim;
        } catch (IllegalStateException e) {
            T sim = factory.apply(0);
            sim.start();
            LOG.warn(
                    "{} could not use port {} ({}); it listens on {} instead",
                    sim.displayName(),
                    port,
                    e.getMessage(),
                    sim.baseUrl());
            return sim;
        }
    }

    public void start() {
        sap.start();
        maximo.start();
        oracle.start();
        webhook.start();
    }

    public SapSimulator sap() {
        return sap;
    }

    public MaximoSimulator maximo() {
        return maximo;
    }

    public OracleFusionSimulator oracle() {
        return oracle;
    }

    public CmmsWebhookSimulator webhook() {
        return webhook;
    }

    /** Base URL of a simulator by name (sap, maximo, oracle, webhook). */
    public Optional<String> url(String name) {
        return Optional.ofNullable(urls().get(name));
    }

    public Map<String, String> urls() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sap", sap.baseUrl());
        m.put("maximo", maximo.baseUrl());
        m.put("oracle", oracle.baseUrl());
        m.put("webhook", webhook.baseUrl());
        return m;
    }

    @Override
    public void close() {
        sap.stop();
        maximo.stop();
        oracle.stop();
        webhook.stop();
    }
}
