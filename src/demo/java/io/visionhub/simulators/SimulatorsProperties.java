package io.visionhub.simulators;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * visionhub.simulators.*: the enterprise simulators the demo starts (SAP, Maximo, Oracle, CMMS webhook), set in
 * {@code config/simulators.yaml} of the demo source set. A port already in use falls back to a free port (logged);
 * targets that name {@code simulator:<name>} as their url follow the simulator wherever it listens.
 *
 * @param enabled              start the simulators (off unless configured: the demo's config turns them on)
 * @param host                 address they listen on
 * @param sapPort              SAP OData simulator port
 * @param maximoPort           Maximo simulator port
 * @param oraclePort           Oracle Fusion simulator port
 * @param webhookPort          CMMS webhook simulator port
 * @param seedProductionOrders seed released production orders in the SAP simulator (for the production order sync)
 * @param webhookSecret        HMAC secret the webhook simulator checks (the webhook target must sign with the same)
 */
@ConfigurationProperties(prefix = "visionhub.simulators")
public record SimulatorsProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("127.0.0.1") String host,
        @DefaultValue("8091") int sapPort,
        @DefaultValue("8092") int maximoPort,
        @DefaultValue("8093") int oraclePort,
        @DefaultValue("8094") int webhookPort,
        @DefaultValue("true") boolean seedProductionOrders,
        @DefaultValue("webhook-demo-secret") String webhookSecret) {}
