package io.visionhub.context;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Production context (visionhub.context.*; defaults documented in config/context-api.yaml).
 *
 * @param enabled      keep context in Hazelcast and accept pushes (off: every event is marked MISSING)
 * @param lines        lines the hub knows; a push or query for another line is refused (404). Empty: any line
 * @param historyLimit context versions per line kept in the shared map (older ones stay in the database)
 * @param maxAge       a context older than this is not applied (event marked MISSING); null: no limit
 * @param maxClockSkew a push whose validFrom is further than this ahead of the hub's clock is refused (400)
 * @param maxVersionStep a push whose version is more than this above the stored version is refused (400); 0: no check
 * @param hazelcast    the embedded Hazelcast member that shares context across hubs
 * @param opcua        the OPC UA path: the hub subscribes to MES nodes
 */
@ConfigurationProperties(prefix = "visionhub.context")
public record ContextProperties(
        Boolean enabled,
        List<String> lines,
        Integer historyLimit,
        Duration maxAge,
        Hazelcast hazelcast,
        OpcUa opcua,
        Duration maxClockSkew,
        Long maxVersionStep) {

    /** Default of max-clock-skew: clocks of MES and hub kept by NTP differ by far less. */
    public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    /** Default of max-version-step: room for timestamp versions (yyyyMMddHHmmss) across years of pauses. */
    public static final long DEFAULT_MAX_VERSION_STEP = 100_000_000_000L;

    public ContextProperties {
        enabled = enabled == null || enabled;
        lines = lines == null ? List.of() : List.copyOf(lines);
        historyLimit = historyLimit == null ? 1000 : historyLimit;
        maxClockSkew = maxClockSkew == null ? DEFAULT_MAX_CLOCK_SKEW : maxClockSkew;
        maxVersionStep = maxVersionStep == null ? DEFAULT_MAX_VERSION_STEP : maxVersionStep;
        if (maxClockSkew.isNegative() || maxVersionStep < 0) {
            throw new IllegalArgumentException("visionhub.context.max-clock-skew and max-version-step must not be "
                    + "negative (got " + maxClockSkew + ", " + maxVersionStep + ")");
        }
        hazelcast = hazelcast == null ? new Hazelcast(null, null, null, null, null, null) : hazelcast;
        opcua = opcua == null
                ? new OpcUa(null, null, null, null, null, null, null, null, null, null, null, null, null)
                : opcua;
    }

    /**
     * Embedded member: no multicast, no auto-detection; TCP/IP join with only the listed members.
     *
     * @param clusterName   hubs with the same name and reachable members form one cluster
     * @param port          member port; 0 picks a free one (single node)
     * @param members       other members, host[:port]; empty: single node
     * @param mapName       name of the map line -> context history
     * @param interfaceAddress the only address the member binds and announces; default 127.0.0.1 (loopback: the
     *                      single-node demo); a cluster sets this machine's address; {@value #EVERY_INTERFACE}: every
     *                      interface, Hazelcast picks the address it announces
     * @param enabled       start a member (off: another bean must provide the HazelcastInstance)
     */
    public record Hazelcast(
            String clusterName,
            Integer port,
            List<String> members,
            String mapName,
            String interfaceAddress,
            Boolean enabled) {
        public Hazelcast {
            clusterName = clusterName == null ? "vision-hub" : clusterName;
            port = port == null ? 0 : port;
            members = members == null ? List.of() : List.copyOf(members);
            mapName = mapName == null ? "visionhub-production-context" : mapName;
            enabled = enabled == null || enabled;
            interfaceAddress =
                    interfaceAddress == null || interfaceAddress.isBlank() ? "127.0.0.1" : interfaceAddress.trim();
        }

        /** {@code interface-address} value that binds every interface. */
        public static final String EVERY_INTERFACE = "*";
    }

    /**
     * Context from MES nodes over OPC UA: the hub subscribes to one node per field for each line.
     *
     * @param enabled          subscribe (needs endpointUrl and lines)
     * @param endpointUrl      MES OPC UA server, e.g. opc.tcp://mes:4840
     * @param samplingInterval sampling interval requested for the monitored items
     * @param trigger          field whose change applies the context (the MES writes it last); default "version"
     * @param lineNodes        per line: field name (productionOrder, product, batch, specVersion, workCentre,
     *                         shift, operatorStation, inspectionLot, version, validFrom) -> node id
     *                         (e.g. ns=2;s=Line1/ProductionOrder)
     * @param reconnectDelay   wait before retrying a lost or refused connection
     * @param username         user name for the MES server; null: anonymous
     * @param password         password for the MES server (secret)
     * @param securityPolicy   None, Basic256Sha256, Aes128_Sha256_RsaOaep or Aes256_Sha256_RsaPss, as
     *                         visionhub.plc.security-policy; default None
     * @param securityMode     None, Sign or SignAndEncrypt; empty: SignAndEncrypt with a policy, None without
     * @param pkiDir           folder of the hub's client certificate (the PLC's by default: one certificate)
     * @param keyStorePassword password of the certificate's key store (secret)
     * @param trustedServerCerts server certificates the hub trusts (DER or PEM files); empty: any
     */
    public record OpcUa(
            Boolean enabled,
            String endpointUrl,
            Duration samplingInterval,
            String trigger,
            Map<String, Map<String, String>> lineNodes,
            Duration reconnectDelay,
            String username,
            String password,
            String securityPolicy,
            String securityMode,
            String pkiDir,
            String keyStorePassword,
            List<String> trustedServerCerts) {
        public OpcUa {
            securityPolicy = securityPolicy == null ? "None" : securityPolicy;
            securityMode = securityMode == null ? "" : securityMode;
            pkiDir = pkiDir == null ? "data/plc/pki" : pkiDir;
            keyStorePassword = keyStorePassword == null ? "visionhub" : keyStorePassword;
            trustedServerCerts = trustedServerCerts == null ? List.of() : List.copyOf(trustedServerCerts);
            enabled = enabled != null && enabled;
            samplingInterval = samplingInterval == null ? Duration.ofMillis(100) : samplingInterval;
            trigger = trigger == null ? "version" : trigger;
            lineNodes = lineNodes == null ? Map.of() : Map.copyOf(lineNodes);
            reconnectDelay = reconnectDelay == null ? Duration.ofSeconds(5) : reconnectDelay;
        }
    }
}
