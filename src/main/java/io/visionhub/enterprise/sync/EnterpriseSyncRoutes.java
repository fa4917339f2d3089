package io.visionhub.enterprise.sync;

import io.visionhub.enterprise.EnterpriseProperties;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.apache.camel.builder.RouteBuilder;

/**
 * Scheduled syncs (Quartz; with {@code master=true} wrapped in camel-master so that only one node of the
 * cluster runs them — needs a CamelClusterService bean such as camel-hazelcast's HazelcastClusterService):
 * <ul>
 *   <li>{@code sync-production-orders}: reads released orders from SAP through camel-sap-netweaver
 *       (GET A_ProductionOrder_2, $filter OrderIsReleased eq true) and sends each {@link ProductionOrderOffer}
 *       to {@value #OFFERS_ENDPOINT}, whose default consumer keeps them in the {@link ProductionOrderSync} bean
 *       and logs them (the context concern can consume this endpoint instead to turn offers into context);</li>
 *   <li>{@code sync-quality-summary}: reads technically completed orders the same way and pushes one
 *       quality summary (usage decision of the order's inspection lot) per completed order.</li>
 * </ul>
 */
public class EnterpriseSyncRoutes extends RouteBuilder {

    public static final String OFFERS_ENDPOINT = "direct:enterprise-production-orders";

    private final EnterpriseProperties.Sync config;
    private final String sapBaseUrl;
    private final ProductionOrderSync sync;
    private final String ordersTrigger;
    private final String summaryTrigger;

    /**
     * @param sapBaseUrl     resolved base URL of the SAP system (simulator: urls already resolved)
     * @param ordersTrigger  endpoint that starts the order pull (quartz by default; tests use direct:)
     * @param summaryTrigger endpoint that starts the summary push
     */
    public EnterpriseSyncRoutes(
            EnterpriseProperties.Sync config,
            String sapBaseUrl,
            ProductionOrderSync sync,
            String ordersTrigger,
            String summaryTrigger) {
        this.config = config;
        this.sapBaseUrl = sapBaseUrl.replaceAll("/$", "");
        this.sync = sync;
        this.ordersTrigger = ordersTrigger;
        this.summaryTrigger = summaryTrigger;
    }

    /** Quartz triggers from the configured crons, wrapped in master: when configured. */
    public static EnterpriseSyncRoutes scheduled(
            EnterpriseProperties.Sync config, String sapBaseUrl, ProductionOrderSync sync) {
        String orders = "quartz:enterprise/production-orders?cron="
                + config.productionOrdersCron().trim().replace(' ', '+');
        String summary = "quartz:enterprise/quality-summary?cron="
                + config.qualitySummaryCron().trim().replace(' ', '+');
        if (config.master()) {
            orders = "master:enterprise-production-orders:" + orders;
            summary = "master:enterprise-quality-summary:" + summary;
        }
        return new EnterpriseSyncRoutes(config, sapBaseUrl, sync, orders, summary);
    }

    @Override
    public void configure() {
        String netweaver = "sap-netweaver:" + sapBaseUrl + "/sap/opu/odata/sap/API_PRODUCTION_ORDER_2_SRV?username="
                + enc(config.sapUsername()) + "&password=RAW(" + config.sapPassword()
                + ")&json=true&jsonAsMap=false";
        String client = config.sapClient() == null || config.sapClient().isBlank()
                ? ""
                : "sap-client=" + config.sapClient() + "&";

        from(ordersTrigger)
                .routeId("sync-production-orders")
                .routeDescription(
                        "Pulls released production orders from SAP (camel-sap-netweaver) and offers them as context")
                .errorHandler(defaultErrorHandler()
                        .maximumRedeliveries(2)
                        .redeliveryDelay(2000)
                        .logExhaustedMessageHistory(false))
                .setHeader(
                        "CamelNetWeaverCommand",
                        constant("A_ProductionOrder_2?" + client + "$filter=OrderIsReleased%20eq%20true&$top=500"))
                .to(netweaver)
                .bean(sync, "toOffers")
                .split(body())
                .to(OFFERS_ENDPOINT)
                .end();

        from(OFFERS_ENDPOINT)
                .routeId("sync-production-order-offers")
                .routeDescription("Default consumer of production order offers: kept by the sync bean, logged")
                .log("Production order offered as context: ${body}");

        from(summaryTrigger)
                .routeId("sync-quality-summary")
                .routeDescription("Pushes a quality summary per completed production order to the ERP")
                .errorHandler(defaultErrorHandler()
                        .maximumRedeliveries(2)
                        .redeliveryDelay(2000)
                        .logExhaustedMessageHistory(false))
                .setHeader(
                        "CamelNetWeaverCommand",
                        constant("A_ProductionOrder_2?" + client
                                + "$filter=OrderIsTechnicallyCompleted%20eq%20true&$top=500"))
                .to(netweaver)
                .bean(sync, "toOffers")
                .bean(sync, "pushCompleted");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }
}
