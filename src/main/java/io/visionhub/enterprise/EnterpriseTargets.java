package io.visionhub.enterprise;

import io.visionhub.enterprise.maximo.MaximoWorkOrderClient;
import io.visionhub.enterprise.oracle.OracleFusionClient;
import io.visionhub.enterprise.sap.SapEntitySetTarget;
import io.visionhub.enterprise.sap.SapODataClient;
import io.visionhub.enterprise.sap.SapQualityNotificationItems;
import io.visionhub.enterprise.webhook.CmmsWebhookClient;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The configured targets and their connector clients (one client, one HTTP client, one CSRF session per
 * target, built on first use). A url that is not http(s) is handed to the {@link TargetUrlResolver} (the demo
 * build contributes one for its simulators); one that nobody resolves is refused with a clear error.
 */
public final class EnterpriseTargets {

    private static final Pattern HTTP_URL = Pattern.compile("(?i)https?://\\S+");

    private final Map<String, EnterpriseProperties.Target> config;
    private final TargetUrlResolver resolver;
    private final Map<String, TargetClient> clients = new ConcurrentHashMap<>();

    public EnterpriseTargets(Map<String, EnterpriseProperties.Target> config, TargetUrlResolver resolver) {
        this.config = Map.copyOf(config);
        this.resolver = resolver;
    }

    public Set<String> names() {
        return config.keySet();
    }

    public EnterpriseProperties.Target config(String target) {
        EnterpriseProperties.Target t = config.get(target);
        if (t == null) {
            throw DeliveryException.permanentFailure(
                    "target '" + target + "' is not configured (visionhub.enterprise.targets." + target
                            + "); configured: " + config.keySet());
        }
        return t;
    }

    public TargetClient client(String target) {
        return clients.computeIfAbsent(target, name -> build(name, config(name)));
    }

    /** The base URL of a configured url: an http(s) URL as written, any other through the {@link TargetUrlResolver}. */
    public String url(String raw) {
        if (raw == null || raw.isBlank()) {
            throw DeliveryException.permanentFailure("target has no url");
        }
        String resolved = resolver.resolve(raw);
        if (resolved != null) {
            return resolved;
        }
        if (!HTTP_URL.matcher(raw).matches()) {
            throw DeliveryException.permanentFailure(
                    "url " + raw + " is not an http(s) URL and no TargetUrlResolver of "
                            + "this build resolves it; configure the system's base URL, e.g. https://erp.plant.local:8443");
        }
        return raw;
    }

    private TargetClient build(String name, EnterpriseProperties.Target t) {
        if (t.type() == null) {
            throw DeliveryException.permanentFailure(
                    "target '" + name + "' has no type; one of " + Arrays.toString(TargetType.values()));
        }
        String base = url(t.url());
        HttpTransport http = new HttpTransport(name, t.timeout());
        EnterpriseProperties.Target resolved = t;
        if (!base.equals(t.url())) {
            resolved = t.withUrl(base);
        }
        return switch (t.type()) {
            case SAP_PM_NOTIFICATION,
                    SAP_QM_NOTIFICATION,
                    SAP_QM_USAGE_DECISION,
                    SAP_QM_INSPECTION_RESULT,
                    SAP_QM_DEFECT -> {
                SapEntitySetTarget sap = SapEntitySetTarget.of(
                        t.type(),
                        new SapODataClient(
                                http,
                                base,
                                t.sapClient(),
                                TargetAuth.of(resolved, http, "APIKey"),
                                t.csrfFetchBackoff(),
                                Clock.systemUTC()));
                // quality notifications take items (an NCR's parts)
                yield t.type() == TargetType.SAP_QM_NOTIFICATION ? new SapQualityNotificationItems(sap) : sap;
            }
            case MAXIMO_WORK_ORDER -> new MaximoWorkOrderClient(http, base, TargetAuth.of(resolved, http, "apikey"));
            case ORACLE_WORK_ORDER, ORACLE_QUALITY_ISSUE ->
                OracleFusionClient.of(t.type(), http, base, TargetAuth.of(resolved, http, "apikey"));
            case WEBHOOK ->
                new CmmsWebhookClient(
                        http,
                        base + (t.path() == null ? "" : t.path()),
                        TargetAuth.of(resolved, http, "X-API-Key"),
                        t.signingSecret(),
                        t.documentNumberField());
        };
    }
}
