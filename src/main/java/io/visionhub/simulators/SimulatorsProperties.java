package io.visionhub.simulators;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * visionhub.simulators.*: the enterprise simulators the hub starts for the demo (SAP, Maximo, Oracle,
 * CMMS webhook). A port already in use falls back to a free port (logged); targets that name
 * {@code simulator:<name>} as their url follow the simulator wherever it listens.
 */
@ConfigurationProperties(prefix = "visionhub.simulators")
public class SimulatorsProperties {

    /** Start the simulators with the hub (demo default). */
    private boolean enabled = true;
    /** Address they listen on. */
    private String host = "127.0.0.1";
    private int sapPort = 8091;
    private int maximoPort = 8092;
    private int oraclePort = 8093;
    private int webhookPort = 8094;
    /** Seed released production orders in the SAP simulator (for the production order sync). */
    private boolean seedProductionOrders = true;
    /** HMAC secret the webhook simulator checks (the webhook target must sign with the same). */
    private String webhookSecret = "webhook-demo-secret";

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public String getHost() { return host; }
    public void setHost(String host) { this.host = host; }
    public int getSapPort() { return sapPort; }
    public void setSapPort(int sapPort) { this.sapPort = sapPort; }
    public int getMaximoPort() { return maximoPort; }
    public void setMaximoPort(int maximoPort) { this.maximoPort = maximoPort; }
    public int getOraclePort() { return oraclePort; }
    public void setOraclePort(int oraclePort) { this.oraclePort = oraclePort; }
    public int getWebhookPort() { return webhookPort; }
    public void setWebhookPort(int webhookPort) { this.webhookPort = webhookPort; }
    public boolean isSeedProductionOrders() { return seedProductionOrders; }
    public void setSeedProductionOrders(boolean seed) { this.seedProductionOrders = seed; }
    public String getWebhookSecret() { return webhookSecret; }
    public void setWebhookSecret(String webhookSecret) { this.webhookSecret = webhookSecret; }
}
