package io.visionhub.enterprise.sap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visionhub.enterprise.DeliveryException;
import io.visionhub.enterprise.TargetClient;
import io.visionhub.enterprise.TargetType;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

/**
 * Creates one document in one SAP entity set through {@link SapODataClient}, after looking it up with
 * {@code $filter=<referenceField> eq '<value from the payload>'}. OData V2 answers {@code {"d":…}} /
 * {@code {"d":{"results":[…]}}}, V4 answers the entity / {@code {"value":[…]}}.
 *
 * @param servicePath    service root path, e.g. /sap/opu/odata/sap/API_MAINTNOTIFICATION
 * @param entitySet      entity set, e.g. MaintenanceNotification
 * @param v4             OData V4 service
 * @param referenceField field holding the external reference (idempotency key)
 * @param numberField    field holding the document number SAP assigns
 */
public record SapEntitySetTarget(
        SapODataClient client,
        String servicePath,
        String entitySet,
        boolean v4,
        String referenceField,
        String numberField)
        implements TargetClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The standard SAP document targets. */
    public static SapEntitySetTarget of(TargetType type, SapODataClient client) {
        return switch (type) {
            case SAP_PM_NOTIFICATION ->
                new SapEntitySetTarget(
                        client,
                        "/sap/opu/odata/sap/API_MAINTNOTIFICATION",
                        "MaintenanceNotification",
                        false,
                        "MaintNotifExtReferenceNumber",
                        "MaintenanceNotification");
            case SAP_QM_NOTIFICATION ->
                new SapEntitySetTarget(
                        client,
                        "/sap/opu/odata4/sap/api_qualitynotification/srvd_a2x/sap/qualitynotification/0001",
                        "QualityNotification",
                        true,
                        "QltyNotifExternalReference",
                        "QualityNotification");
            case SAP_QM_USAGE_DECISION ->
                new SapEntitySetTarget(
                        client,
                        "/sap/opu/odata/sap/API_INSPECTIONLOT_SRV",
                        "A_InspLotUsageDecision",
                        false,
                        "InspectionLot",
                        "InspectionLot");
            case SAP_QM_INSPECTION_RESULT ->
                new SapEntitySetTarget(
                        client,
                        "/sap/opu/odata/sap/API_INSPECTIONLOT_SRV",
                        "A_InspectionResult",
                        false,
                        "InspectionResultText",
                        "InspectionResultNumber");
            // A_Defect has no external-reference field: the mapped DefectText carries "VH <reference20> …"
            // (deterministic per delivery), the look-up filters on it; SAP assigns DefectInternalID
            case SAP_QM_DEFECT ->
                new SapEntitySetTarget(
                        client,
                        "/sap/opu/odata/sap/API_DEFECT_SRV",
                        "A_Defect",
                        false,
                        "DefectText",
                        "DefectInternalID");
            default -> throw new IllegalArgumentException(type + " is not an SAP target");
        };
    }

    @Override
    public String deliver(ObjectNode payload, String deliveryKey, boolean mayExist) {
        String reference = payload.path(referenceField).asText("");
        if (reference.isEmpty()) {
            throw DeliveryException.permanentFailure(client.transport().targetName() + ": the mapped " + entitySet
                    + " has no " + referenceField + " (the external reference the hub looks documents up by); "
                    + "set it in the mapping, e.g. \"" + referenceField + "\": delivery.reference20");
        }
        if (mayExist) {
            Optional<String> existing = find(reference);
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        HttpResponse<String> r = client.post(servicePath, entitySet, payload.toString());
        if (r.statusCode() != 201 && r.statusCode() != 200) {
            throw client.transport().failure("create " + entitySet, r);
        }
        JsonNode entity = entity(r.body());
        String number = entity.path(numberField).asText("");
        if (number.isEmpty()) {
            number = r.headers()
                    .firstValue("Location")
                    .map(l -> l.replaceAll(".*\\('([^']*)'\\).*", "$1"))
                    .orElse("");
        }
        if (number.isEmpty()) {
            throw DeliveryException.transientFailure(
                    client.transport().targetName() + ": SAP created " + entitySet + " but the answer has no "
                            + numberField + "; will look it up by " + referenceField,
                    null);
        }
        return number;
    }

    /** The number of the document already created for this reference, if any. */
    public Optional<String> find(String reference) {
        HttpResponse<String> r = client.get(
                servicePath,
                "/" + entitySet,
                Map.of("$filter", referenceField + " eq '" + reference.replace("'", "''") + "'", "$top", "1"));
        if (r.statusCode() != 200) {
            throw client.transport().failure("lookup of " + entitySet + " by " + referenceField, r);
        }
        JsonNode list =
                v4 ? tree(r.body()).path("value") : tree(r.body()).path("d").path("results");
        if (list.isArray() && !list.isEmpty()) {
            return Optional.of(list.get(0).path(numberField).asText());
        }
        return Optional.empty();
    }

    @Override
    public String referenceField() {
        return referenceField;
    }

    private JsonNode entity(String body) {
        JsonNode n = tree(body);
        return v4 ? n : n.path("d");
    }

    private JsonNode tree(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw DeliveryException.transientFailure(
                    client.transport().targetName() + ": SAP answer is not JSON: "
                            + (body.length() > 200 ? body.substring(0, 200) : body),
                    e);
        }
    }
}
