package io.visionhub.outputs.opcua;

import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The hub's OPC UA server and the route step that feeds it. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OpcUaServerProperties.class)
public class OpcUaConfiguration {

    @Bean(initMethod = "start", destroyMethod = "stop")
    @ConditionalOnProperty(prefix = "visionhub.opcua", name = "enabled", havingValue = "true", matchIfMissing = true)
    public HubOpcUaServer hubOpcUaServer(OpcUaServerProperties props, @Value("${visionhub.site:site}") String site) {
        return new HubOpcUaServer(props, site);
    }

    @Bean
    public OpcUaResultPublisher opcUaResultPublisher(ObjectProvider<HubOpcUaServer> server) {
        HubOpcUaServer s = server.getIfAvailable();
        if (s == null) {
            LoggerFactory.getLogger(OpcUaConfiguration.class)
                    .info("OPC UA server off (visionhub.opcua.enabled=false): opcUaResultPublisher passes events through");
        }
        return new OpcUaResultPublisher(s);
    }
}
