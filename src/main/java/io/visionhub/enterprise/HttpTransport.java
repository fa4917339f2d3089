package io.visionhub.enterprise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Set;

/**
 * The JDK HTTP client shared by the connector clients, with the classification every connector needs:
 * which answers are worth a retry and what the target said, taken from its error body (SAP OData V2/V4,
 * Maximo, Oracle, plain text).
 */
public final class HttpTransport {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Answers that retrying the same request cannot fix. */
    private static final Set<Integer> PERMANENT = Set.of(400, 404, 405, 409, 410, 412, 413, 415, 422);

    private final HttpClient client;
    private final Duration timeout;
    private final String targetName;

    public HttpTransport(String targetName, Duration timeout) {
        this.targetName = targetName;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    public String targetName() {
        return targetName;
    }

    public HttpRequest.Builder request(String url) {
        return request(URI.create(url));
    }

    /** A request to a URI parsed once (a target that posts to one fixed URL). */
    public HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout);
    }

    /** Sends; connection loss and timeouts become transient {@link DeliveryException}s. */
    public HttpResponse<String> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw DeliveryException.transientFailure(
                    targetName + ": no answer from " + request.method() + " " + request.uri() + " within "
                            + timeout.toMillis() + " ms (will look the document up before retrying)",
                    e);
        } catch (IOException e) {
            throw DeliveryException.transientFailure(
                    targetName + ": " + request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryException.transientFailure(targetName + ": interrupted while calling " + request.uri(), e);
        }
    }

    /** The failure for a non-2xx answer: permanent for 4xx that a retry cannot fix, else transient. */
    public DeliveryException failure(String action, HttpResponse<String> response) {
        int status = response.statusCode();
        String message = targetName + ": " + action + " answered " + status + ": " + describeError(response.body());
        DeliveryException e = new DeliveryException(message, PERMANENT.contains(status), status, null);
        response.headers().firstValue("Retry-After").ifPresent(v -> {
            try {
                e.withRetryAfter(Duration.ofSeconds(Long.parseLong(v.trim())));
            } catch (NumberFormatException notSeconds) {
                // an HTTP date: the backoff applies
            }
        });
        return e;
    }

    /** The human message of an error body in any of the shapes the targets use. */
    public static String describeError(String body) {
        if (body == null || body.isBlank()) {
            return "(no body)";
        }
        try {
            JsonNode n = JSON.readTree(body);
            JsonNode err = n.path("error");
            if (err.isObject()) {
                String code = err.path("code").asText("");
                JsonNode msg = err.path("message");
                String text = msg.isObject() ? msg.path("value").asText("") : msg.asText("");
                StringBuilder sb = new StringBuilder(code.isEmpty() ? text : code + " " + text);
                JsonNode details = err.path("innererror").path("errordetails");
                if (!details.isArray() || details.isEmpty()) {
                    details = err.path("details");
                }
                for (JsonNode d : details) {
                    String dm = d.path("message").asText("");
                    String prop = d.path("propertyref").asText(d.path("target").asText(""));
                    if (!dm.isEmpty() && !dm.equals(text)) {
                        sb.append("; ").append(dm);
                    }
                    if (!prop.isEmpty()) {
                        sb.append(" [").append(prop).append(']');
                    }
                }
                return sb.toString();
            }
            JsonNode maximo = n.path("Error");
            if (maximo.isObject()) {
                return maximo.path("message").asText(maximo.toString());
            }
            JsonNode oracle = n.path("o:errorDetails");
            if (oracle.isArray() && !oracle.isEmpty()) {
                return oracle.get(0).path("o:errorCode").asText("") + " "
                        + oracle.get(0).path("detail").asText("");
            }
            return abbreviate(body);
        } catch (IOException e) {
            return abbreviate(body);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "…" : s;
    }
}
