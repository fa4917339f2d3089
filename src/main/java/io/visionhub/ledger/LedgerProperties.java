package io.visionhub.ledger;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/** visionhub.ledger.*: the Merkle log, its group commit and its signed tree heads (see docs/ledger.md). */
@ConfigurationProperties(prefix = "visionhub.ledger")
public class LedgerProperties {

    /** Most records written in one group commit (one transaction). */
    private int batchMaxRecords = 512;
    /** Appenders waiting for the writer at most; further appends block (back-pressure, never dropped). */
    private int queueCapacity = 20_000;
    /** How long an append waits for its commit before it fails (the record may still commit). */
    private Duration appendTimeout = Duration.ofSeconds(30);
    /** On H2: force the database file to disk (fsync) after each group commit, for power-loss durability. */
    private boolean h2SyncEachCommit = true;
    private final Heads heads = new Heads();
    private final Signatures signatures = new Signatures();
    private final Api api = new Api();

    public static class Signatures {
        /** Wrong passwords in a row before a user's signing is locked. */
        private int maxFailures = 3;
        /** How long signing stays locked after that. */
        private Duration lockout = Duration.ofMinutes(15);

        public int getMaxFailures() { return maxFailures; }
        public void setMaxFailures(int maxFailures) { this.maxFailures = maxFailures; }
        public Duration getLockout() { return lockout; }
        public void setLockout(Duration lockout) { this.lockout = lockout; }
    }

    public static class Api {
        /** REST endpoints under /api/ledger. */
        private boolean enabled = true;

        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
    }

    public static class Heads {
        /** Sign a tree head at least every this many records... */
        private int everyRecords = 1000;
        /** ...and at least every this long when records arrived. */
        private Duration every = Duration.ofSeconds(10);
        /** Whether heads are signed at all (turn off only for tests of the bare log). */
        private boolean enabled = true;
        /** PKCS12 keystore with the Ed25519 signing key; generated on first start. Keep it outside the database. */
        private String keystore = "./data/keys/ledger-signing.p12";
        /** Keystore and key password. Set it in production (environment variable VISIONHUB_LEDGER_HEADS_KEYSTORE_PASSWORD). */
        private String keystorePassword = "change-me";
        /** Alias of the key inside the keystore. */
        private String keyAlias = "ledger-head";
        /** Append-only log of signed heads, one JSON line each, outside the database. */
        private String file = "./data/ledger-heads.jsonl";
        /** Camel endpoint the heads are sent to when a route consumes it (the shopfloor helper forwards it to MQTT). */
        private String endpoint = "direct:tree-heads";

        public int getEveryRecords() { return everyRecords; }
        public void setEveryRecords(int everyRecords) { this.everyRecords = everyRecords; }
        public Duration getEvery() { return every; }
        public void setEvery(Duration every) { this.every = every; }
        public boolean isEnabled() { return enabled; }
        public void setEnabled(boolean enabled) { this.enabled = enabled; }
        public String getKeystore() { return keystore; }
        public void setKeystore(String keystore) { this.keystore = keystore; }
        public String getKeystorePassword() { return keystorePassword; }
        public void setKeystorePassword(String keystorePassword) { this.keystorePassword = keystorePassword; }
        public String getKeyAlias() { return keyAlias; }
        public void setKeyAlias(String keyAlias) { this.keyAlias = keyAlias; }
        public String getFile() { return file; }
        public void setFile(String file) { this.file = file; }
        public String getEndpoint() { return endpoint; }
        public void setEndpoint(String endpoint) { this.endpoint = endpoint; }
    }

    public int getBatchMaxRecords() { return batchMaxRecords; }
    public void setBatchMaxRecords(int batchMaxRecords) { this.batchMaxRecords = batchMaxRecords; }
    public int getQueueCapacity() { return queueCapacity; }
    public void setQueueCapacity(int queueCapacity) { this.queueCapacity = queueCapacity; }
    public Duration getAppendTimeout() { return appendTimeout; }
    public void setAppendTimeout(Duration appendTimeout) { this.appendTimeout = appendTimeout; }
    public boolean isH2SyncEachCommit() { return h2SyncEachCommit; }
    public void setH2SyncEachCommit(boolean h2SyncEachCommit) { this.h2SyncEachCommit = h2SyncEachCommit; }
    public Heads getHeads() { return heads; }
    public Signatures getSignatures() { return signatures; }
    public Api getApi() { return api; }
}
