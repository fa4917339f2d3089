package io.visionhub.api;

import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ModelLifecycleStrategy;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;

/**
 * Puts every route of the REST DSL (about 30 operations under /api, of every concern) in the Camel route group
 * {@value #GROUP}, so that Hawtio's Camel tree and the route lists show them in their own folder, apart from the
 * station routes of routes/*.yaml (group {@code stations} there). A route that names its own group keeps it.
 * <p>
 * Hawtio lists the group folders in the order of each folder's alphabetically first route id (it sorts the routes,
 * then makes a folder when it meets a group first). The REST routes' ids therefore all start with
 * {@value #ROUTE_ID_PREFIX} ({@code rest-context-put}, {@code rest-ledger-verify}, ...), which sorts after the
 * station routes' ids (the demo's {@code demo-mes-simulator}, {@code inspection}): the stations folder comes first.
 */
@Component
public class ApiRouteGroup implements CamelContextConfiguration, ModelLifecycleStrategy {

    public static final String GROUP = "api";
    /** How the ids of the REST routes begin (set in each RouteBuilder, checked by HawtioRouteDiagramTest). */
    public static final String ROUTE_ID_PREFIX = "rest-";

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // before the route builders are added, so that every REST route passes here
        ((ModelCamelContext) camelContext).addModelLifecycleStrategy(this);
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        // nothing
    }

    @Override
    public void onAddRouteDefinition(RouteDefinition route) {
        if (route.getGroup() == null && Boolean.TRUE.equals(route.isRest())) {
            route.setGroup(GROUP);
        }
    }

    @Override
    public void onRemoveRouteDefinition(RouteDefinition route) {
        // nothing to undo
    }

    @Override
    public void onAddRouteTemplateDefinition(RouteTemplateDefinition template) {
        // templates are not REST operations
    }

    @Override
    public void onRemoveRouteTemplateDefinition(RouteTemplateDefinition template) {
        // nothing to undo
    }
}
