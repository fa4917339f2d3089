package io.visionhub.plc;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.opcua.client.OpcUaClientSessions;
import io.visionhub.plc.component.PlcComponent;
import org.apache.camel.CamelContext;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code plc:} component with the PLC handshakes (visionhub.plc.enabled), which it starts and stops. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(PlcProperties.class)
public class PlcConfiguration {

    @Bean(name = "plc")
    public PlcComponent plcComponent(
            PlcProperties props,
            ObjectProvider<MeterRegistry> meters,
            ObjectProvider<JdbcInspectionLedger> ledger,
            ObjectProvider<OpcUaClientSessions> sessions) {
        PlcComponent c = new PlcComponent();
        if (props.enabled()) {
            JdbcInspectionLedger l = ledger.getIfAvailable();
            c.setProperties(props);
            c.setMeterRegistry(meters.getIfAvailable(SimpleMeterRegistry::new));
            // one session per OPC UA server, shared with the MES context subscription when it has the same settings
            c.setClientSessions(sessions.getIfAvailable());
            // every part that gets the fail-safe instead of its result is a ledger record (PLC_FAIL_SAFE)
            c.setFailSafeRecorder(l == null ? PlcFailSafeRecorder.NONE : new LedgerPlcFailSafeRecorder(l));
        }
        return c;
    }

    /**
     * With a PLC configured, the component (and so the PLC sessions) starts with Camel, not with the first result
     * that a dynamic {@code toD: plc:...} step writes: the first part does not wait for the connection.
     */
    @Bean
    public CamelContextConfiguration plcStartsWithCamel(PlcProperties props) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camel) {
                // nothing before the routes
            }

            @Override
            public void afterApplicationStart(CamelContext camel) {
                if (props.enabled()) {
                    camel.getComponent("plc", true, true);
                }
            }
        };
    }

    /** Health "plc": with PLCs configured, UP while each answers, DEGRADED while one is down. */
    @Bean
    @ConditionalOnProperty(prefix = "visionhub.plc", name = "enabled", havingValue = "true")
    public PlcHealthIndicator plcHealthIndicator(PlcComponent plc) {
        return new PlcHealthIndicator(plc);
    }
}
