package io.visionhub.outputs.opcua;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcOperations;

/**
 * Seeds each station's OPC UA counters (Counters/Inspected, OK, NG, Uncertain) from the ledger's inspection
 * records at start, so a restart does not set them back to 0: a PLC or SCADA that computes rates or shift totals
 * from them would otherwise see a drop. Results other than OK and NG count as Uncertain, as the live counters do.
 */
public final class OpcUaLedgerCounters {

    private static final Logger LOG = LoggerFactory.getLogger(OpcUaLedgerCounters.class);

    /** OK, NG and other (uncertain) inspections of one station in the ledger. */
    public record Counts(long ok, long ng, long uncertain) {}

    private final HubOpcUaServer server;
    private final JdbcOperations jdbc;

    public OpcUaLedgerCounters(HubOpcUaServer server, JdbcOperations jdbc) {
        this.server = server;
        this.jdbc = jdbc;
    }

    /** The ledger's inspection counts per station. */
    public static Map<String, Counts> countsByStation(JdbcOperations jdbc) {
        Map<String, long[]> raw = new LinkedHashMap<>();
        jdbc.query(
                "SELECT station, result, COUNT(*) AS n FROM inspection WHERE station IS NOT NULL "
                        + "GROUP BY station, result ORDER BY station",
                rs -> {
                    long[] c = raw.computeIfAbsent(rs.getString("station"), k -> new long[3]);
                    String result = rs.getString("result");
                    int slot = "OK".equals(result) ? 0 : "NG".equals(result) ? 1 : 2;
                    c[slot] += rs.getLong("n");
                });
        Map<String, Counts> out = new LinkedHashMap<>();
        raw.forEach((station, c) -> out.put(station, new Counts(c[0], c[1], c[2])));
        return out;
    }

    /** Sets the counters of every station the ledger knows (creating its nodes); answers how many stations. */
    public int seed() {
        StationNamespace ns = server.namespace();
        if (ns == null || jdbc == null) {
            return 0;
        }
        Map<String, Counts> counts;
        try {
            counts = countsByStation(jdbc);
        } catch (RuntimeException e) {
            LOG.warn(
                    "OPC UA counters start at 0: the ledger's inspection counts could not be read ({}); they count "
                            + "from here on",
                    e.getMessage());
            return 0;
        }
        counts.forEach((station, c) -> ns.station(station).seedCounters(c.ok(), c.ng(), c.uncertain()));
        if (!counts.isEmpty()) {
            LOG.info("OPC UA counters of {} station(s) seeded from the ledger: {}", counts.size(), counts);
        }
        return counts.size();
    }
}
