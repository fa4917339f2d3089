package io.visionhub.cluster;

import io.visionhub.vision.component.VisionEndpoint;
import java.util.function.Function;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.NamedNode;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.CamelContextHelper;

/**
 * Puts each camera route of a clustered station under Camel's {@code ClusteredRoutePolicy} on
 * {@link StationClusterService}: the route (its {@code vision:<station>} consumer) runs only on the node holding the
 * station's lease. A camera route that does not start by itself ({@code autoStartup: false}) and is started by
 * something else gets {@link OnDemandStationRoutePolicy} instead: it runs only where the lease is held. Routes of
 * other stations, and routes that do not start from a camera, are left alone.
 */
public class StationRoutePolicyFactory implements RoutePolicyFactory {

    private final StationClusterService service;
    private final StationOwnership ownership;
    private final Function<Endpoint, String> stationOf;

    public StationRoutePolicyFactory(StationClusterService service, StationOwnership ownership) {
        this(service, ownership, e -> e instanceof VisionEndpoint v ? v.getStation() : null);
    }

    /** With another way to tell a route's station from its consumer endpoint (tests). */
    public StationRoutePolicyFactory(
            StationClusterService service, StationOwnership ownership, Function<Endpoint, String> stationOf) {
        this.service = service;
        this.ownership = ownership;
        this.stationOf = stationOf;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        org.apache.camel.model.RouteDefinition def = (org.apache.camel.model.RouteDefinition) route;
        Endpoint from = camelContext.getEndpoint(def.getInput().getEndpointUri());
        String station = stationOf.apply(from);
        if (station == null || !ownership.stations().contains(station)) {
            return null;
        }
        if (!autoStartup(camelContext, def)) {
            // started by something else (controlbus, Hawtio): ClusteredRoutePolicy would leave it alone
            return new OnDemandStationRoutePolicy(service, station);
        }
        try {
            ClusteredRoutePolicy policy = ClusteredRoutePolicy.forNamespace(service, station);
            policy.setCamelContext(camelContext);
            return policy;
        } catch (Exception e) {
            throw RuntimeCamelException.wrapRuntimeException(e);
        }
    }

    private static boolean autoStartup(CamelContext camelContext, org.apache.camel.model.RouteDefinition def) {
        String value = def.getAutoStartup();
        if (value == null) {
            return !Boolean.FALSE.equals(camelContext.isAutoStartup());
        }
        Boolean parsed = CamelContextHelper.parseBoolean(camelContext, value);
        return parsed == null || parsed;
    }
}
