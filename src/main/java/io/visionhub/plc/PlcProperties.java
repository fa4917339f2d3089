package io.visionhub.plc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * visionhub.plc.*: PLC handshake settings (docs/plc.md). Per station an address map of the PLC's signals: OPC UA node
 * ids as text (e.g. {@code ns=3;s="DB_Vision"."St1"."Trigger"}), or, with {@code protocol: modbus}, PLC4X Modbus
 * addresses (e.g. {@code coil:1}, {@code holding-register:10:UDINT}). Immutable: a setting left out of the YAML (null
 * here) takes its default in the compact constructor; tests make copies with {@code with…}.
 *
 * @param enabled talk to a PLC (off in the demo, which has none); default false
 * @param endpointUrl the PLC's OPC UA endpoint, e.g. opc.tcp://192.168.0.10:4840; default empty
 * @param securityPolicy None (the default), Basic256Sha256, Aes128_Sha256_RsaOaep or Aes256_Sha256_RsaPss
 * @param securityMode None, Sign or SignAndEncrypt; empty (the default): SignAndEncrypt with a policy, None without
 * @param trustedServerCerts server certificates the hub trusts (DER or PEM files); empty (the default): any server
 *     certificate is accepted
 * @param username username towards the PLC; default empty
 * @param password password towards the PLC (secret); default empty
 * @param pkiDir folder of the hub's client certificate towards PLCs (plc-client.pfx, plc-client.der to give the PLC);
 *     default data/plc/pki
 * @param keyStorePassword password of plc-client.pfx (secret); default visionhub
 * @param cycleBudgetMs time from the trigger (or from the end of inference when untriggered) within which the result
 *     must be on the PLC; default 100
 * @param retryBackoffMs pause between write attempts inside the budget; default 2
 * @param failSafe what happens when the budget runs out without a confirmed write: REJECT (the default: write the
 *     reject bit) or NONE
 * @param samplingIntervalMs sampling (and publishing) interval asked for the trigger, part-id and ack nodes; default
 *     10. Ask for a value the PLC supports: a server may answer a request below its minimum with its default (Milo: 250
 *     ms). 0: as fast as the PLC can (OPC UA: the server's fastest sampling, by exception; Modbus/S7: polls back to
 *     back, 1 ms apart)
 * @param publishingIntervalMs OPC UA only: how often the PLC's server sends the changes it sampled. Empty (the
 *     default): the sampling interval, or 10 ms when that is 0. A change waits up to one publishing interval on the
 *     PLC, so this is the largest share of the trigger latency; ask for no less than the server's minimum (the hub
 *     warns when the server answers with much more, and retries once with the server's minimum sampling rate)
 * @param resultCodeType OPC UA data type of the result code node: Int16 (PLC INT, the default), Int32 (DINT), UInt16
 *     (WORD), Byte
 * @param resultCodeOk code of an OK verdict; default 1
 * @param resultCodeNg code of an NG verdict; default 2
 * @param resultCodeUncertain code of an uncertain verdict (rejected); default 3
 * @param resultCodeFailSafe code written by the fail-safe when no result came in time; default 9
 * @param triggerQueueSize server-side queue of the trigger and part-id monitored items (discardOldest=false): changes
 *     between two publishes are all delivered, so a short trigger pulse is not lost; an overflow is counted as lost
 *     triggers; default 64
 * @param downProbeMs while the PLC is known down, how often the hub checks whether it answers again; default 1000
 * @param stations the PLC nodes per station, in the configured order
 */
