package io.visionhub.context.component;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * {@code context:enrich}: the {@link io.visionhub.event.InspectionEvent} in the body gets the production context
 * (order, product, batch, shift, spec limits) that applied on its line at its capture time; an event with no
 * context for its line gets {@code contextStatus MISSING}, never an older one. Place it before {@code ledger:record}:
 * the record holds the context the event got.
 */
@UriEndpoint(
        firstVersion = "1.0.0",
        scheme = "context",
        title = "Production context",
        syntax = "context:action",
        producerOnly = true,
        category = {Category.TRANSFORMATION})
public class ContextEndpoint extends DefaultEndpoint {

    @UriPath(description = "What to do with the event in the body: enrich (with its line's context)", enums = "enrich")
    @Metadata(required = true)
    private String action;

    public ContextEndpoint(String uri, ContextComponent component) {
        super(uri, component);
    }

    @Override
    public ContextComponent getComponent() {
        return (ContextComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new ContextProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("context: only enriches events (to:)");
    }

    public String getAction() {
        return action;
    }

    public void setAction(String action) {
        this.action = action;
    }
}
