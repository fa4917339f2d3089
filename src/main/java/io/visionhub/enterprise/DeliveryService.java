package io.visionhub.enterprise;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visionhub.enterprise.mapping.MappingEngine;
import io.visionhub.enterprise.mapping.MappingException;
import io.visionhub.enterprise.rules.SeverityPolicy;
import io.visionhub.event.InspectionEvent;
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

    public DeliveryService(EnterpriseTargets targets, MappingEngine mappings, SeverityPolicy severity,
                           String defaultCustomer, String site) {
        this.targets = targets;
        this.mappings = mappings;
        this.severity = severity;
        this.defaultCustomer = defaultCustomer;
        this.site = site;
    }

    public EnterpriseTargets targets() {
        return targets;
    }

    /** The payload the target's mapping makes for this delivery (also used to preview a mapping). */
    public ObjectNode payload(InspectionEvent event, String target, String documentType, String key, int attempt) {
        EnterpriseProperties.Target t = targets.config(target);
        String customer = t.getCustomer() == null || t.getCustomer().isBlank() ? defaultCustomer : t.getCustomer();
        String mapping = t.getMapping() == null || t.getMapping().isBlank() ? target : t.getMapping();
        try {
            return mappings.map(customer, mapping, DeliveryInput.of(event, target, documentType, key, attempt,
                    severity.severityOf(event), site, customer));
        } catch (MappingException e) {
            throw new DeliveryException(e.getMessage(), true, 0, e);
        }
    }

    /**
     * Delivers; returns the document number. Attempt 1 means no earlier attempt can have reached the target (the
     * outbox counts an attempt when it claims the row), so the lookup before create is skipped.
     */
    public String deliver(InspectionEvent event, String target, String documentType, String key, int attempt) {
        ObjectNode payload = payload(event, target, documentType, key, attempt);
        String number = targets.client(target).deliver(payload, key, attempt > 1);
        LOG.debug("{} {} for inspection {} (key {}) is document {}", target, documentType, event.id(), key, number);
        return number;
    }
}
