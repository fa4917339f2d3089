package io.visionhub.context;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Production context (visionhub.context.*; defaults documented in config/context-api.yaml).
 *
 * @param enabled      keep context in Hazelcast and accept pushes (off: every event is marked MISSING)
 * @param lines        lines the hub knows; a push or query for another line is refused (404). Empty: any line
 * @param historyLimit context versions per line kept in the shared map (older ones stay in the database)
 * @param maxAge       a context older than this is not applied (event marked MISSING); null: no limit
 * @param hazelcast    the embedded Hazelcast member that shares context across hubs
 * @param opcua        the OPC UA path: the hub subscribes to MES nodes
 */
@ConfigurationProperties(prefix = "visionhub.context")
public record ContextProperties(Boolean enabled, List<String> lines, Integer historyLimit, Duration maxAge,
                                Hazelcast hazelcast, OpcUa opcua) {

    public ContextProperties {
        enabled = enabled == null || enabled;
        lines = lines == null ? List.of() : List.copyOf(lines);
        historyLimit = historyLimit == null ? 1000 : historyLimit;
        hazelcast = hazelcast == null ? new Hazelcast(null, null, null, null, null, null) : hazelcast;
        opcua = opcua == null ? new OpcUa(null, null, null, null, null, null, null, null) : opcua;
    }

    /**
     * Embedded member: no multicast, no auto-detection; TCP/IP join with only the listed members.
     *
     * @param clusterName   hubs with the same name and reachable members form one cluster
     * @param port          member port; 0 picks a free one (single node)
     * @param members       other members, host[:port]; empty: single node
     * @param mapName       name of the map line -> context history
     * @param interfaceAddress address to bind to and announce (e.g. 127.0.0.1); null: Hazelcast picks
     * @param enabled       start a member (off: another bean must provide the HazelcastInstance)
     */
    public record Hazelcast(String clusterName, Integer port, List<String> members, String mapName,
                            String interfaceAddress, Boolean enabled) {
        public Hazelcast {
            clusterName = clusterName == null ? "vision-hub" : clusterName;
            port = port == null ? 0 : port;
            members = members == null ? List.of() : List.copyOf(members);
            mapName = mapName == null ? "visionhub-production-context" : mapName;
            enabled = enabled == null || enabled;
        }
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
     */
    public record OpcUa(Boolean enabled, String endpointUrl, Duration samplingInterval, String trigger,
                        Map<String, Map<String, String>> lineNodes, Duration reconnectDelay, String username,
                        String password) {
        public OpcUa {
            enabled = enabled != null && enabled;
            samplingInterval = samplingInterval == null ? Duration.ofMillis(100) : samplingInterval;
            trigger = trigger == null ? "version" : trigger;
            lineNodes = lineNodes == null ? Map.of() : Map.copyOf(lineNodes);
            reconnectDelay = reconnectDelay == null ? Duration.ofSeconds(5) : reconnectDelay;
        }
    }
}
