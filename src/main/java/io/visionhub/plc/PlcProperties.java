package io.visionhub.plc;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PLC handshake over OPC UA: the hub is a client of the PLC's OPC UA server. Per station a mapping of PLC nodes
 * (OPC UA node ids as text, e.g. {@code ns=3;s="DB_Vision"."St1"."Trigger"}).
 */
@ConfigurationProperties(prefix = "visionhub.plc")
public class PlcProperties {

    /** Talk to a PLC (off in the demo, which has none). */
    private boolean enabled = false;
    /** The PLC's OPC UA endpoint, e.g. opc.tcp://192.168.0.10:4840. */
    private String endpointUrl = "";
    /** None, Basic256Sha256 or Aes256_Sha256_RsaPss (with SignAndEncrypt when not None). */
    private String securityPolicy = "None";
    private String username = "";
    /** Secret. */
    private String password = "";
    /** Folder of the hub's client certificate towards PLCs (plc-client.pfx, plc-client.der to give the PLC). */
    private String pkiDir = "data/plc/pki";
    /** Password of plc-client.pfx; secret. */
    private String keyStorePassword = "visionhub";
    /** Time from the trigger (or from the end of inference when untriggered) within which the result must be on the PLC. */
    private long cycleBudgetMs = 100;
    /** Pause between write attempts inside the budget. */
    private long retryBackoffMs = 2;
    /** What happens when the budget runs out without a confirmed write: REJECT (write the reject bit) or NONE. */
    private FailSafe failSafe = FailSafe.REJECT;
    /** Sampling interval asked for the trigger and ack nodes (0 = as fast as the PLC allows). */
    private double samplingIntervalMs = 0;
    /** OPC UA data type of the result code node: Int16 (PLC INT), Int32 (DINT), UInt16 (WORD), Byte. */
    private String resultCodeType = "Int16";
    private int resultCodeOk = 1;
    private int resultCodeNg = 2;
    /** Uncertain verdicts are rejected and get this code. */
    private int resultCodeUncertain = 3;
    /** Code written by the fail-safe when no result came in time. */
    private int resultCodeFailSafe = 9;
    /** Camel endpoint that receives a PlcTrigger body when a PLC raises a trigger (the capture side listens). */
    private String triggerEndpoint = "seda:plc-trigger";
    private Map<String, StationNodes> stations = new LinkedHashMap<>();

    /** What to do when the cycle budget runs out. */
    public enum FailSafe { REJECT, NONE }

    /**
     * The stations grouped by the PLC they talk to: one copy of these settings per endpoint, holding only that
     * endpoint's stations (a station's own {@code endpoint-url} wins over the top-level one). Order: as configured.
     */
    public java.util.List<PlcProperties> perEndpoint() {
        Map<String, Map<String, StationNodes>> groups = new LinkedHashMap<>();
        for (Map.Entry<String, StationNodes> e : stations.entrySet()) {
            String own = e.getValue() == null ? "" : e.getValue().getEndpointUrl().trim();
            groups.computeIfAbsent(own.isEmpty() ? endpointUrl : own, k -> new LinkedHashMap<>())
                    .put(e.getKey(), e.getValue());
        }
        if (groups.isEmpty()) {
            groups.put(endpointUrl, new LinkedHashMap<>());
        }
        java.util.List<PlcProperties> out = new java.util.ArrayList<>();
        for (Map.Entry<String, Map<String, StationNodes>> g : groups.entrySet()) {
            PlcProperties p = new PlcProperties();
            // every setting as it is, by its accessors (a setting added later is copied too), but its own PLC
            org.springframework.beans.BeanUtils.copyProperties(this, p, "stations");
            p.setEndpointUrl(g.getKey());
            p.setStations(g.getValue());
            out.add(p);
        }
        return out;
    }

    /** The PLC nodes of one station; empty means the PLC has no such node. */
    public static class StationNodes {
        /** The OPC UA endpoint of this station's PLC when it is not visionhub.plc.endpoint-url (a line with several PLCs). */
        private String endpointUrl = "";
        /** Boolean the PLC raises when a part is in place (trigger / part present). */
        private String trigger = "";
        /** String part id the PLC sets before raising the trigger; the hub writes it back with the result. */
        private String partId = "";
        /** Part id echoed back with the result; empty: written to partId. */
        private String resultPartId = "";
        /** Integer result code. */
        private String resultCode = "";
        /** Boolean reject bit. */
        private String reject = "";
        /** Boolean the hub sets when the result is written. */
        private String resultReady = "";
        /** Boolean the PLC sets when it has taken the result; the hub then clears resultReady. */
        private String ack = "";

