package io.visionhub.enterprise;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * visionhub.enterprise.*: targets (connectors), the customer whose mappings apply, the outbox deliverer,
 * the rules that decide which documents are raised, and the scheduled syncs. Defaults in
 * config/enterprise.yaml; explained in docs/enterprise.md.
 */
@ConfigurationProperties(prefix = "visionhub.enterprise")
public class EnterpriseProperties {

    /** Customer folder under mappings/ whose templates turn events into payloads. */
    private String customer = "demo-customer";
    /** Folder holding mappings/<customer>/<mapping>.jsonata. */
    private String mappingsDir = "mappings";
    /** Targets by name (the name is DeliveryRequest.target and the outbox row's target). */
    private Map<String, Target> targets = new LinkedHashMap<>();
    private Outbox outbox = new Outbox();
    private Rules rules = new Rules();
    private Sync sync = new Sync();

    public String getCustomer() { return customer; }
    public void setCustomer(String customer) { this.customer = customer; }
    public String getMappingsDir() { return mappingsDir; }
    public void setMappingsDir(String mappingsDir) { this.mappingsDir = mappingsDir; }
    public Map<String, Target> getTargets() { return targets; }
    public void setTargets(Map<String, Target> targets) { this.targets = targets; }
    public Outbox getOutbox() { return outbox; }
    public void setOutbox(Outbox outbox) { this.outbox = outbox; }
    public Rules getRules() { return rules; }
    public void setRules(Rules rules) { this.rules = rules; }
    public Sync getSync() { return sync; }
    public void setSync(Sync sync) { this.sync = sync; }

    /** How to authenticate to a target. */
    public enum AuthType { NONE, BASIC, OAUTH2, APIKEY }

    /** One connector: which system, where, how to log in, which mapping. */
    public static class Target {
        private TargetType type;
        /** Base URL (scheme, host, port), or simulator:<sap|maximo|oracle|webhook> for the demo simulators. */
        private String url;
        /** Webhook only: path appended to url. */
        private String path = "";
        private AuthType auth = AuthType.BASIC;
        private String username;
        private String password;
        /** OAuth2 client credentials token endpoint (absolute, or relative to url). */
        private String tokenUrl;
        private String clientId;
        private String clientSecret;
        private String apiKey;
        /** SAP client (sap-client query parameter); empty = the system's default client. */
        private String sapClient;
        /** Mapping template name under mappings/<customer>/ (without .jsonata); default: the target name. */
        private String mapping;
        /** Customer whose mapping applies to this target; default: visionhub.enterprise.customer. */
        private String customer;
        /** Deliver this target's rows one at a time in outbox order (a later row waits for an earlier one). */
        private boolean ordered = false;
        private Duration timeout = Duration.ofSeconds(10);
        /** Webhook only: HMAC-SHA256 secret for X-VisionHub-Signature (empty = unsigned). */
        private String signingSecret;
        /** Webhook only: field of the answer that holds the document number. */
        private String documentNumberField = "id";

        public TargetType getType() { return type; }
        public void setType(TargetType type) { this.type = type; }
        public String getUrl() { return url; }
        public void setUrl(String url) { this.url = url; }
        public String getPath() { return path; }
        public void setPath(String path) { this.path = path; }
        public AuthType getAuth() { return auth; }
        public void setAuth(AuthType auth) { this.auth = auth; }
        public String getUsername() { return username; }
        public void setUsername(String username) { this.username = username; }
        public String getPassword() { return password; }
        public void setPassword(String password) { this.password = password; }
        public String getTokenUrl() { return tokenUrl; }
        public void setTokenUrl(String tokenUrl) { this.tokenUrl = tokenUrl; }
        public String getClientId() { return clientId; }
        public void setClientId(String clientId) { this.clientId = clientId; }
        public String getClientSecret() { return clientSecret; }
        public void setClientSecret(String clientSecret) { this.clientSecret = clientSecret; }
        public String getApiKey() { return apiKey; }
        public void setApiKey(String apiKey) { this.apiKey = apiKey; }
        public String getSapClient() { return sapClient; }
        public void setSapClient(String sapClient) { this.sapClient = sapClient; }
        public String getMapping() { return mapping; }
        public void setMapping(String mapping) { this.mapping = mapping; }
        public String getCustomer() { return customer; }
        public void setCustomer(String customer) { this.customer = customer; }
        public boolean isOrdered() { return ordered; }
        public void setOrdered(boolean ordered) { this.ordered = ordered; }
        public Duration getTimeout() { return timeout; }
        public void setTimeout(Duration timeout) { this.timeout = timeout; }
        public String getSigningSecret() { return signingSecret; }
        public void setSigningSecret(String signingSecret) { this.signingSecret = signingSecret; }
        public String getDocumentNumberField() { return documentNumberField; }
        public void setDocumentNumberField(String f) { this.documentNumberField = f; }
    }

