package io.visionhub.enterprise.maximo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visionhub.enterprise.DeliveryException;
import io.visionhub.enterprise.HttpTransport;
import io.visionhub.enterprise.TargetAuth;
import io.visionhub.enterprise.TargetClient;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * IBM Maximo work orders through the REST/JSON API: lookup
 * {@code GET /maximo/api/os/mxapiwodetail?lean=1&oslc.where=externalrefid="…"}, then create
 * {@code POST …?lean=1} with {@code properties: wonum,workorderid,status,href}; {@code apikey} header auth.
 */
public final class MaximoWorkOrderClient implements TargetClient {

    public static final String OBJECT_STRUCTURE = "/maximo/api/os/mxapiwodetail";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpTransport http;
    private final String baseUrl;
    private final TargetAuth auth;

    public MaximoWorkOrderClient(HttpTransport http, String baseUrl, TargetAuth auth) {
        this.http = http;
        this.baseUrl = baseUrl.replaceAll("/$", "");
        this.auth = auth;
    }

    @Override
    public String deliver(ObjectNode payload, String deliveryKey, boolean mayExist) {
        String ref = payload.path("externalrefid").asText("");
        if (ref.isEmpty()) {
            throw DeliveryException.permanentFailure(
                    http.targetName() + ": the mapped work order has no externalrefid "
                            + "(the hub looks work orders up by it); set it in the mapping, e.g. \"externalrefid\": delivery.reference20");
        }
        if (mayExist) {
            String existing = find(ref);
            if (existing != null) {
                return existing;
            }
        }
        HttpResponse<String> r = http.send(auth.apply(http.request(baseUrl + OBJECT_STRUCTURE + "?lean=1"))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("properties", "wonum,workorderid,status,href")
                .POST(HttpRequest.BodyPublishers.ofString(payload.toString()))
                .build());
        if (r.statusCode() != 201 && r.statusCode() != 200) {
            throw http.failure("create work order", r);
        }
        String wonum = tree(r.body()).path("wonum").asText("");
        if (wonum.isEmpty()) {
            throw DeliveryException.transientFailure(
                    http.targetName() + ": Maximo created the work order but did not "
                            + "return wonum; will look it up by externalrefid " + ref,
                    null);
        }
        return wonum;
    }

    /** wonum of the work order with this externalrefid, or null. */
    private String find(String ref) {
        String where = "externalrefid=\"" + ref.replace("\"", "") + "\"";
        HttpResponse<String> found = http.send(auth.apply(http.request(baseUrl + OBJECT_STRUCTURE
                        + "?lean=1&oslc.select=" + enc("wonum,status") + "&oslc.where=" + enc(where)))
                .header("Accept", "application/json")
                .GET()
                .build());
        if (found.statusCode() != 200) {
            throw http.failure("lookup of work order by externalrefid", found);
        }
        JsonNode members = tree(found.body()).path("member");
        return members.isArray() && !members.isEmpty()
                ? members.get(0).path("wonum").asText()
                : null;
    }

    @Override
    public String referenceField() {
        return "externalrefid";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode tree(String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw DeliveryException.transientFailure(http.targetName() + ": Maximo answer is not JSON", e);
        }
    }
}
