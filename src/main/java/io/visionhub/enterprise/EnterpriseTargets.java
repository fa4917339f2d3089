package io.visionhub.enterprise;

import io.visionhub.enterprise.maximo.MaximoWorkOrderClient;
import io.visionhub.enterprise.oracle.OracleFusionClient;
import io.visionhub.enterprise.sap.SapEntitySetTarget;
import io.visionhub.enterprise.sap.SapODataClient;
import io.visionhub.enterprise.webhook.CmmsWebhookClient;
import io.visionhub.simulators.EnterpriseSimulators;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The configured targets and their connector clients (one client, one HTTP client, one CSRF session per
 * target, built on first use). A url {@code simulator:<name>} resolves to the running simulator.
 */
public final class EnterpriseTargets {

    private final Map<String, EnterpriseProperties.Target> config;
    private final Function<String, String> simulatorUrls;
    private final Map<String, TargetClient> clients = new ConcurrentHashMap<>();

    public EnterpriseTargets(Map<String, EnterpriseProperties.Target> config, Function<String, String> simulatorUrls) {
        this.config = Map.copyOf(config);
        this.simulatorUrls = simulatorUrls;
    }

    public static EnterpriseTargets of(Map<String, EnterpriseProperties.Target> config, EnterpriseSimulators sims) {
        return new EnterpriseTargets(config, name -> sims == null ? null : sims.url(name).orElse(null));
    }

    public Set<String> names() {
        return config.keySet();
    }

    public EnterpriseProperties.Target config(String target) {
        EnterpriseProperties.Target t = config.get(target);
        if (t == null) {
            throw DeliveryException.permanentFailure("target '" + target + "' is not configured (visionhub.enterprise.targets."
                    + target + "); configured: " + config.keySet());
        }
        return t;
    }

    public TargetClient client(String target) {
        return clients.computeIfAbsent(target, name -> build(name, config(name)));
    }

    /** Resolves simulator:<name> to the simulator's base URL. */
    public String url(String raw) {
        if (raw != null && raw.startsWith("simulator:")) {
            String u = simulatorUrls.apply(raw.substring("simulator:".length()));
            if (u == null) {
                throw DeliveryException.permanentFailure("url " + raw + " names a simulator, but the simulators are not "
                        + "running (visionhub.simulators.enabled=false); configure the real system's url");
            }
            return u;
        }
        if (raw == null || raw.isBlank()) {
            throw DeliveryException.permanentFailure("target has no url");
        }
        return raw;
    }

    private TargetClient build(String name, EnterpriseProperties.Target t) {
        if (t.getType() == null) {
            throw DeliveryException.permanentFailure("target '" + name + "' has no type; one of "
                    + java.util.Arrays.toString(TargetType.values()));
        }
        String base = url(t.getUrl());
        HttpTransport http = new HttpTransport(name, t.getTimeout());
        EnterpriseProperties.Target resolved = t;
        if (t.getUrl() != null && t.getUrl().startsWith("simulator:")) {
            resolved = copyWithUrl(t, base);
        }
        return switch (t.getType()) {
            case SAP_PM_NOTIFICATION, SAP_QM_NOTIFICATION, SAP_QM_USAGE_DECISION, SAP_QM_INSPECTION_RESULT ->
                    SapEntitySetTarget.of(t.getType(), new SapODataClient(http, base, t.getSapClient(),
                            TargetAuth.of(resolved, http, "APIKey")));
            case MAXIMO_WORK_ORDER -> new MaximoWorkOrderClient(http, base, TargetAuth.of(resolved, http, "apikey"));
            case ORACLE_WORK_ORDER, ORACLE_QUALITY_ISSUE -> OracleFusionClient.of(t.getType(), http, base,
                    TargetAuth.of(resolved, http, "apikey"));
            case WEBHOOK -> new CmmsWebhookClient(http, base + (t.getPath() == null ? "" : t.getPath()),
                    TargetAuth.of(resolved, http, "X-API-Key"), t.getSigningSecret(), t.getDocumentNumberField());
        };
    }

    private static EnterpriseProperties.Target copyWithUrl(EnterpriseProperties.Target t, String url) {
        EnterpriseProperties.Target c = new EnterpriseProperties.Target();
        c.setType(t.getType());
        c.setUrl(url);
        c.setAuth(t.getAuth());
        c.setUsername(t.getUsername());
        c.setPassword(t.getPassword());
        c.setTokenUrl(t.getTokenUrl());
        c.setClientId(t.getClientId());
        c.setClientSecret(t.getClientSecret());
        c.setApiKey(t.getApiKey());
        return c;
    }
}
