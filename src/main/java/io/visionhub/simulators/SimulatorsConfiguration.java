package io.visionhub.simulators;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Starts the enterprise simulators with the hub when visionhub.simulators.enabled=true (the demo default). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SimulatorsProperties.class)
public class SimulatorsConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "visionhub.simulators", name = "enabled", havingValue = "true", matchIfMissing = true)
    public EnterpriseSimulators enterpriseSimulators(SimulatorsProperties properties) {
        return EnterpriseSimulators.start(properties);
    }
}
