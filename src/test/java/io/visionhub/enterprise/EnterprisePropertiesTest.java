package io.visionhub.enterprise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * visionhub.enterprise.* bound as the hub binds it, from the shipped config/enterprise.yaml: the targets map (records
 * in a map bind only through their one constructor), the defaults, and bad values refused naming the key.
 */
class EnterprisePropertiesTest {

    static EnterpriseProperties bindShippedYaml() throws Exception {
        List<PropertySource<?>> yaml =
                new YamlPropertySourceLoader().load("enterprise", new ClassPathResource("config/enterprise.yaml"));
        return new Binder(ConfigurationPropertySources.from(new ArrayList<>(yaml)))
                .bindOrCreate("visionhub.enterprise", EnterpriseProperties.class);
    }

    static EnterpriseProperties bind(Map<String, String> props) {
        return new Binder(new MapConfigurationPropertySource(props))
                .bindOrCreate("visionhub.enterprise", EnterpriseProperties.class);
    }

    @Test
    void theShippedYamlBindsEveryTargetAndMatchesTheDefaults() throws Exception {
        EnterpriseProperties p = bindShippedYaml();
        assertThat(p.targets())
                .containsOnlyKeys(
                        "sap-qm",
                        "sap-pm",
                        "sap-qm-result",
                        "sap-qm-ud",
                        "sap-qm-defect",
                        "maximo",
                        "oracle-wo",
                        "oracle-qi",
                        "webhook");
        assertThat(p.targets().get("sap-qm"))
                .isEqualTo(EnterpriseProperties.Target.of(TargetType.SAP_QM_NOTIFICATION, "simulator:sap")
                        .withBasic("VISIONHUB", "secret")
                        .withSapClient("100"));
        EnterpriseProperties.Target pm = p.targets().get("sap-pm");
        assertThat(pm.auth()).isEqualTo(EnterpriseProperties.AuthType.OAUTH2);
        assertThat(pm.tokenUrl()).isEqualTo("/oauth/token");
        assertThat(pm.ordered()).isTrue();
        EnterpriseProperties.Target webhook = p.targets().get("webhook");
        assertThat(webhook.path()).isEqualTo("/cmms/work-requests");
        assertThat(webhook.signingSecret()).isEqualTo("webhook-demo-secret");
        assertThat(webhook.documentNumberField()).isEqualTo("id");
        assertThat(p.targets().get("maximo").apiKey()).isEqualTo("maximo-demo-key");
        assertThat(p.targets().get("sap-qm-defect").csrfFetchBackoff()).isEqualTo(Duration.ofSeconds(30));

        // the YAML spells out the defaults: binding it and leaving it out give the same settings
        EnterpriseProperties none = EnterpriseProperties.defaults();
        assertThat(p.customer()).isEqualTo(none.customer()).isEqualTo("demo-customer");
        assertThat(p.mappingsDir()).isEqualTo(none.mappingsDir()).isEqualTo("mappings");
        assertThat(p.outbox()).isEqualTo(none.outbox());
        assertThat(p.sync()).isEqualTo(none.sync());
        assertThat(p.rules().severity())
                .containsExactly(
                        Map.entry("crack", "HIGH"),
                        Map.entry("contamination", "HIGH"),
                        Map.entry("dent", "MEDIUM"),
                        Map.entry("scratch", "LOW"));
        assertThat(new EnterpriseProperties.Rules(
                        p.rules().qualityNotificationTarget(),
                        p.rules().maintenanceTarget(),
                        p.rules().maintenanceThreshold(),
                        p.rules().maintenanceWindow(),
                        p.rules().maintenanceClasses(),
                        p.rules().extraNgTargets(),
                        null,
                        p.rules().defaultSeverity(),
                        p.rules().inspectionResultTarget()))
                .isEqualTo(none.rules());
        assertThat(none.outbox().pollInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(none.outbox().concurrency()).isEqualTo(16);
        assertThat(none.sync().productionOrdersCron()).isEqualTo("0 0/1 * * * ?");
    }

    @Test
    void keysOverrideTheDefaults() {
        EnterpriseProperties p = bind(Map.of(
                "visionhub.enterprise.customer", "acme",
                "visionhub.enterprise.outbox.concurrency", "4",
                "visionhub.enterprise.outbox.poll-interval", "50ms",
                "visionhub.enterprise.rules.extra-ng-targets", "maximo,webhook",
                "visionhub.enterprise.sync.master", "true",
                "visionhub.enterprise.targets.erp.type", "WEBHOOK",
                "visionhub.enterprise.targets.erp.url", "https://erp.plant.local",
                "visionhub.enterprise.targets.erp.auth", "APIKEY",
                "visionhub.enterprise.targets.erp.api-key", "k"));
        assertThat(p.customer()).isEqualTo("acme");
        assertThat(p.outbox().concurrency()).isEqualTo(4);
        assertThat(p.outbox().pollInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(p.rules().extraNgTargets()).containsExactly("maximo", "webhook");
        assertThat(p.sync().master()).isTrue();
        assertThat(p.targets().get("erp"))
                .isEqualTo(EnterpriseProperties.Target.of(TargetType.WEBHOOK, "https://erp.plant.local")
                        .withApiKey("k"));
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> bind(Map.of("visionhub.enterprise.outbox.concurrency", "0")))
                .hasStackTraceContaining("visionhub.enterprise.outbox.concurrency must be at least 1, not 0");
        assertThatThrownBy(() -> bind(Map.of("visionhub.enterprise.outbox.max-attempts", "-1")))
                .hasStackTraceContaining("visionhub.enterprise.outbox.max-attempts must be at least 1, not -1");
        assertThatThrownBy(() -> bind(Map.of("visionhub.enterprise.outbox.poll-interval", "0ms")))
                .hasStackTraceContaining("visionhub.enterprise.outbox.poll-interval must be positive");
        assertThatThrownBy(() -> bind(Map.of("visionhub.enterprise.targets.erp.auth", "KERBEROS")))
                .hasStackTraceContaining("visionhub.enterprise.targets.erp.auth");
        Map<String, EnterpriseProperties.Target> empty = new HashMap<>();
        empty.put("erp", null);
        assertThatThrownBy(() -> EnterpriseProperties.defaults().withTargets(empty))
                .hasMessage("visionhub.enterprise.targets.erp is empty");
    }

    @Test
    void copiesChangeOnlyWhatTheyName() {
        EnterpriseProperties.Target t = EnterpriseProperties.Target.of(TargetType.MAXIMO_WORK_ORDER, "http://a")
                .withApiKey("k")
                .withOrdered(true);
        EnterpriseProperties.Target moved = t.withUrl("http://b");
        assertThat(moved.url()).isEqualTo("http://b");
        assertThat(moved)
                .isEqualTo(new EnterpriseProperties.Target(
                        TargetType.MAXIMO_WORK_ORDER,
                        "http://b",
                        "",
                        EnterpriseProperties.AuthType.APIKEY,
                        null,
                        null,
                        null,
                        null,
                        null,
                        "k",
                        null,
                        null,
                        null,
                        true,
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(30),
                        null,
                        "id"));
        assertThat(t.url()).isEqualTo("http://a");
    }
}
