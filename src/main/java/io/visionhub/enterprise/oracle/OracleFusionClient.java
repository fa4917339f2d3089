package io.visionhub.enterprise.oracle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visionhub.enterprise.DeliveryException;
import io.visionhub.enterprise.HttpTransport;
import io.visionhub.enterprise.TargetAuth;
import io.visionhub.enterprise.TargetClient;
import io.visionhub.enterprise.TargetType;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * Oracle Fusion Cloud REST resources: maintenance work orders (looked up by {@code WorkOrderNumber}, which
 * the mapping sets from the external reference) and quality issues (looked up by {@code Name}); finder
 * {@code ?q=Field='value'}, {@code REST-Framework-Version: 4} for structured errors, Basic or OAuth2 bearer.
 *
 * @param resourcePath   e.g. /fscmRestApi/resources/11.13.18.05/maintenanceWorkOrders
 * @param referenceField payload field the lookup uses
 * @param numberField    answer field with the document number
 */
public record OracleFusionClient(
        HttpTransport http,
        String baseUrl,
        TargetAuth auth,
        String resourcePath,
        String referenceField,
        String numberField)
        implements TargetClient {

    public static final String RESOURCES = "/fscmRestApi/resources/11.13.18.05";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static OracleFusionClient of(TargetType type, HttpTransport http, String baseUrl, TargetAuth auth) {
        String base = baseUrl.replaceAll("/$", "");
        return switch (type) {
            case ORACLE_WORK_ORDER ->
                new OracleFusionClient(
                        http, base, auth, RESOURCES + "/maintenanceWorkOrders", "WorkOrderNumber", "WorkOrderNumber");
            case ORACLE_QUALITY_ISSUE ->
                new OracleFusionClient(http, base, auth, RESOURCES + "/qualityIssues", "Name", "IssueNumber");
            default -> throw new IllegalArgumentException(type + " is not an Oracle target");
        };
    }

    @Override
    public String deliver(ObjectNode payload, String deliveryKey, boolean mayExist) {
        String ref = payload.path(referenceField).asText("");
        if (ref.isEmpty()) {
            throw DeliveryException.permanentFailure(http.targetName() + ": the mapped payload has no " + referenceField
                    + " (the hub looks the document up by it before creating); set it in the mapping");
        }
        if (mayExist) {
            String q = referenceField + "='" + ref.replace("'", "") + "'";
            HttpResponse<String> found = call(http.request(baseUrl + resourcePath + "?onlyData=true&q="
                            + URLEncoder.encode(q, StandardCharsets.UTF_8).replace("+", "%20"))
                    .GET());
            if (found.statusCode() != 200) {
                throw http.failure("lookup by " + referenceField, found);
            }
            JsonNode items = tree(found.body()).path("items");
            if (items.isArray() && !items.isEmpty()) {
                return items.get(0).path(numberField).asText();
            }
        }
        HttpResponse<String> r = call(http.request(baseUrl + resourcePath)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(payload.toString())));
        if (r.statusCode() != 201 && r.statusCode() != 200) {
            throw http.failure("create " + resourcePath.substring(resourcePath.lastIndexOf('/') + 1), r);
        }
        String number = tree(r.body()).path(numberField).asText("");
        if (number.isEmpty()) {
            throw DeliveryException.transientFailure(
                    http.targetName() + ": Oracle answered without " + numberField, null);
        }
        return number;
    }

    private HttpResponse<String> call(HttpRequest.Builder b) {
        b.header("Accept", "application/json").header("REST-Framework-Version", "4");
        HttpResponse<String> r = http.send(auth.apply(b.copy()).build());
        if (r.statusCode() == 401 && auth.refreshAfterUnauthorized()) {
            r = http.send(auth.apply(b.copy()).build());
        }
        return r;
    }

    private JsonNode tree(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw DeliveryException.transientFailure(http.targetName() + ": Oracle answer is not JSON", e);
        }
    }
}
