package io.visionhub.enterprise;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * visionhub.enterprise.*: targets (connectors), the customer whose mappings apply, the outbox deliverer, the rules
 * that decide which documents are raised, and the scheduled syncs. Defaults in config/enterprise.yaml; explained in
 * docs/enterprise.md. Immutable: a setting left out of the YAML (null here) takes its default in the compact
 * constructor; tests make copies with {@code defaults()} and {@code with…}.
 *
 * @param customer customer folder under mappings/ whose templates turn events into payloads; default demo-customer
 * @param mappingsDir folder holding mappings/&lt;customer&gt;/&lt;mapping&gt;.jsonata; default mappings
 * @param targets targets by name (the name is DeliveryRequest.target and the outbox row's target)
 * @param outbox the outbox deliverer
 * @param rules defaults of the enterprise rules
 * @param sync the scheduled syncs
 */
@ConfigurationProperties(prefix = "visionhub.enterprise")
public record EnterpriseProperties(
        String customer, String mappingsDir, Map<String, Target> targets, Outbox outbox, Rules rules, Sync sync) {

    public EnterpriseProperties {
        customer = customer == null ? "demo-customer" : customer;
        mappingsDir = mappingsDir == null ? "mappings" : mappingsDir;
        targets = targets == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(targets));
        outbox = outbox == null ? Outbox.defaults() : outbox;
        rules = rules == null ? Rules.defaults() : rules;
        sync = sync == null ? Sync.defaults() : sync;
        for (Map.Entry<String, Target> t : targets.entrySet()) {
            if (t.getValue() == null) {
                throw new IllegalArgumentException("visionhub.enterprise.targets." + t.getKey() + " is empty");
            }
        }
    }

    /** Every setting at its default (no targets). */
    public static EnterpriseProperties defaults() {
        return new EnterpriseProperties(null, null, null, null, null, null);
    }

    public EnterpriseProperties withTargets(Map<String, Target> newTargets) {
        return new EnterpriseProperties(customer, mappingsDir, newTargets, outbox, rules, sync);
    }

    /** How to authenticate to a target. */
    public enum AuthType {
        NONE,
        BASIC,
        OAUTH2,
        APIKEY
    }

    /**
     * One connector: which system, where, how to log in, which mapping. Bound from a YAML map, so it has only its
     * canonical constructor (Spring leaves a record with more constructors unbound); copies through {@code with…}.
     *
     * @param type the kind of document/system (no default: a target without one fails naming it)
     * @param url base URL (scheme, host, port), or simulator:&lt;sap|maximo|oracle|webhook&gt; for the demo simulators
     * @param path webhook only: path appended to url; default empty
     * @param auth how to log in; default BASIC
     * @param username BASIC username
     * @param password BASIC password
     * @param tokenUrl OAuth2 client credentials token endpoint (absolute, or relative to url)
     * @param clientId OAuth2 client id
     * @param clientSecret OAuth2 client secret
     * @param apiKey APIKEY key
     * @param sapClient SAP client (sap-client query parameter); empty = the system's default client
     * @param mapping mapping template name under mappings/&lt;customer&gt;/ (without .jsonata); default: the target
     *     name
     * @param customer customer whose mapping applies to this target; default: visionhub.enterprise.customer
     * @param ordered deliver this target's rows one at a time in outbox order (a later row waits for an earlier one);
     *     default false
     * @param timeout HTTP timeout; default 10s
     * @param csrfFetchBackoff SAP only: after a failed CSRF token fetch, writes to that service fail at once for this
     *     long (doubling); default 30s
     * @param signingSecret webhook only: HMAC-SHA256 secret for X-VisionHub-Signature (empty = unsigned)
     * @param documentNumberField webhook only: field of the answer that holds the document number; default id
     */
    public record Target(
            TargetType type,
            String url,
            String path,
            AuthType auth,
            String username,
            String password,
            String tokenUrl,
            String clientId,
            String clientSecret,
            String apiKey,
            String sapClient,
            String mapping,
            String customer,
            Boolean ordered,
            Duration timeout,
            Duration csrfFetchBackoff,
            String signingSecret,
            String documentNumberField) {

        public Target {
            path = path == null ? "" : path;
            auth = auth == null ? AuthType.BASIC : auth;
            ordered = ordered != null && ordered;
            timeout = timeout == null ? Duration.ofSeconds(10) : timeout;
            csrfFetchBackoff = csrfFetchBackoff == null ? Duration.ofSeconds(30) : csrfFetchBackoff;
            documentNumberField = documentNumberField == null ? "id" : documentNumberField;
        }

        /** A target of this type at this URL, every other setting at its default. */
        public static Target of(TargetType type, String url) {
            return new Target(
                    type, url, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                    null);
        }

        public Target withUrl(String newUrl) {
            return with(c -> c.url = newUrl);
        }

        public Target withPath(String newPath) {
            return with(c -> c.path = newPath);
        }

        public Target withAuth(AuthType newAuth) {
            return with(c -> c.auth = newAuth);
        }

        /** BASIC authentication with these credentials. */
        public Target withBasic(String newUsername, String newPassword) {
            return with(c -> {
                c.auth = AuthType.BASIC;
                c.username = newUsername;
                c.password = newPassword;
            });
        }

        /** OAuth2 client credentials. */
        public Target withOAuth2(String newTokenUrl, String newClientId, String newClientSecret) {
            return with(c -> {
                c.auth = AuthType.OAUTH2;
                c.tokenUrl = newTokenUrl;
                c.clientId = newClientId;
                c.clientSecret = newClientSecret;
            });
        }

        /** APIKEY authentication with this key. */
        public Target withApiKey(String newApiKey) {
            return with(c -> {
                c.auth = AuthType.APIKEY;
                c.apiKey = newApiKey;
            });
        }

        public Target withSapClient(String newSapClient) {
            return with(c -> c.sapClient = newSapClient);
        }

        public Target withOrdered(boolean newOrdered) {
            return with(c -> c.ordered = newOrdered);
        }

        public Target withTimeout(Duration newTimeout) {
            return with(c -> c.timeout = newTimeout);
        }

        public Target withSigningSecret(String newSigningSecret) {
            return with(c -> c.signingSecret = newSigningSecret);
        }

        /** A copy with the fields that change set by {@code change} (keeps the record's one constructor). */
        private Target with(Consumer<Copy> change) {
            Copy c = new Copy(this);
            change.accept(c);
            return new Target(
                    c.type,
                    c.url,
                    c.path,
                    c.auth,
                    c.username,
                    c.password,
                    c.tokenUrl,
                    c.clientId,
                    c.clientSecret,
                    c.apiKey,
                    c.sapClient,
                    c.mapping,
                    c.customer,
                    c.ordered,
                    c.timeout,
                    c.csrfFetchBackoff,
                    c.signingSecret,
                    c.documentNumberField);
        }

        /** Mutable scratch copy used only inside {@link #with}. */
        private static final class Copy {
            TargetType type;
            String url;
            String path;
            AuthType auth;
            String username;
            String password;
            String tokenUrl;
            String clientId;
            String clientSecret;
            String apiKey;
            String sapClient;
            String mapping;
            String customer;
            Boolean ordered;
            Duration timeout;
            Duration csrfFetchBackoff;
            String signingSecret;
            String documentNumberField;

            Copy(Target t) {
                type = t.type;
                url = t.url;
                path = t.path;
                auth = t.auth;
                username = t.username;
                password = t.password;
                tokenUrl = t.tokenUrl;
                clientId = t.clientId;
                clientSecret = t.clientSecret;
                apiKey = t.apiKey;
                sapClient = t.sapClient;
                mapping = t.mapping;
                customer = t.customer;
                ordered = t.ordered;
                timeout = t.timeout;
                csrfFetchBackoff = t.csrfFetchBackoff;
                signingSecret = t.signingSecret;
                documentNumberField = t.documentNumberField;
            }
        }
    }

    /**
     * The outbox deliverer.
     *
     * @param enabled deliver outbox rows on this node; default true
     * @param pollInterval how often due rows are looked for; default 100ms
     * @param batchSize rows claimed per poll, and at most per run of an ordering group (its rows of one document type
     *     claimed together, sent one after the other and marked in one commit); default 200
     * @param concurrency deliveries in flight at once (all targets); default 16
     * @param maxAttempts attempts before a row is parked; default 10
     * @param initialBackoff first retry delay; default 2s
     * @param maxBackoff longest retry delay; default 10m
     * @param claimLease a claimed row is free again after this long (a node that died mid-delivery); default 60s
     */
    public record Outbox(
            Boolean enabled,
            Duration pollInterval,
            Integer batchSize,
            Integer concurrency,
            Integer maxAttempts,
            Duration initialBackoff,
            Duration maxBackoff,
            Duration claimLease) {

        public Outbox {
            enabled = enabled == null || enabled;
            pollInterval = pollInterval == null ? Duration.ofMillis(100) : pollInterval;
            batchSize = batchSize == null ? 200 : batchSize;
            concurrency = concurrency == null ? 16 : concurrency;
            maxAttempts = maxAttempts == null ? 10 : maxAttempts;
            initialBackoff = initialBackoff == null ? Duration.ofSeconds(2) : initialBackoff;
            maxBackoff = maxBackoff == null ? Duration.ofMinutes(10) : maxBackoff;
            claimLease = claimLease == null ? Duration.ofSeconds(60) : claimLease;
            atLeastOne("batch-size", batchSize);
            atLeastOne("concurrency", concurrency);
            atLeastOne("max-attempts", maxAttempts);
            positive("poll-interval", pollInterval);
            positive("initial-backoff", initialBackoff);
            positive("max-backoff", maxBackoff);
            positive("claim-lease", claimLease);
        }

        public static Outbox defaults() {
            return new Outbox(null, null, null, null, null, null, null, null);
        }

        public Outbox withBatchSize(int newBatchSize) {
            return new Outbox(
                    enabled,
                    pollInterval,
                    newBatchSize,
                    concurrency,
                    maxAttempts,
                    initialBackoff,
                    maxBackoff,
                    claimLease);
        }

        public Outbox withPollInterval(Duration newPollInterval) {
            return new Outbox(
                    enabled,
                    newPollInterval,
                    batchSize,
                    concurrency,
                    maxAttempts,
                    initialBackoff,
                    maxBackoff,
                    claimLease);
        }

        public Outbox withBackoff(Duration newInitialBackoff, Duration newMaxBackoff) {
            return new Outbox(
                    enabled,
                    pollInterval,
                    batchSize,
                    concurrency,
                    maxAttempts,
                    newInitialBackoff,
                    newMaxBackoff,
                    claimLease);
        }

        public Outbox withMaxAttempts(int newMaxAttempts) {
            return new Outbox(
                    enabled,
                    pollInterval,
                    batchSize,
                    concurrency,
                    newMaxAttempts,
                    initialBackoff,
                    maxBackoff,
                    claimLease);
        }

        public Outbox withConcurrency(int newConcurrency) {
            return new Outbox(
                    enabled,
                    pollInterval,
                    batchSize,
                    newConcurrency,
                    maxAttempts,
                    initialBackoff,
                    maxBackoff,
                    claimLease);
        }

        public Outbox withClaimLease(Duration newClaimLease) {
            return new Outbox(
                    enabled,
                    pollInterval,
                    batchSize,
                    concurrency,
                    maxAttempts,
                    initialBackoff,
                    maxBackoff,
                    newClaimLease);
        }

        private static void atLeastOne(String key, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(
                        "visionhub.enterprise.outbox." + key + " must be at least 1, not " + value);
            }
        }

        private static void positive(String key, Duration value) {
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(
                        "visionhub.enterprise.outbox." + key + " must be positive, not " + value);
            }
        }
    }

    /**
     * Defaults of the enterprise rules (bean enterpriseRules); route/kamelet parameters override them.
     *
     * @param qualityNotificationTarget target of the quality notification raised per NG part; empty = none; default
     *     sap-qm
     * @param maintenanceTarget target of the maintenance notification raised per station when defects accumulate;
     *     empty = none; default sap-pm
     * @param maintenanceThreshold defects of one class at one station within the window that raise one maintenance
     *     notification; default 3
     * @param maintenanceWindow default 10m
     * @param maintenanceClasses defect classes that count towards maintenance (empty, the default = all)
     * @param extraNgTargets further targets that get a document per NG part (e.g. maximo, oracle-qi, webhook)
     * @param severity severity (HIGH, MEDIUM, LOW) by defect class
     * @param defaultSeverity default MEDIUM
     * @param inspectionResultTarget target (SAP_QM_INSPECTION_RESULT) that gets each inspection whose context has an
     *     inspection lot; empty (the default) = none
     */
    public record Rules(
            String qualityNotificationTarget,
            String maintenanceTarget,
            Integer maintenanceThreshold,
            Duration maintenanceWindow,
            List<String> maintenanceClasses,
            List<String> extraNgTargets,
            Map<String, String> severity,
            String defaultSeverity,
            String inspectionResultTarget) {

        public Rules {
            qualityNotificationTarget = qualityNotificationTarget == null ? "sap-qm" : qualityNotificationTarget;
            maintenanceTarget = maintenanceTarget == null ? "sap-pm" : maintenanceTarget;
            maintenanceThreshold = maintenanceThreshold == null ? 3 : maintenanceThreshold;
            maintenanceWindow = maintenanceWindow == null ? Duration.ofMinutes(10) : maintenanceWindow;
            maintenanceClasses = maintenanceClasses == null ? List.of() : List.copyOf(maintenanceClasses);
            extraNgTargets = extraNgTargets == null ? List.of() : List.copyOf(extraNgTargets);
            severity = severity == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(severity));
            defaultSeverity = defaultSeverity == null ? "MEDIUM" : defaultSeverity;
            inspectionResultTarget = inspectionResultTarget == null ? "" : inspectionResultTarget;
        }

        public static Rules defaults() {
            return new Rules(null, null, null, null, null, null, null, null, null);
        }

        public Rules withMaintenanceTarget(String newMaintenanceTarget) {
            return new Rules(
                    qualityNotificationTarget,
                    newMaintenanceTarget,
                    maintenanceThreshold,
                    maintenanceWindow,
                    maintenanceClasses,
                    extraNgTargets,
                    severity,
                    defaultSeverity,
                    inspectionResultTarget);
        }
    }

    /**
     * Scheduled syncs (Quartz, one node of the cluster).
     *
     * @param enabled default true
     * @param sapUrl SAP system to read production orders from: base URL or simulator:sap (the default)
     * @param sapUsername default VISIONHUB
     * @param sapPassword default secret
     * @param sapClient default 100
     * @param productionOrdersCron Quartz cron of the production order pull; default every minute at :00
     * @param qualitySummaryCron Quartz cron of the quality summary push; default every minute at :30
     * @param qualitySummaryTarget target of the quality summary (an SAP_QM_USAGE_DECISION target); empty = no push;
     *     default sap-qm-ud
     * @param master run the syncs on one node only through camel-master (needs a cluster service, e.g. Hazelcast);
     *     default false
     */
    public record Sync(
            Boolean enabled,
            String sapUrl,
            String sapUsername,
            String sapPassword,
            String sapClient,
            String productionOrdersCron,
            String qualitySummaryCron,
            String qualitySummaryTarget,
            Boolean master) {

        public Sync {
            enabled = enabled == null || enabled;
            sapUrl = sapUrl == null ? "simulator:sap" : sapUrl;
            sapUsername = sapUsername == null ? "VISIONHUB" : sapUsername;
            sapPassword = sapPassword == null ? "secret" : sapPassword;
            sapClient = sapClient == null ? "100" : sapClient;
            productionOrdersCron = productionOrdersCron == null ? "0 0/1 * * * ?" : productionOrdersCron;
            qualitySummaryCron = qualitySummaryCron == null ? "30 0/1 * * * ?" : qualitySummaryCron;
            qualitySummaryTarget = qualitySummaryTarget == null ? "sap-qm-ud" : qualitySummaryTarget;
            master = master != null && master;
        }

        public static Sync defaults() {
            return new Sync(null, null, null, null, null, null, null, null, null);
        }
    }
}
