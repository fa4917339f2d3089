package io.visionhub.enterprise.component;

import io.visionhub.enterprise.DeliveryService;
import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code enterprise:} component: one endpoint per configured target (visionhub.enterprise.targets.&lt;name&gt;),
 * sharing the hub's {@link DeliveryService} (targets, clients, mappings). Connection and credentials belong to the
 * target's configuration, not to endpoints, because the outbox deliverer makes durable documents outside any route
 * and must use the same ones.
 */
@Component("enterprise")
public class EnterpriseComponent extends DefaultComponent {

    @Metadata(
            description = "The hub's delivery service (targets, connector clients, mappings); looked up by type "
                    + "when not set",
            autowired = true)
    private DeliveryService deliveryService;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("enterprise endpoint " + uri + " needs a target: enterprise:<target> "
                    + "(a name under visionhub.enterprise.targets)");
        }
        EnterpriseEndpoint endpoint = new EnterpriseEndpoint(uri, this);
        endpoint.setTarget(remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** The delivery service, looked up in the registry on first use when none was set. */
    DeliveryService deliveryService() {
        if (deliveryService == null) {
            deliveryService = getCamelContext().getRegistry().findSingleByType(DeliveryService.class);
            if (deliveryService == null) {
                throw new IllegalStateException("the enterprise component needs the hub's DeliveryService bean "
                        + "(io.visionhub.enterprise.EnterpriseConfiguration)");
            }
        }
        return deliveryService;
    }

    public DeliveryService getDeliveryService() {
        return deliveryService;
    }

    public void setDeliveryService(DeliveryService deliveryService) {
        this.deliveryService = deliveryService;
    }
}