@ConfigurationProperties(prefix = "visionhub.plc")
public record PlcProperties(
        Boolean enabled,
        String endpointUrl,
        String securityPolicy,
        String securityMode,
        List<String> trustedServerCerts,
        String username,
        String password,
        String pkiDir,
        String keyStorePassword,
        Long cycleBudgetMs,
        Long retryBackoffMs,
        FailSafe failSafe,
        Double samplingIntervalMs,
        Double publishingIntervalMs,
        String resultCodeType,
        Integer resultCodeOk,
        Integer resultCodeNg,
        Integer resultCodeUncertain,
        Integer resultCodeFailSafe,
        Integer triggerQueueSize,
        Long downProbeMs,
        Map<String, StationNodes> stations) {

    public PlcProperties {
        enabled = enabled != null && enabled;
        endpointUrl = endpointUrl == null ? "" : endpointUrl;
        securityPolicy = securityPolicy == null ? "None" : securityPolicy;
        securityMode = securityMode == null ? "" : securityMode;
        trustedServerCerts = trustedServerCerts == null ? List.of() : List.copyOf(trustedServerCerts);
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        pkiDir = pkiDir == null ? "data/plc/pki" : pkiDir;
        keyStorePassword = keyStorePassword == null ? "visionhub" : keyStorePassword;
        cycleBudgetMs = cycleBudgetMs == null ? 100L : cycleBudgetMs;
        retryBackoffMs = retryBackoffMs == null ? 2L : retryBackoffMs;
        failSafe = failSafe == null ? FailSafe.REJECT : failSafe;
        samplingIntervalMs = samplingIntervalMs == null ? 10.0 : samplingIntervalMs;
        publishingIntervalMs = publishingIntervalMs == null
                ? (samplingIntervalMs > 0 ? samplingIntervalMs : 10.0)
                : publishingIntervalMs;
        resultCodeType = resultCodeType == null ? "Int16" : resultCodeType;
        resultCodeOk = resultCodeOk == null ? 1 : resultCodeOk;
        resultCodeNg = resultCodeNg == null ? 2 : resultCodeNg;
        resultCodeUncertain = resultCodeUncertain == null ? 3 : resultCodeUncertain;
        resultCodeFailSafe = resultCodeFailSafe == null ? 9 : resultCodeFailSafe;
        triggerQueueSize = triggerQueueSize == null ? 64 : triggerQueueSize;
        downProbeMs = downProbeMs == null ? 1000L : downProbeMs;
        stations = stations == null ? Map.of() : Collections.unmodifiableMap(copyOf(stations));
        atLeast("cycle-budget-ms", cycleBudgetMs, 0);
        atLeast("retry-backoff-ms", retryBackoffMs, 0);
        atLeast("trigger-queue-size", triggerQueueSize, 1);
        atLeast("down-probe-ms", downProbeMs, 1);
        if (!(samplingIntervalMs >= 0)) {
            throw new IllegalArgumentException(
                    "visionhub.plc.sampling-interval-ms must be 0 or more, not " + samplingIntervalMs);
        }
        if (!(publishingIntervalMs > 0)) {
            throw new IllegalArgumentException(
                    "visionhub.plc.publishing-interval-ms must be more than 0, not " + publishingIntervalMs);
        }
    }

    private static void atLeast(String key, Number value, long min) {
        if (value.longValue() < min) {
            throw new IllegalArgumentException("visionhub.plc." + key + " must be " + min + " or more, not " + value);
        }
    }

    /** A station left empty in the YAML binds as null: it gets every node empty. Order kept. */
    private static Map<String, StationNodes> copyOf(Map<String, StationNodes> stations) {
        Map<String, StationNodes> copy = new LinkedHashMap<>();
        stations.forEach((k, v) -> copy.put(k, v == null ? StationNodes.defaults() : v));
        return copy;
    }

    /** Every setting at its default, no station. */
    public static PlcProperties defaults() {
        return new PlcProperties(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }

    /** What to do when the cycle budget runs out. */
    public enum FailSafe {
        REJECT,
        NONE
    }

    /**
     * The stations grouped by the PLC they talk to: one copy of these settings per endpoint, holding only that
     * endpoint's stations (a station's own {@code endpoint-url} wins over the top-level one). Order: as configured.
     */
    public List<PlcProperties> perEndpoint() {
        Map<String, Map<String, StationNodes>> groups = new LinkedHashMap<>();
        for (Map.Entry<String, StationNodes> e : stations.entrySet()) {
            String own = e.getValue().endpointUrl().trim();
            groups.computeIfAbsent(own.isEmpty() ? endpointUrl : own, k -> new LinkedHashMap<>())
                    .put(e.getKey(), e.getValue());
        }
        if (groups.isEmpty()) {
            groups.put(endpointUrl, new LinkedHashMap<>());
        }
        // every setting as it is (the canonical constructor copies a setting added later too), but its own PLC
        return groups.entrySet().stream()
                .map(g -> withEndpointUrl(g.getKey()).withStations(g.getValue()))
                .toList();
    }

    public PlcProperties withEnabled(boolean value) {
        return with(c -> c.enabled = value);
    }

    public PlcProperties withEndpointUrl(String value) {
        return with(c -> c.endpointUrl = value);
    }

    public PlcProperties withSecurityPolicy(String value) {
        return with(c -> c.securityPolicy = value);
    }

    public PlcProperties withSecurityMode(String value) {
        return with(c -> c.securityMode = value);
    }

    public PlcProperties withTrustedServerCerts(List<String> value) {
        return with(c -> c.trustedServerCerts = value);
    }

    public PlcProperties withUsername(String value) {
        return with(c -> c.username = value);
    }

    public PlcProperties withPassword(String value) {
        return with(c -> c.password = value);
    }

    public PlcProperties withPkiDir(String value) {
        return with(c -> c.pkiDir = value);
    }

    public PlcProperties withCycleBudgetMs(long value) {
        return with(c -> c.cycleBudgetMs = value);
    }

    /** The sampling interval, with the publishing interval following it (set that after, to set it apart). */
    public PlcProperties withSamplingIntervalMs(double value) {
        return with(c -> {
            c.samplingIntervalMs = value;
            c.publishingIntervalMs = null;
        });
    }

    public PlcProperties withPublishingIntervalMs(double value) {
        return with(c -> c.publishingIntervalMs = value);
    }

    public PlcProperties withResultCodeFailSafe(int value) {
        return with(c -> c.resultCodeFailSafe = value);
    }

    public PlcProperties withTriggerQueueSize(int value) {
        return with(c -> c.triggerQueueSize = value);
    }

    public PlcProperties withDownProbeMs(long value) {
        return with(c -> c.downProbeMs = value);
    }

    public PlcProperties withStations(Map<String, StationNodes> value) {
        return with(c -> c.stations = value);
    }

    /** Copy with one more station (or a station replaced), after the ones already there. */
    public PlcProperties withStation(String name, StationNodes nodes) {
        Map<String, StationNodes> more = new LinkedHashMap<>(stations);
        more.put(name, nodes);
        return withStations(more);
    }

    /** A copy with the fields that change set by {@code change} (keeps the record's one constructor). */
    private PlcProperties with(Consumer<CopyPlcProperties> change) {
        CopyPlcProperties c = new CopyPlcProperties(this);
        change.accept(c);
        return new PlcProperties(
                c.enabled,
                c.endpointUrl,
                c.securityPolicy,
                c.securityMode,
                c.trustedServerCerts,
                c.username,
                c.password,
                c.pkiDir,
                c.keyStorePassword,
                c.cycleBudgetMs,
                c.retryBackoffMs,
                c.failSafe,
                c.samplingIntervalMs,
                c.publishingIntervalMs,
                c.resultCodeType,
                c.resultCodeOk,
                c.resultCodeNg,
                c.resultCodeUncertain,
                c.resultCodeFailSafe,
                c.triggerQueueSize,
                c.downProbeMs,
                c.stations);
    }

    /** Mutable scratch copy used only inside {@link #with}. */
    private static final class CopyPlcProperties {
        Boolean enabled;
        String endpointUrl;
        String securityPolicy;
        String securityMode;
        List<String> trustedServerCerts;
        String username;
        String password;
        String pkiDir;
        String keyStorePassword;
        Long cycleBudgetMs;
        Long retryBackoffMs;
        FailSafe failSafe;
        Double samplingIntervalMs;
        Double publishingIntervalMs;
        String resultCodeType;
        Integer resultCodeOk;
        Integer resultCodeNg;
        Integer resultCodeUncertain;
        Integer resultCodeFailSafe;
        Integer triggerQueueSize;
        Long downProbeMs;
        Map<String, StationNodes> stations;

        CopyPlcProperties(PlcProperties r) {
            enabled = r.enabled;
            endpointUrl = r.endpointUrl;
            securityPolicy = r.securityPolicy;
            securityMode = r.securityMode;
            trustedServerCerts = r.trustedServerCerts;
            username = r.username;
            password = r.password;
            pkiDir = r.pkiDir;
            keyStorePassword = r.keyStorePassword;
            cycleBudgetMs = r.cycleBudgetMs;
            retryBackoffMs = r.retryBackoffMs;
            failSafe = r.failSafe;
            samplingIntervalMs = r.samplingIntervalMs;
            publishingIntervalMs = r.publishingIntervalMs;
            resultCodeType = r.resultCodeType;
            resultCodeOk = r.resultCodeOk;
            resultCodeNg = r.resultCodeNg;
            resultCodeUncertain = r.resultCodeUncertain;
            resultCodeFailSafe = r.resultCodeFailSafe;
            triggerQueueSize = r.triggerQueueSize;
            downProbeMs = r.downProbeMs;
            stations = r.stations;
        }
    }

    /**
     * The PLC nodes of one station; empty means the PLC has no such node. Only its canonical constructor: it is bound
     * from a YAML map.
     *
     * @param protocol how the hub talks to this station's PLC: opcua (the default; node ids below), or through Apache
     *     PLC4X with addresses in its tag syntax: modbus (endpoint-url modbus-tcp://host:502, e.g. coil:1,
     *     holding-register:10), s7 (s7://host?..., e.g. %DB10:0.0:BOOL, %DB10:12:STRING(16)) or eip (EtherNet/IP,
     *     eip://host:44818?..., e.g. %Vision_Trigger:BOOL); docs/plc.md
     * @param endpointUrl the OPC UA endpoint of this station's PLC when it is not visionhub.plc.endpoint-url (a line
     *     with several PLCs); empty: that one
     * @param trigger Boolean the PLC raises when a part is in place (trigger / part present)
     * @param partId String part id the PLC sets before raising the trigger; the hub writes it back with the result
     * @param resultPartId part id echoed back with the result; empty: written to partId
     * @param resultCode Integer result code
     * @param reject Boolean reject bit
     * @param resultReady Boolean the hub sets when the result is written
     * @param ack Boolean the PLC sets when it has taken the result; the hub then clears resultReady
     * @param triggerAck Boolean the hub sets when it has taken a trigger with its part id, and clears when the PLC
     *     lowers the trigger: the PLC holds trigger and part id until it sees this (four-phase handshake). Empty: no
     *     trigger acknowledge
     */
    public record StationNodes(
            String protocol,
            String endpointUrl,
            String trigger,
            String partId,
            String resultPartId,
            String resultCode,
            String reject,
            String resultReady,
            String ack,
            String triggerAck) {

        public StationNodes {
            protocol = protocol == null || protocol.isBlank()
                    ? "opcua"
                    : protocol.strip().toLowerCase(Locale.ROOT);
            endpointUrl = endpointUrl == null ? "" : endpointUrl;
            trigger = trigger == null ? "" : trigger;
            partId = partId == null ? "" : partId;
            resultPartId = resultPartId == null ? "" : resultPartId;
            resultCode = resultCode == null ? "" : resultCode;
            reject = reject == null ? "" : reject;
            resultReady = resultReady == null ? "" : resultReady;
            ack = ack == null ? "" : ack;
            triggerAck = triggerAck == null ? "" : triggerAck;
        }

        /** Every node empty, protocol opcua. */
        public static StationNodes defaults() {
            return new StationNodes(null, null, null, null, null, null, null, null, null, null);
        }

        public StationNodes withProtocol(String value) {
            return with(c -> c.protocol = value);
        }

        public StationNodes withEndpointUrl(String value) {
            return with(c -> c.endpointUrl = value);
        }

        public StationNodes withTrigger(String value) {
            return with(c -> c.trigger = value);
        }

        public StationNodes withPartId(String value) {
            return with(c -> c.partId = value);
        }

        public StationNodes withResultPartId(String value) {
            return with(c -> c.resultPartId = value);
        }

        public StationNodes withResultCode(String value) {
            return with(c -> c.resultCode = value);
        }

        public StationNodes withReject(String value) {
            return with(c -> c.reject = value);
        }

        public StationNodes withResultReady(String value) {
            return with(c -> c.resultReady = value);
        }

        public StationNodes withAck(String value) {
            return with(c -> c.ack = value);
        }

        public StationNodes withTriggerAck(String value) {
            return with(c -> c.triggerAck = value);
        }

        /** A copy with the fields that change set by {@code change} (keeps the record's one constructor). */
        private StationNodes with(Consumer<CopyStationNodes> change) {
            CopyStationNodes c = new CopyStationNodes(this);
            change.accept(c);
            return new StationNodes(
                    c.protocol,
                    c.endpointUrl,
                    c.trigger,
                    c.partId,
                    c.resultPartId,
                    c.resultCode,
                    c.reject,
                    c.resultReady,
                    c.ack,
                    c.triggerAck);
        }

        /** Mutable scratch copy used only inside {@link #with}. */
        private static final class CopyStationNodes {
            String protocol;
            String endpointUrl;
            String trigger;
            String partId;
            String resultPartId;
            String resultCode;
            String reject;
            String resultReady;
            String ack;
            String triggerAck;

            CopyStationNodes(StationNodes r) {
                protocol = r.protocol;
                endpointUrl = r.endpointUrl;
                trigger = r.trigger;
                partId = r.partId;
                resultPartId = r.resultPartId;
                resultCode = r.resultCode;
                reject = r.reject;
                resultReady = r.resultReady;
                ack = r.ack;
                triggerAck = r.triggerAck;
            }
        }
    }
}
