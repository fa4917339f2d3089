package io.visionhub.broker;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Starts the embedded MQTT broker when no external broker is configured (visionhub.mqtt.broker-url empty). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BrokerProperties.class)
public class BrokerConfiguration {

    @Bean(initMethod = "start", destroyMethod = "stop")
    @ConditionalOnExpression("'${visionhub.mqtt.broker-url:}'.isBlank() and ${visionhub.broker.enabled:true}")
    public EmbeddedMqttBroker embeddedMqttBroker(BrokerProperties props) {
        return EmbeddedMqttBroker.of(props);
    }
}
