package io.visionhub.enterprise.sap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visionhub.enterprise.DeliveryException;
import io.visionhub.enterprise.ItemTargetClient;
import io.visionhub.enterprise.TargetClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;

/**
 * An SAP QM quality notification target whose notifications take items: creates notifications as
 * {@link SapEntitySetTarget} does, and adds items with {@code POST QualityNotification('<n>')/_QualityNotificationItem}
 * (OData V4 navigation). QualityNotificationItem has no external-reference field (the reference's field list is
 * UNCONFIRMED): the mapped {@value #ITEM_REFERENCE} starts with "VH " and the row's short reference, and an item is
 * looked up by it among the notification's items, as {@code A_Defect} is by its DefectText.
 */
public record SapQualityNotificationItems(SapEntitySetTarget notifications) implements TargetClient, ItemTargetClient {

    static final String ITEM_REFERENCE = "DefectText";
    private static final String ITEMS = "_QualityNotificationItem";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String deliver(ObjectNode payload, String deliveryKey, boolean mayExist) {
        return notifications.deliver(payload, deliveryKey, mayExist);
    }

    @Override
    public String referenceField() {
        return notifications.referenceField();
    }

    @Override
    public String addItem(String parentNumber, ObjectNode payload, String deliveryKey, boolean mayExist) {
        SapODataClient client = notifications.client();
        String reference = payload.path(ITEM_REFERENCE).asText("");
        if (reference.isEmpty()) {
            throw DeliveryException.permanentFailure(client.transport().targetName() + ": the mapped "
                    + "QualityNotificationItem has no " + ITEM_REFERENCE + " (the hub looks items up by it; start it "
                    + "with \"VH \" & delivery.reference20)");
        }
        String path = notifications.entitySet() + "('" + parentNumber.replace("'", "''") + "')/" + ITEMS;
        if (mayExist) {
            Optional<String> existing = find(client, path, parentNumber, reference);
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        HttpResponse<String> r = client.post(notifications.servicePath(), path, payload.toString());
        if (r.statusCode() != 201 && r.statusCode() != 200) {
            throw client.transport().failure("add an item to quality notification " + parentNumber, r);
        }
        String item = tree(client, r.body()).path("QualityNotificationItem").asText("");
        if (item.isEmpty()) {
            throw DeliveryException.transientFailure(
                    client.transport().targetName() + ": SAP added an item to " + parentNumber
                            + " but the answer has no QualityNotificationItem; will look it up by " + ITEM_REFERENCE,
                    null);
        }
        return parentNumber + "/" + item;
    }

    private Optional<String> find(SapODataClient client, String path, String parentNumber, String reference) {
        HttpResponse<String> r = client.get(
                notifications.servicePath(),
                "/" + path,
                Map.of("$filter", ITEM_REFERENCE + " eq '" + reference.replace("'", "''") + "'"));
        if (r.statusCode() != 200) {
            throw client.transport().failure("lookup of the items of quality notification " + parentNumber, r);
        }
        JsonNode list = tree(client, r.body()).path("value");
        if (list.isArray() && !list.isEmpty()) {
            return Optional.of(parentNumber + "/"
                    + list.get(0).path("QualityNotificationItem").asText());
        }
        return Optional.empty();
    }

    private static JsonNode tree(SapODataClient client, String body) {
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
