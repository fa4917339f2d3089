package io.visionhub.simulators;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The demo's enterprise simulators (this source set, src/demo, is not in the production jar): started when
 * visionhub.simulators.enabled=true (config/simulators.yaml of the demo says so), and the resolver of the
 * {@code simulator:<name>} target urls.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SimulatorsProperties.class)
public class SimulatorsConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(prefix = "visionhub.simulators", name = "enabled", havingValue = "true")
    public EnterpriseSimulators enterpriseSimulators(SimulatorsProperties properties) {
        return EnterpriseSimulators.start(properties);
    }

    /** Also without running simulators, so that a simulator: url says that they are off. */
    @Bean
    public SimulatorUrlResolver simulatorUrlResolver(ObjectProvider<EnterpriseSimulators> simulators) {
        return new SimulatorUrlResolver(simulators.getIfAvailable());
    }
}
