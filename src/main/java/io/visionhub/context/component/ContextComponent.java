package io.visionhub.context.component;

import io.visionhub.context.ContextEnricher;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code context:} component: {@code context:enrich} puts into the InspectionEvent in the body the production
 * context of its line at its capture time, through the hub's {@link ContextEnricher} (the MES context pushed over REST
 * or OPC UA).
 */
@Component("context")
public class ContextComponent extends DefaultComponent {

    @Metadata(
            description = "The hub's context enricher; looked up in the registry by type when not set",
            autowired = true)
    private ContextEnricher enricher;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (!"enrich".equals(remaining)) {
            throw new IllegalArgumentException("context endpoint " + uri + ": '" + remaining
                    + "' is not an action of the context component; use context:enrich");
        }
        ContextEndpoint endpoint = new ContextEndpoint(uri, this);
        endpoint.setAction(remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (enricher == null) {
            enricher = getCamelContext().getRegistry().findSingleByType(ContextEnricher.class);
        }
        if (enricher == null) {
            throw new IllegalStateException(
                    "context: no ContextEnricher in the registry (io.visionhub.context.ContextConfiguration makes one)");
        }
    }

    public ContextEnricher getEnricher() {
        return enricher;
    }

    public void setEnricher(ContextEnricher enricher) {
        this.enricher = enricher;
    }
}
