package io.visionhub.enterprise.component;

import io.visionhub.enterprise.DeliveryService;
import io.visionhub.enterprise.EnterpriseProperties;
import io.visionhub.enterprise.TargetType;
import java.util.Arrays;
import java.util.List;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * Raises a business document in an ERP or CMMS (SAP, Maximo, Oracle, a CMMS webhook) for each InspectionEvent,
 * through the outbox or at once. The target (a name under visionhub.enterprise.targets) says which system, how to
 * reach it and with which credentials; the endpoint says which document, when and how it is mapped.
 * <p>
 * Examples: {@code enterprise:sap-qm}, {@code enterprise:maximo?mode=direct}.
 * <ul>
 *   <li>{@code mode=durable} (default): the endpoint asks for an outbox row for the inspection (key = inspection id)
 *       by appending a delivery request to the {@value EnterpriseConstants#DELIVERIES} header; the ledger step
 *       ({@code ledger:record}) writes it in the transaction of the record, and the outbox deliverer makes the
 *       document with retries and backoff. Put the endpoint before the ledger step.</li>
 *   <li>{@code mode=direct}: delivers now, in the route (looked up by its reference before creating), and sets
 *       {@value EnterpriseConstants#DOCUMENT_NUMBER}; a failure fails the exchange and nothing retries it.</li>
 * </ul>
 * An unknown target, or an option that the mode cannot honour, stops the route from starting with a message
 * naming it; a body that is not an InspectionEvent fails the exchange with InvalidPayloadException.
 */
@UriEndpoint(
        firstVersion = "1.0.0",
        scheme = "enterprise",
        title = "Enterprise document",
        syntax = "enterprise:target",
        producerOnly = true,
        category = {Category.SAAS},
        headersClass = EnterpriseConstants.class)
public class EnterpriseEndpoint extends DefaultEndpoint {

    @UriPath(
            description = "Name of the target under visionhub.enterprise.targets (system, URL, credentials, "
                    + "mapping), e.g. sap-qm, sap-pm, sap-qm-defect, maximo, oracle-wo, oracle-qi, webhook")
    @Metadata(required = true)
    private String target;

    @UriParam(
            description = "Business document type recorded with the delivery (outbox document_type, "
                    + "delivery.documentType in the mapping); by default the one of the target's type (QUALITY_NOTIFICATION "
                    + "for SAP_QM_NOTIFICATION, WORK_ORDER for MAXIMO_WORK_ORDER …)")
    private String documentType;

    @UriParam(
            label = "producer",
            description = "durable: ask for an outbox row that the ledger step writes with the "
                    + "record (retried, never lost); direct: deliver now and set the VisionHubDocumentNumber header",
            defaultValue = "durable",
            enums = "durable,direct")
    private DeliveryMode mode = DeliveryMode.durable;

    @UriParam(
            label = "producer",
            description = "Raise the document only for inspections of at least this severity "
                    + "(visionhub.enterprise.rules.severity: the highest of the defect classes); others pass unchanged",
            enums = "LOW,MEDIUM,HIGH")
    private String minSeverity;

    @UriParam(
            label = "producer,advanced",
            description = "Direct mode: customer folder under mappings/ instead of the "
                    + "target's (visionhub.enterprise.targets.<target>.customer or visionhub.enterprise.customer). Durable "
                    + "deliveries are mapped by the outbox deliverer with the target's configuration: set it there")
    private String customer;

    @UriParam(
            label = "producer,advanced",
            description = "Direct mode: mapping template name instead of the target's "
                    + "(mappings/<customer>/<mapping>.jsonata). Durable deliveries use the target's configured mapping")
    private String mapping;

    private DeliveryService delivery;

    public EnterpriseEndpoint(String uri, EnterpriseComponent component) {
        super(uri, component);
    }

    @Override
    public EnterpriseComponent getComponent() {
        return (EnterpriseComponent) super.getComponent();
    }

    @Override
    protected void doInit() throws Exception {
        super.doInit();
        delivery = getComponent().deliveryService();
        EnterpriseProperties.Target config;
        try {
            config = delivery.targets().config(target);
        } catch (RuntimeException e) {
            // the message says it all (which target, which are configured); the cause adds only a stack
            throw new IllegalArgumentException("enterprise:" + target + ": " + e.getMessage());
        }
        if (config.type() == null) {
            throw new IllegalArgumentException(
                    "enterprise:" + target + ": the target has no type " + "(visionhub.enterprise.targets." + target
                            + ".type: one of " + Arrays.toString(TargetType.values()) + ")");
        }
        if (documentType == null || documentType.isBlank()) {
            documentType = config.type().documentType();
        }
        if (mode == DeliveryMode.durable) {
            for (String option : List.of("customer", "mapping")) {
                String value = "customer".equals(option) ? customer : mapping;
                if (value != null && !value.isBlank()) {
                    throw new IllegalArgumentException("enterprise:" + target + ": option " + option + "=" + value
                            + " applies to mode=direct only; the outbox deliverer maps durable deliveries with the "
                            + "target's configuration (visionhub.enterprise.targets." + target + "." + option + ")");
                }
            }
        }
        if (minSeverity != null && !minSeverity.isBlank()) {
            minSeverity = Severity.parse(minSeverity);
        }
    }

    @Override
    public Producer createProducer() {
        return new EnterpriseProducer(this, delivery);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("enterprise:" + target + " only sends documents (a producer)");
    }

    public String getTarget() {
        return target;
    }

    /** Name of the target under visionhub.enterprise.targets. */
    public void setTarget(String target) {
        this.target = target;
    }

    public String getDocumentType() {
        return documentType;
    }

    /** Business document type recorded with the delivery; by default the one of the target's type. */
    public void setDocumentType(String documentType) {
        this.documentType = documentType;
    }

    public DeliveryMode getMode() {
        return mode;
    }

    /** durable (through the outbox, default) or direct (now, in the route). */
    public void setMode(DeliveryMode mode) {
        this.mode = mode;
    }

    public String getMinSeverity() {
        return minSeverity;
    }

    /** Raise the document only for inspections of at least this severity (LOW, MEDIUM, HIGH). */
    public void setMinSeverity(String minSeverity) {
        this.minSeverity = minSeverity;
    }

    public String getCustomer() {
        return customer;
    }

    /** Direct mode: customer folder under mappings/ instead of the target's. */
    public void setCustomer(String customer) {
        this.customer = customer;
    }

    public String getMapping() {
        return mapping;
    }

    /** Direct mode: mapping template name instead of the target's. */
    public void setMapping(String mapping) {
        this.mapping = mapping;
    }
}
