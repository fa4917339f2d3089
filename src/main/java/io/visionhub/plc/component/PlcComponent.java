package io.visionhub.plc.component;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.visionhub.opcua.client.OpcUaClientSessions;
import io.visionhub.plc.PlcFailSafeRecorder;
import io.visionhub.plc.PlcHandshakes;
import io.visionhub.plc.PlcProperties;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code plc:} component: {@code plc:<station>} as a consumer emits one exchange per PLC trigger of the station;
 * as a producer it writes the inspection result in the body to the station's PLC within the part's deadline. The
 * handshakes (one per PLC, {@code visionhub.plc.*}, docs/plc.md) do the protocol work; the component makes them from
 * its {@code properties} when it starts (threads from Camel's ExecutorServiceManager) and closes them when it stops.
 */
@Component("plc")
public class PlcComponent extends DefaultComponent {

    @Metadata(
            label = "advanced",
            description = "PLC handshakes made elsewhere (tests, benchmarks); when not set the "
                    + "component makes them from properties")
    private PlcHandshakes handshakes;

    @Metadata(
            description =
                    "The PLC settings (the hub sets them from visionhub.plc): endpoints, station address maps, cycle budget, fail-safe")
    private PlcProperties properties;

    @Metadata(
            label = "advanced",
            description = "Micrometer registry for the PLC metrics (visionhub.plc.triggers, writes, failsafe...)")
    private MeterRegistry meterRegistry;

    @Metadata(label = "advanced", description = "Where each part's fail-safe is recorded (the ledger in the hub)")
    private PlcFailSafeRecorder failSafeRecorder = PlcFailSafeRecorder.NONE;

    @Metadata(
            label = "advanced",
            description = "The hub's shared OPC UA client sessions: a PLC and the MES context subscription on the same "
                    + "server with the same security settings use one session; when not set each PLC has its own")
    private OpcUaClientSessions clientSessions;

    private boolean ownsHandshakes;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("plc: needs a station, e.g. plc:station-2");
        }
        PlcEndpoint endpoint = new PlcEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (handshakes == null && properties != null && properties.enabled()) {
            handshakes = new PlcHandshakes(
                    properties,
                    meterRegistry != null ? meterRegistry : new SimpleMeterRegistry(),
                    failSafeRecorder,
                    getCamelContext().getExecutorServiceManager(),
                    clientSessions);
            ownsHandshakes = true;
            handshakes.start();
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (ownsHandshakes && handshakes != null) {
            handshakes.close();
            handshakes = null;
            ownsHandshakes = false;
        }
        super.doStop();
    }

    public PlcProperties getProperties() {
        return properties;
    }

    public void setProperties(PlcProperties properties) {
        this.properties = properties;
    }

    public MeterRegistry getMeterRegistry() {
        return meterRegistry;
    }

    public void setMeterRegistry(MeterRegistry meterRegistry) {
        this.meterRegistry = meterRegistry;
    }

    public PlcFailSafeRecorder getFailSafeRecorder() {
        return failSafeRecorder;
    }

    public void setFailSafeRecorder(PlcFailSafeRecorder failSafeRecorder) {
        this.failSafeRecorder = failSafeRecorder;
    }

    public OpcUaClientSessions getClientSessions() {
        return clientSessions;
    }

    public void setClientSessions(OpcUaClientSessions clientSessions) {
        this.clientSessions = clientSessions;
    }

    public PlcHandshakes getHandshakes() {
        return handshakes;
    }

    public void setHandshakes(PlcHandshakes handshakes) {
        this.handshakes = handshakes;
    }
}
