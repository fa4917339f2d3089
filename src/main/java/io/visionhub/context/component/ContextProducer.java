package io.visionhub.context.component;

import io.visionhub.event.InspectionEvent;
import io.visionhub.outputs.InspectionEventBody;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;

/** Replaces the body with the same event carrying its line's production context (a lookup in memory). */
public class ContextProducer extends DefaultProducer {

    public ContextProducer(ContextEndpoint endpoint) {
        super(endpoint);
    }

    @Override
    public ContextEndpoint getEndpoint() {
        return (ContextEndpoint) super.getEndpoint();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        InspectionEvent event = InspectionEventBody.require(exchange, "context:enrich gives inspections their context");
        exchange.getMessage().setBody(getEndpoint().getComponent().getEnricher().enrich(event));
    }
}
