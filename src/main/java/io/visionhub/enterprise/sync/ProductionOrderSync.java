package io.visionhub.enterprise.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visionhub.enterprise.DeliveryException;
import io.visionhub.enterprise.DeliveryInput;
import io.visionhub.enterprise.EnterpriseTargets;
import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.mapping.MappingException;
import io.visionhub.event.EventJson;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The work of the scheduled syncs: turns what camel-sap-netweaver read from A_ProductionOrder_2 into
 * {@link ProductionOrderOffer}s, keeps the latest offers, and pushes one quality summary (usage decision of
 * the order's inspection lot, through the summary target's mapping and client, looked up before creating)
 * per completed order.
 */
public class ProductionOrderSync {

    private static final Logger LOG = LoggerFactory.getLogger(ProductionOrderSync.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcTemplate jdbc;
    private final EnterpriseTargets targets;
    private final MappingEngine mappings;
    private final String customer;
    private final String summaryTarget;
    private final Map<String, ProductionOrderOffer> offers = new ConcurrentHashMap<>();
    private final Set<String> summarised = ConcurrentHashMap.newKeySet();

    public ProductionOrderSync(
            DataSource dataSource,
            EnterpriseTargets targets,
            MappingEngine mappings,
            String customer,
            String summaryTarget) {
        this.jdbc = dataSource == null ? null : new JdbcTemplate(dataSource);
        this.targets = targets;
        this.mappings = mappings;
        this.customer = customer;
        this.summaryTarget = summaryTarget;
    }

    /** Orders from a camel-sap-netweaver answer (JSON string or jsonAsMap/flatternMap Map). */
    public List<ProductionOrderOffer> toOffers(Object body) throws Exception {
        JsonNode n = body instanceof String s ? JSON.readTree(s) : JSON.valueToTree(body);
        JsonNode results = n.has("d") ? n.path("d").path("results") : n.has("results") ? n.path("results") : n;
        if (!results.isArray()) {
            throw new IllegalArgumentException(
                    "SAP answered A_ProductionOrder_2 without a results list: " + abbreviate(n.toString()));
        }
        List<ProductionOrderOffer> out = new ArrayList<>();
        for (JsonNode o : results) {
            String order = o.path("ManufacturingOrder").asText("");
            if (order.isEmpty()) {
                continue;
            }
            ProductionOrderOffer offer = new ProductionOrderOffer(
                    order,
                    o.path("Material").asText(null),
                    o.path("ProductionPlant").asText(null),
                    o.path("TotalQuantity").asText(null),
                    o.path("ProductionUnit").asText(null),
                    o.path("ManufacturingOrderType").asText(null),
                    o.path("OrderIsReleased").asBoolean(false),
                    o.path("OrderIsTechnicallyCompleted").asBoolean(false));
            offers.put(order, offer);
            out.add(offer);
        }
        LOG.info(
                "Production order sync: {} order(s) read from SAP: {}",
                out.size(),
                out.stream().map(ProductionOrderOffer::productionOrder).toList());
        return out;
    }

    /** The latest offers (released orders as SAP last reported them). */
    public Collection<ProductionOrderOffer> offers() {
        return List.copyOf(offers.values());
    }

    /** The order's quality summary from the recorded inspections, or empty when the hub saw none. */
    public Optional<QualitySummary> summarise(String order) {
        if (jdbc == null) {
            return Optional.empty();
        }
        Map<String, Long> byResult = new LinkedHashMap<>();
        jdbc.query(
                "SELECT result, COUNT(*) AS n FROM inspection WHERE production_order = ? GROUP BY result",
                rs -> {
                    byResult.put(rs.getString("result"), rs.getLong("n"));
                },
                order);
        long total = byResult.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return Optional.empty();
        }
        String lot = jdbc
                .query(
                        "SELECT event_json FROM inspection_event WHERE production_order = ? ORDER BY ledger_seq DESC LIMIT 1",
                        (rs, i) -> rs.getString(1),
                        order)
                .stream()
                .findFirst()
                .map(json -> EventJson.fromJson(json).context())
                .map(ctx -> ctx.inspectionLot())
                .orElse(null);
        return Optional.of(new QualitySummary(
                order,
                lot,
                total,
                byResult.getOrDefault("OK", 0L),
                byResult.getOrDefault("NG", 0L),
                byResult.getOrDefault("UNCERTAIN", 0L)));
    }

    /**
     * Pushes the summaries of completed orders not pushed yet; returns the document numbers by order. An order
     * without an inspection lot or without inspections is skipped (logged).
     */
    public Map<String, String> pushCompleted(List<ProductionOrderOffer> orders) {
        Map<String, String> pushed = new LinkedHashMap<>();
        if (summaryTarget == null || summaryTarget.isBlank()) {
            return pushed;
        }
        for (ProductionOrderOffer o : orders) {
            if (!o.technicallyCompleted() || summarised.contains(o.productionOrder())) {
                continue;
            }
            Optional<QualitySummary> s = summarise(o.productionOrder());
            if (s.isEmpty() || s.get().inspectionLot() == null) {
                LOG.info(
                        "Quality summary of completed order {} not pushed: {}",
                        o.productionOrder(),
                        s.isEmpty() ? "no inspections recorded for it" : "its context has no inspection lot");
                summarised.add(o.productionOrder());
                continue;
            }
            try {
                String number = push(s.get());
                summarised.add(o.productionOrder());
                pushed.put(o.productionOrder(), number);
                LOG.info(
                        "Quality summary of order {} ({} inspected, {} NG) pushed to {} as {}",
                        o.productionOrder(),
                        s.get().total(),
                        s.get().ng(),
                        summaryTarget,
                        number);
            } catch (DeliveryException e) {
                LOG.warn(
                        "Quality summary of order {} not pushed to {} (next run tries again): {}",
                        o.productionOrder(),
                        summaryTarget,
                        e.getMessage());
            }
        }
        return pushed;
    }

    /** Maps and delivers one summary (idempotent: the usage decision is looked up by inspection lot first). */
    public String push(QualitySummary s) {
        var t = targets.config(summaryTarget);
        String mapping = t.mapping() == null || t.mapping().isBlank() ? summaryTarget : t.mapping();
        String cust = t.customer() == null || t.customer().isBlank() ? customer : t.customer();
        String key = "SUMMARY|" + s.order();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("order", s.order());
        summary.put("inspectionLot", s.inspectionLot());
        summary.put("total", s.total());
        summary.put("ok", s.ok());
        summary.put("ng", s.ng());
        summary.put("uncertain", s.uncertain());
        summary.put("ngRate", s.ngRate());
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("summary", summary);
        input.put(
                "delivery",
                Map.of(
                        "target",
                        summaryTarget,
                        "documentType",
                        "USAGE_DECISION",
                        "key",
                        key,
                        "reference",
                        key,
                        "reference20",
                        DeliveryInput.reference20(key)));
        input.put("customer", cust);
        try {
            return targets.client(summaryTarget).deliver(mappings.map(cust, mapping, input), key, true);
        } catch (MappingException e) {
            throw new DeliveryException(e.getMessage(), true, 0, e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }
}
