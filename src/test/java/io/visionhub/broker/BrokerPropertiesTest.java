package io.visionhub.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** visionhub.broker.* bound as the hub binds it: defaults, the YAML keys, and bad values refused naming the key. */
class BrokerPropertiesTest {

    static BrokerProperties bind(Map<String, String> yaml) {
        return new Binder(new MapConfigurationPropertySource(yaml))
                .bindOrCreate("visionhub.broker", BrokerProperties.class);
    }

    @Test
    void defaultsAndKeys() {
        assertThat(bind(Map.of())).isEqualTo(new BrokerProperties(true, 1883, "127.0.0.1", "data/broker", "in-memory"));
        BrokerProperties p = bind(Map.of(
                "visionhub.broker.enabled", "false",
                "visionhub.broker.port", "0",
                "visionhub.broker.bind-address", "0.0.0.0",
                "visionhub.broker.data-dir", "/var/lib/hub/broker",
                "visionhub.broker.persistence", "file"));
        assertThat(p).isEqualTo(new BrokerProperties(false, 0, "0.0.0.0", "/var/lib/hub/broker", "file"));
    }

    @Test
    void aPortOutOfRangeOrAnUnknownPersistenceIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> bind(Map.of("visionhub.broker.port", "70000")))
                .hasStackTraceContaining("visionhub.broker.port must be 0 (any free port) to 65535, not 70000");
        assertThatThrownBy(() -> bind(Map.of("visionhub.broker.persistence", "disk")))
                .hasStackTraceContaining("visionhub.broker.persistence must be in-memory or file, not 'disk'");
    }
}
