package io.visionhub.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

/** visionhub.ledger.* bound as the hub binds it: the YAML keys, the defaults, and bad values refused naming the key. */
class LedgerPropertiesTest {

    static LedgerProperties bind(Map<String, String> yaml) {
        return new Binder(new MapConfigurationPropertySource(yaml))
                .bindOrCreate("visionhub.ledger", LedgerProperties.class);
    }

    @Test
    void leftOutSettingsTakeTheirDefaults() {
        LedgerProperties p = bind(Map.of());
        assertThat(p).isEqualTo(LedgerProperties.defaults());
        assertThat(p.batchMaxRecords()).isEqualTo(512);
        assertThat(p.batchLinger()).isEqualTo(Duration.ofMillis(2));
        assertThat(p.queueCapacity()).isEqualTo(20_000);
        assertThat(p.appendTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.h2SyncEachCommit()).isTrue();
        assertThat(p.heads().everyRecords()).isEqualTo(1000);
        assertThat(p.heads().every()).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.heads().keyAlias()).isEqualTo("ledger-head");
        assertThat(p.signatures().maxFailures()).isEqualTo(3);
        assertThat(p.signatures().meanings())
                .extracting(LedgerProperties.Meaning::code)
                .containsExactly("REVIEWED", "APPROVED", "RESPONSIBILITY");
        assertThat(p.api().enabled()).isTrue();
        assertThat(p.h2Compaction().interval()).isEqualTo(Duration.ofMillis(100));
        assertThat(p.h2Compaction().targetFillRate()).isEqualTo(50);
        assertThat(p.h2Compaction().writeLimit()).isEqualTo(DataSize.ofKilobytes(128));
    }

    @Test
    void theH2CompactionKeysBindAndBadValuesAreRefusedNamingTheKey() {
        LedgerProperties p = bind(Map.of(
                "visionhub.ledger.h2-compaction.interval", "0s",
                "visionhub.ledger.h2-compaction.target-fill-rate", "80",
                "visionhub.ledger.h2-compaction.write-limit", "256KB"));
        assertThat(p.h2Compaction().interval()).isZero();
        assertThat(p.h2Compaction().targetFillRate()).isEqualTo(80);
        assertThat(p.h2Compaction().writeLimit()).isEqualTo(DataSize.ofKilobytes(256));
        assertThatThrownBy(() -> bind(Map.of("visionhub.ledger.h2-compaction.interval", "-1s")))
                .hasStackTraceContaining("visionhub.ledger.h2-compaction.interval must be 0 (off) or positive");
        assertThatThrownBy(() -> bind(Map.of("visionhub.ledger.h2-compaction.target-fill-rate", "0")))
                .hasStackTraceContaining("visionhub.ledger.h2-compaction.target-fill-rate must be between 1 and 100");
        assertThatThrownBy(() -> bind(Map.of("visionhub.ledger.h2-compaction.target-fill-rate", "101")))
                .hasStackTraceContaining("visionhub.ledger.h2-compaction.target-fill-rate must be between 1 and 100");
        assertThatThrownBy(() -> bind(Map.of("visionhub.ledger.h2-compaction.write-limit", "1KB")))
                .hasStackTraceContaining("visionhub.ledger.h2-compaction.write-limit must be between 4KB and 2GB");
    }

    @Test
    void theYamlKeysBindAndASiteListOfMeaningsReplacesTheDefaultOne() {
        LedgerProperties p = bind(Map.of(
                "visionhub.ledger.batch-max-records", "64",
                "visionhub.ledger.batch-linger", "500us",
                "visionhub.ledger.h2-sync-each-commit", "false",
                "visionhub.ledger.heads.every-records", "5",
                "visionhub.ledger.heads.every", "2s",
                "visionhub.ledger.heads.keystore-password", "secret",
                "visionhub.ledger.signatures.lockout", "5m",
                "visionhub.ledger.signatures.meanings[0].code", "QA",
                "visionhub.ledger.signatures.meanings[0].text", "QA release",
                "visionhub.ledger.api.enabled", "false"));
        assertThat(p.batchMaxRecords()).isEqualTo(64);
        assertThat(p.batchLinger()).isEqualTo(Duration.ofNanos(500_000));
        assertThat(p.h2SyncEachCommit()).isFalse();
        assertThat(p.heads().everyRecords()).isEqualTo(5);
        assertThat(p.heads().every()).isEqualTo(Duration.ofSeconds(2));
        assertThat(p.heads().keystorePassword()).isEqualTo("secret");
        assertThat(p.heads().file()).isEqualTo("./data/ledger-heads.jsonl");
        assertThat(p.signatures().lockout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(p.signatures().meanings()).containsExactly(new LedgerProperties.Meaning("QA", "QA release"));
        assertThat(p.api().enabled()).isFalse();
    }

    @Test
    void impossibleValuesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> bind(Map.of("visionhub.ledger.batch-max-records", "0")))
                .hasStackTraceContaining("visionhub.ledger.batch-max-records must be at least 1, not 0");
        assertThatThrownBy(() -> bind(Map.of("visionhub.ledger.batch-linger", "-1ms")))
                .hasStackTraceContaining("visionhub.ledger.batch-linger must be between 0 and 50 ms, not PT-0.001S");
        assertThatThrownBy(() -> bind(Map.of("visionhub.ledger.batch-linger", "1s")))
                .hasStackTraceContaining("visionhub.ledger.batch-linger must be between 0 and 50 ms, not PT1S");
        assertThatThrownBy(() -> bind(Map.of("visionhub.ledger.queue-capacity", "-1")))
                .hasStackTraceContaining("visionhub.ledger.queue-capacity");
        assertThatThrownBy(() -> bind(Map.of("visionhub.ledger.append-timeout", "0s")))
                .hasStackTraceContaining("visionhub.ledger.append-timeout must be positive");
        assertThatThrownBy(() -> bind(Map.of("visionhub.ledger.heads.every-records", "0")))
                .hasStackTraceContaining("visionhub.ledger.heads.every-records");
    }

    @Test
    void copiesChangeOnlyWhatTheyName() {
        LedgerProperties d = LedgerProperties.defaults();
        LedgerProperties c =
                d.withHeads(d.heads().withEvery(Duration.ofMillis(200))).withH2SyncEachCommit(false);
        assertThat(c.heads().every()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.heads().everyRecords()).isEqualTo(1000);
        assertThat(c.h2SyncEachCommit()).isFalse();
        assertThat(d.h2SyncEachCommit()).isTrue();
        assertThat(c.batchMaxRecords()).isEqualTo(d.batchMaxRecords());
        assertThat(d.withBatchLinger(Duration.ZERO).batchLinger()).isZero();
        assertThat(d.withBatchLinger(Duration.ZERO).heads()).isEqualTo(d.heads());
    }
}
