package io.visionhub.plc;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.ProducerTemplate;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The PLC handshake (visionhub.plc.enabled) and its route step. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PlcProperties.class)
public class PlcConfiguration {

    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnProperty(prefix = "visionhub.plc", name = "enabled", havingValue = "true")
    public PlcHandshakes plcHandshakes(PlcProperties props, ObjectProvider<MeterRegistry> meters,
                                       ObjectProvider<ProducerTemplate> producer) {
        return new PlcHandshakes(props, meters.getIfAvailable(SimpleMeterRegistry::new),
                trigger -> producer.getObject().asyncSendBody(props.getTriggerEndpoint(), trigger));
    }

    @Bean
    public PlcResultWriter plcResultWriter(ObjectProvider<PlcHandshakes> handshakes) {
        PlcHandshakes h = handshakes.getIfAvailable();
        return new PlcResultWriter(h == null ? station -> null : h::forStation);
    }
}
