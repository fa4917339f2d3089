package io.visionhub.ledger.camel;

import io.micrometer.core.instrument.MeterRegistry;
import io.visionhub.ledger.JdbcInspectionLedger;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code ledger:} component: {@code ledger:record} appends inspections to the hub's tamper-evident ledger,
 * {@code ledger:heads} emits each signed tree head. The ledger itself is built and started by Spring
 * (io.visionhub.ledger.LedgerConfiguration, bean {@code inspectionLedger}) because the API, the CLI and the
 * outbox use it without routes; the component only looks it up.
 */
@Component("ledger")
public class LedgerComponent extends DefaultComponent {

    @Metadata(
            description = "The ledger the endpoints append to and take heads from; looked up by type (the "
                    + "application's inspectionLedger bean) when not set",
            autowired = true)
    private JdbcInspectionLedger ledger;

    @Metadata(
            description = "Micrometer registry for the record timer visionhub.flow.record; looked up by type, "
                    + "none: no timer",
            autowired = true)
    private MeterRegistry meterRegistry;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        LedgerEndpoint endpoint = new LedgerEndpoint(uri, this);
        endpoint.setKind(LedgerEndpoint.Kind.parse(remaining, uri));
        setProperties(endpoint, parameters);
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (ledger == null) {
            ledger = getCamelContext().getRegistry().findSingleByType(JdbcInspectionLedger.class);
        }
        if (meterRegistry == null) {
            meterRegistry = getCamelContext().getRegistry().findSingleByType(MeterRegistry.class);
        }
    }

    /** The ledger, or a clear error naming what is missing (a route uses ledger: in a context without one). */
    JdbcInspectionLedger requireLedger() {
        if (ledger == null) {
            throw new IllegalStateException("the ledger: component found no ledger: no bean of type "
                    + JdbcInspectionLedger.class.getSimpleName() + " in the registry (set the component's ledger "
                    + "option, or run the hub's application context)");
        }
        return ledger;
    }

    public JdbcInspectionLedger getLedger() {
        return ledger;
    }

    /** The ledger the endpoints append to and take heads from. */
    public void setLedger(JdbcInspectionLedger ledger) {
        this.ledger = ledger;
    }

    public MeterRegistry getMeterRegistry() {
        return meterRegistry;
    }

    /** Micrometer registry for the record timer (visionhub.flow.record). */
    public void setMeterRegistry(MeterRegistry meterRegistry) {
        this.meterRegistry = meterRegistry;
    }
}