        public String getEndpointUrl() {
            return endpointUrl;
        }

        public void setEndpointUrl(String endpointUrl) {
            this.endpointUrl = endpointUrl == null ? "" : endpointUrl;
        }

        public String getTrigger() {
            return trigger;
        }

        public void setTrigger(String trigger) {
            this.trigger = trigger;
        }

        public String getPartId() {
            return partId;
        }

        public void setPartId(String partId) {
            this.partId = partId;
        }

        public String getResultPartId() {
            return resultPartId;
        }

        public void setResultPartId(String resultPartId) {
            this.resultPartId = resultPartId;
        }

        public String getResultCode() {
            return resultCode;
        }

        public void setResultCode(String resultCode) {
            this.resultCode = resultCode;
        }

        public String getReject() {
            return reject;
        }

        public void setReject(String reject) {
            this.reject = reject;
        }

        public String getResultReady() {
            return resultReady;
        }

        public void setResultReady(String resultReady) {
            this.resultReady = resultReady;
        }

        public String getAck() {
            return ack;
        }

        public void setAck(String ack) {
            this.ack = ack;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getEndpointUrl() {
        return endpointUrl;
    }

    public void setEndpointUrl(String endpointUrl) {
        this.endpointUrl = endpointUrl;
    }

    public String getSecurityPolicy() {
        return securityPolicy;
    }

    public void setSecurityPolicy(String securityPolicy) {
        this.securityPolicy = securityPolicy;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getPkiDir() {
        return pkiDir;
    }

    public void setPkiDir(String pkiDir) {
        this.pkiDir = pkiDir;
    }

    public String getKeyStorePassword() {
        return keyStorePassword;
    }

    public void setKeyStorePassword(String keyStorePassword) {
        this.keyStorePassword = keyStorePassword;
    }

    public long getCycleBudgetMs() {
        return cycleBudgetMs;
    }

    public void setCycleBudgetMs(long cycleBudgetMs) {
        this.cycleBudgetMs = cycleBudgetMs;
    }

    public long getRetryBackoffMs() {
        return retryBackoffMs;
    }

    public void setRetryBackoffMs(long retryBackoffMs) {
        this.retryBackoffMs = retryBackoffMs;
    }

    public FailSafe getFailSafe() {
        return failSafe;
    }

    public void setFailSafe(FailSafe failSafe) {
        this.failSafe = failSafe;
    }

    public double getSamplingIntervalMs() {
        return samplingIntervalMs;
    }

    public void setSamplingIntervalMs(double samplingIntervalMs) {
        this.samplingIntervalMs = samplingIntervalMs;
    }

    public String getResultCodeType() {
        return resultCodeType;
    }

    public void setResultCodeType(String resultCodeType) {
        this.resultCodeType = resultCodeType;
    }

    public int getResultCodeOk() {
        return resultCodeOk;
    }

    public void setResultCodeOk(int resultCodeOk) {
        this.resultCodeOk = resultCodeOk;
    }

    public int getResultCodeNg() {
        return resultCodeNg;
    }

    public void setResultCodeNg(int resultCodeNg) {
        this.resultCodeNg = resultCodeNg;
    }

    public int getResultCodeUncertain() {
        return resultCodeUncertain;
    }

    public void setResultCodeUncertain(int resultCodeUncertain) {
        this.resultCodeUncertain = resultCodeUncertain;
    }

    public int getResultCodeFailSafe() {
        return resultCodeFailSafe;
    }

    public void setResultCodeFailSafe(int resultCodeFailSafe) {
        this.resultCodeFailSafe = resultCodeFailSafe;
    }

    public String getTriggerEndpoint() {
        return triggerEndpoint;
    }

    public void setTriggerEndpoint(String triggerEndpoint) {
        this.triggerEndpoint = triggerEndpoint;
    }

    public Map<String, StationNodes> getStations() {
        return stations;
    }

    public void setStations(Map<String, StationNodes> stations) {
        this.stations = stations;
    }
}
