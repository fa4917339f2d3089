package io.visionhub.opcua.client;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The hub's OPC UA client sessions, shared by the PLC handshake ({@code plc:} component) and the MES context
 * subscription: closed after both have let go (Camel and the subscription stop before beans are destroyed).
 */
@Configuration(proxyBeanMethods = false)
public class OpcUaClientConfiguration {

    @Bean(destroyMethod = "close")
    public OpcUaClientSessions opcUaClientSessions() {
        return new OpcUaClientSessions();
    }
}
