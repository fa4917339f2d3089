package io.visionhub.plc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** visionhub.plc.* bound as the hub binds it: the defaults of before, every YAML key, bad values refused by key. */
class PlcPropertiesTest {

    static PlcProperties bind(Map<String, String> yaml) {
        return new Binder(new MapConfigurationPropertySource(yaml)).bindOrCreate("visionhub.plc", PlcProperties.class);
    }

    @Test
    void leftOutSettingsTakeTheirDefaults() {
        PlcProperties p = bind(Map.of());
        assertThat(p).isEqualTo(PlcProperties.defaults());
        assertThat(p.enabled()).isFalse();
        assertThat(p.endpointUrl()).isEmpty();
        assertThat(p.securityPolicy()).isEqualTo("None");
        assertThat(p.securityMode()).isEmpty();
        assertThat(p.trustedServerCerts()).isEmpty();
        assertThat(p.username()).isEmpty();
        assertThat(p.password()).isEmpty();
        assertThat(p.pkiDir()).isEqualTo("data/plc/pki");
        assertThat(p.keyStorePassword()).isEqualTo("visionhub");
        assertThat(p.cycleBudgetMs()).isEqualTo(100);
        assertThat(p.retryBackoffMs()).isEqualTo(2);
        assertThat(p.failSafe()).isEqualTo(PlcProperties.FailSafe.REJECT);
        assertThat(p.samplingIntervalMs()).isEqualTo(10.0);
        assertThat(p.publishingIntervalMs()).as("follows the sampling interval").isEqualTo(10.0);
        assertThat(p.withSamplingIntervalMs(0).publishingIntervalMs())
                .as("sampling 0 (by exception) is no publishing interval: 10 ms")
                .isEqualTo(10.0);
        assertThat(p.withSamplingIntervalMs(2).publishingIntervalMs()).isEqualTo(2.0);
        assertThat(p.resultCodeType()).isEqualTo("Int16");
        assertThat(p.resultCodeOk()).isEqualTo(1);
        assertThat(p.resultCodeNg()).isEqualTo(2);
        assertThat(p.resultCodeUncertain()).isEqualTo(3);
        assertThat(p.resultCodeFailSafe()).isEqualTo(9);
        assertThat(p.triggerQueueSize()).isEqualTo(64);
        assertThat(p.downProbeMs()).isEqualTo(1000);
        assertThat(p.stations()).isEmpty();
    }