    /** The outbox deliverer. */
    public static class Outbox {
        private boolean enabled = true;
        /** How often due rows are looked for. */
        private Duration pollInterval = Duration.ofMillis(100);
        /** Rows claimed per poll. */
        private int batchSize = 200;
        /** Deliveries in flight at once (all targets). */
        private int concurrency = 16;
        /** Attempts before a row is parked. */
        private int maxAttempts = 10;
        private Duration initialBackoff = Duration.ofSeconds(2);
        private Duration maxBackoff = Duration.ofMinutes(10);
        /** A claimed row is free again after this long (a node that died mid-delivery). */
        private Duration claimLease = Duration.ofSeconds(60);

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public Duration getPollInterval() { return pollInterval; }
        public void setPollInterval(Duration pollInterval) { this.pollInterval = pollInterval; }
        public int getBatchSize() { return batchSize; }
        public void setBatchSize(int batchSize) { this.batchSize = batchSize; }
        public int getConcurrency() { return concurrency; }
        public void setConcurrency(int concurrency) { this.concurrency = concurrency; }
        public int getMaxAttempts() { return maxAttempts; }
        public void setMaxAttempts(int maxAttempts) { this.maxAttempts = maxAttempts; }
        public Duration getInitialBackoff() { return initialBackoff; }
        public void setInitialBackoff(Duration initialBackoff) { this.initialBackoff = initialBackoff; }
        public Duration getMaxBackoff() { return maxBackoff; }
        public void setMaxBackoff(Duration maxBackoff) { this.maxBackoff = maxBackoff; }
        public Duration getClaimLease() { return claimLease; }
        public void setClaimLease(Duration claimLease) { this.claimLease = claimLease; }
    }

    /** Defaults of the enterprise rules (bean enterpriseRules); route/kamelet parameters override them. */
    public static class Rules {
        /** Target of the quality notification raised per NG part; empty = none. */
        private String qualityNotificationTarget = "sap-qm";
        /** Target of the maintenance notification raised per station when defects accumulate; empty = none. */
        private String maintenanceTarget = "sap-pm";
        /** Defects of one class at one station within the window that raise one maintenance notification. */
        private int maintenanceThreshold = 3;
        private Duration maintenanceWindow = Duration.ofMinutes(10);
        /** Defect classes that count towards maintenance (empty = all). */
        private List<String> maintenanceClasses = new ArrayList<>();
        /** Further targets that get a document per NG part (e.g. maximo, oracle-qi, webhook). */
        private List<String> extraNgTargets = new ArrayList<>();
        /** Severity (HIGH, MEDIUM, LOW) by defect class. */
        private Map<String, String> severity = new LinkedHashMap<>();
        private String defaultSeverity = "MEDIUM";
        /** Target (SAP_QM_INSPECTION_RESULT) that gets each inspection whose context has an inspection lot; empty = none. */
        private String inspectionResultTarget = "";

        public String getQualityNotificationTarget() { return qualityNotificationTarget; }
        public void setQualityNotificationTarget(String t) { this.qualityNotificationTarget = t; }
        public String getMaintenanceTarget() { return maintenanceTarget; }
        public void setMaintenanceTarget(String t) { this.maintenanceTarget = t; }
        public int getMaintenanceThreshold() { return maintenanceThreshold; }
        public void setMaintenanceThreshold(int n) { this.maintenanceThreshold = n; }
        public Duration getMaintenanceWindow() { return maintenanceWindow; }
        public void setMaintenanceWindow(Duration w) { this.maintenanceWindow = w; }
        public List<String> getMaintenanceClasses() { return maintenanceClasses; }
        public void setMaintenanceClasses(List<String> c) { this.maintenanceClasses = c; }
        public List<String> getExtraNgTargets() { return extraNgTargets; }
        public void setExtraNgTargets(List<String> t) { this.extraNgTargets = t; }
        public Map<String, String> getSeverity() { return severity; }
        public void setSeverity(Map<String, String> severity) { this.severity = severity; }
        public String getDefaultSeverity() { return defaultSeverity; }
        public String getInspectionResultTarget() { return inspectionResultTarget; }
        public void setInspectionResultTarget(String t) { this.inspectionResultTarget = t; }
        public void setDefaultSeverity(String s) { this.defaultSeverity = s; }
    }

    /** Scheduled syncs (Quartz, one node of the cluster). */
    public static class Sync {
        private boolean enabled = true;
        /** SAP system to read production orders from: base URL or simulator:sap. */
        private String sapUrl = "simulator:sap";
        private String sapUsername = "VISIONHUB";
        private String sapPassword = "secret";
        private String sapClient = "100";
        /** Quartz cron of the production order pull. */
        private String productionOrdersCron = "0 0/1 * * * ?";
        /** Quartz cron of the quality summary push. */
        private String qualitySummaryCron = "30 0/1 * * * ?";
        /** Target of the quality summary (an SAP_QM_USAGE_DECISION target); empty = no push. */
        private String qualitySummaryTarget = "sap-qm-ud";
        /** Run the syncs on one node only through camel-master (needs a cluster service, e.g. Hazelcast). */
        private boolean master = false;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getSapUrl() { return sapUrl; }
        public void setSapUrl(String sapUrl) { this.sapUrl = sapUrl; }
        public String getSapUsername() { return sapUsername; }
        public void setSapUsername(String u) { this.sapUsername = u; }
        public String getSapPassword() { return sapPassword; }
        public void setSapPassword(String p) { this.sapPassword = p; }
        public String getSapClient() { return sapClient; }
        public void setSapClient(String c) { this.sapClient = c; }
        public String getProductionOrdersCron() { return productionOrdersCron; }
        public void setProductionOrdersCron(String c) { this.productionOrdersCron = c; }
        public String getQualitySummaryCron() { return qualitySummaryCron; }
        public void setQualitySummaryCron(String c) { this.qualitySummaryCron = c; }
        public String getQualitySummaryTarget() { return qualitySummaryTarget; }
        public void setQualitySummaryTarget(String t) { this.qualitySummaryTarget = t; }
        public boolean isMaster() { return master; }
        public void setMaster(boolean master) { this.master = master; }
    }
}
