package io.visionhub.enterprise;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.mapping.MappingException;
import io.visionhub.enterprise.rules.SeverityPolicy;
import io.visionhub.event.InspectionEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One delivery: the target's mapping turns the event into the payload, the target's client creates the
 * document idempotently, the document number comes back. Used by the outbox deliverer and by the sink
 * kamelets. A mapping error becomes a permanent {@link DeliveryException} naming the template file.
 */
public class DeliveryService {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryService.class);

    private final EnterpriseTargets targets;
    private final MappingEngine mappings;
    private final SeverityPolicy severity;
    private final String defaultCustomer;
    private final String site;

    public DeliveryService(
            EnterpriseTargets targets,
            MappingEngine mappings,
            SeverityPolicy severity,
            String defaultCustomer,
            String site) {
        this.targets = targets;
        this.mappings = mappings;
        this.severity = severity;
        this.defaultCustomer = defaultCustomer;
        this.site = site;
    }

    public EnterpriseTargets targets() {
        return targets;
    }

    /** sources of documents that are not one inspection's, by the delivery-key prefix they own */
    private final Map<String, GroupDocuments> groupDocuments = new ConcurrentHashMap<>();

    /** Registers the source of documents that cover several inspections (NCRs and their items). */
    public void setGroupDocuments(GroupDocuments groupDocuments) {
        setGroupDocuments("NCR|", groupDocuments);
    }

    /**
     * Registers (or replaces) the source of the documents whose delivery keys start with {@code keyPrefix}: NCRs
     * ({@code NCR|}), quality alarms ({@code ALARM|}).
     */
    public void setGroupDocuments(String keyPrefix, GroupDocuments source) {
        groupDocuments.put(keyPrefix, source);
    }

    /**
     * Whether the target adds items to its documents (an NCR's parts become items there): SAP QM notifications
     * (their client is an {@link ItemTargetClient}); told from the configured type, without building the client.
     */
    public boolean takesItems(String target) {
        return targets.config(target).type() == TargetType.SAP_QM_NOTIFICATION;
    }

    /** The payload the target's mapping makes for this delivery (also used to preview a mapping). */
    public ObjectNode payload(InspectionEvent event, String target, String documentType, String key, int attempt) {
        return payload(event, target, documentType, key, DeliveryInput.reference20(key), attempt);
    }

    /** The payload, with the outbox row's stored short reference as {@code delivery.reference20}. */
    public ObjectNode payload(
            InspectionEvent event, String target, String documentType, String key, String reference20, int attempt) {
        return payload(
                event, target, documentType, key, reference20, attempt, null, null, extra(target, documentType, key));
    }

    /**
     * The payload, with the customer folder and template name of the target's configuration unless
     * {@code customerOverride}/{@code mappingOverride} name others (an {@code enterprise:} endpoint in direct mode).
     */
    private ObjectNode payload(
            InspectionEvent event,
            String target,
            String documentType,
            String key,
            String reference20,
            int attempt,
            String customerOverride,
            String mappingOverride,
            GroupDocuments.Extra extra) {
        EnterpriseProperties.Target t = targets.config(target);
        String customer = firstSet(customerOverride, t.customer(), defaultCustomer);
        String mapping = firstSet(mappingOverride, t.mapping(), target);
        try {
            if (event == null && extra == null) {
                throw DeliveryException.permanentFailure(
                        "delivery " + key + " has no inspection and no document source owns its key");
            }
            Map<String, Object> input = DeliveryInput.of(
                    event,
                    target,
                    documentType,
                    key,
                    reference20,
                    attempt,
                    event == null ? null : severity.severityOf(event),
                    site,
                    customer);
            if (extra != null) {
                input.putAll(extra.input());
                mapping = mapping + extra.mappingSuffix();
            }
            return mappings.map(customer, mapping, input);
        } catch (MappingException e) {
            throw new DeliveryException(e.getMessage(), true, 0, e);
        }
    }

    private GroupDocuments.Extra extra(String target, String documentType, String key) {
        for (Map.Entry<String, GroupDocuments> g : groupDocuments.entrySet()) {
            if (key != null && key.startsWith(g.getKey())) {
                GroupDocuments.Extra extra = g.getValue().inputFor(target, documentType, key);
                if (extra != null) {
                    return extra;
                }
            }
        }
        return null;
    }

    private static String firstSet(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    /** The severity (HIGH, MEDIUM, LOW) a mapping sees for this event. */
    public String severityOf(InspectionEvent event) {
        return severity.severityOf(event);
    }

    /**
     * Delivers now, without an outbox row ({@code enterprise:} endpoints in direct mode): key = inspection id,
     * looked up before creating (a repeated exchange finds its document; nothing counts attempts here).
     *
     * @param customerOverride customer folder instead of the target's (null: the target's)
     * @param mappingOverride  template name instead of the target's (null: the target's)
     */
    public String deliverNow(
            InspectionEvent event,
            String target,
            String documentType,
            String customerOverride,
            String mappingOverride) {
        String key = event.id();
        ObjectNode payload = payload(
                event,
                target,
                documentType,
                key,
                DeliveryInput.reference20(key),
                2,
                customerOverride,
                mappingOverride,
                null); // key = inspection id: never a group document
        String number = targets.client(target).deliver(payload, key, true);
        LOG.debug("{} {} for inspection {} delivered now: document {}", target, documentType, key, number);
        return number;
    }

    /**
     * Delivers without an outbox row (tests); the reference is derived from the key and
     * the lookup before create runs from attempt 2 on.
     */
    public String deliver(InspectionEvent event, String target, String documentType, String key, int attempt) {
        return deliver(event, target, documentType, key, DeliveryInput.reference20(key), attempt, attempt > 1);
    }

    /**
     * Delivers; returns the document number. {@code event} is null for a document that is no inspection's (a quality
     * alarm): then the source registered for its key gives the whole input.
     *
     * @param reference20 the short reference the outbox stored for the row (the same on every attempt)
     * @param mayExist    an earlier attempt may have reached the target (the outbox row's may_have_reached flag,
     *                    which a retry of a parked row does not clear): look the document up before creating it
     */
    public String deliver(
            InspectionEvent event,
            String target,
            String documentType,
            String key,
            String reference20,
            int attempt,
            boolean mayExist) {
        GroupDocuments.Extra extra = extra(target, documentType, key);
        TargetClient client = targets.client(target);
        boolean item = extra != null && extra.parentDocument() != null;
        if (item && !(client instanceof ItemTargetClient)) {
            throw DeliveryException.permanentFailure(
                    target + " does not take items on its documents (" + documentType + " " + key + ")");
        }
        ObjectNode payload = payload(event, target, documentType, key, reference20, attempt, null, null, extra);
        String number = item
                ? ((ItemTargetClient) client).addItem(extra.parentDocument(), payload, key, mayExist)
                : client.deliver(payload, key, mayExist);
        LOG.debug(
                "{} {} for inspection {} (key {}) is document {}",
                target,
                documentType,
                event == null ? "-" : event.id(),
                key,
                number);
        return number;
    }
}