    @Test
    void everyKeyBindsAndStationsKeepTheirOrder() {
        Map<String, String> yaml = new LinkedHashMap<>();
        yaml.put("visionhub.plc.enabled", "true");
        yaml.put("visionhub.plc.endpoint-url", "opc.tcp://plc:4840");
        yaml.put("visionhub.plc.security-policy", "Basic256Sha256");
        yaml.put("visionhub.plc.security-mode", "Sign");
        yaml.put("visionhub.plc.trusted-server-certs[0]", "a.der");
        yaml.put("visionhub.plc.username", "hub");
        yaml.put("visionhub.plc.password", "pw");
        yaml.put("visionhub.plc.pki-dir", "/pki");
        yaml.put("visionhub.plc.key-store-password", "ks");
        yaml.put("visionhub.plc.cycle-budget-ms", "80");
        yaml.put("visionhub.plc.retry-backoff-ms", "5");
        yaml.put("visionhub.plc.fail-safe", "none");
        yaml.put("visionhub.plc.sampling-interval-ms", "2.5");
        yaml.put("visionhub.plc.publishing-interval-ms", "5");
        yaml.put("visionhub.plc.result-code-type", "Int32");
        yaml.put("visionhub.plc.result-code-ok", "11");
        yaml.put("visionhub.plc.result-code-ng", "12");
        yaml.put("visionhub.plc.result-code-uncertain", "13");
        yaml.put("visionhub.plc.result-code-fail-safe", "19");
        yaml.put("visionhub.plc.trigger-queue-size", "8");
        yaml.put("visionhub.plc.down-probe-ms", "300");
        String st = "visionhub.plc.stations.st2.";
        yaml.put(st + "protocol", " Modbus ");
        yaml.put(st + "endpoint-url", "modbus-tcp://plc2:502");
        yaml.put(st + "trigger", "coil:1");
        yaml.put(st + "trigger-ack", "coil:2");
        yaml.put(st + "part-id", "holding-register:1:UDINT");
        yaml.put(st + "result-part-id", "holding-register:3:UDINT");
        yaml.put(st + "result-code", "holding-register:5:INT");
        yaml.put(st + "reject", "coil:3");
        yaml.put(st + "result-ready", "coil:4");
        yaml.put(st + "ack", "coil:5");
        yaml.put("visionhub.plc.stations.st1.reject", "ns=2;s=st1.Reject");

        PlcProperties p = bind(yaml);

        assertThat(p)
                .isEqualTo(new PlcProperties(
                        true,
                        "opc.tcp://plc:4840",
                        "Basic256Sha256",
                        "Sign",
                        List.of("a.der"),
                        "hub",
                        "pw",
                        "/pki",
                        "ks",
                        80L,
                        5L,
                        PlcProperties.FailSafe.NONE,
                        2.5,
                        5.0,
                        "Int32",
                        11,
                        12,
                        13,
                        19,
                        8,
                        300L,
                        p.stations()));
        assertThat(p.stations().get("st2"))
                .isEqualTo(new PlcProperties.StationNodes(
                        "modbus",
                        "modbus-tcp://plc2:502",
                        "coil:1",
                        "holding-register:1:UDINT",
                        "holding-register:3:UDINT",
                        "holding-register:5:INT",
                        "coil:3",
                        "coil:4",
                        "coil:5",
                        "coil:2"));
        assertThat(p.stations().get("st1"))
                .as("nodes left out are empty, the protocol opcua")
                .isEqualTo(PlcProperties.StationNodes.defaults().withReject("ns=2;s=st1.Reject"));
        assertThat(p.perEndpoint())
                .extracting(PlcProperties::endpointUrl)
                .containsExactly("modbus-tcp://plc2:502", "opc.tcp://plc:4840");
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> bind(Map.of("visionhub.plc.trigger-queue-size", "0")))
                .hasStackTraceContaining("visionhub.plc.trigger-queue-size must be 1 or more, not 0");
        assertThatThrownBy(() -> bind(Map.of("visionhub.plc.cycle-budget-ms", "-5")))
                .hasStackTraceContaining("visionhub.plc.cycle-budget-ms must be 0 or more, not -5");
        assertThatThrownBy(() -> bind(Map.of("visionhub.plc.down-probe-ms", "0")))
                .hasStackTraceContaining("visionhub.plc.down-probe-ms must be 1 or more, not 0");
        assertThatThrownBy(() -> bind(Map.of("visionhub.plc.sampling-interval-ms", "-1")))
                .hasStackTraceContaining("visionhub.plc.sampling-interval-ms must be 0 or more, not -1.0");
        assertThatThrownBy(() -> bind(Map.of("visionhub.plc.publishing-interval-ms", "0")))
                .hasStackTraceContaining("visionhub.plc.publishing-interval-ms must be more than 0, not 0.0");
        assertThatThrownBy(() -> bind(Map.of("visionhub.plc.fail-safe", "maybe")))
                .hasStackTraceContaining("visionhub.plc.fail-safe");
    }

    @Test
    void copiesChangeOneSettingAndLeaveTheOriginal() {
        PlcProperties base = PlcProperties.defaults().withCycleBudgetMs(50);
        PlcProperties two = base.withStation("a", PlcProperties.StationNodes.defaults())
                .withStation("b", PlcProperties.StationNodes.defaults().withProtocol("S7"));
        assertThat(base.stations()).isEmpty();
        assertThat(two.stations()).containsOnlyKeys("a", "b");
        assertThat(two.stations().get("b").protocol()).isEqualTo("s7");
        assertThat(two.cycleBudgetMs()).isEqualTo(50);
        assertThatThrownBy(() -> two.stations().put("c", null)).isInstanceOf(UnsupportedOperationException.class);
    }
}
