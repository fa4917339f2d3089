package io.visionhub.ledger.heads;

import io.visionhub.ledger.CanonicalJson;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Sends each signed head as JSON to a Camel endpoint (default {@code direct:tree-heads}) when a route consumes
 * it; the shopfloor routes forward it to MQTT. Without such a route the head is only in the file and the API.
 */
public class CamelHeadPublisher implements Consumer<SignedTreeHead> {

    private static final Logger LOG = LoggerFactory.getLogger(CamelHeadPublisher.class);
    private final CamelContext camel;
    private final String uri;
    private ProducerTemplate template;

    public CamelHeadPublisher(CamelContext camel, String uri) {
        this.camel = camel;
        this.uri = uri;
    }

    @Override
    public void accept(SignedTreeHead head) {
        if (!camel.getStatus().isStarted() || !consumed()) {
            LOG.debug("No route consumes {}; head {} not sent there", uri, head.treeSize());
            return;
        }
        synchronized (this) {
            if (template == null) {
                template = camel.createProducerTemplate();
            }
        }
        template.sendBody(uri, CanonicalJson.write(head));
    }

    private boolean consumed() {
        for (Route r : camel.getRoutes()) {
            Endpoint e = r.getEndpoint();
            if (e != null && (e.getEndpointUri().equals(uri) || e.getEndpointBaseUri().equals(uri)
                    || e.getEndpointKey().equals(uri.replace(":", "://")))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "Camel endpoint " + uri;
    }
}
