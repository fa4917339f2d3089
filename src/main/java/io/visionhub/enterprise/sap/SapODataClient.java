package io.visionhub.enterprise.sap;

import io.visionhub.enterprise.DeliveryException;
import io.visionhub.enterprise.HttpTransport;
import io.visionhub.enterprise.TargetAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The hub's own SAP OData writer (camel-sap-netweaver only reads). Per service root it keeps the CSRF token
 * and the session cookies of the fetch ({@code SAP_SESSIONID_*}, {@code sap-XSRF_*}); every write sends both;
 * a 403 with {@code X-CSRF-Token: Required} fetches a new token and retries once. Adds {@code sap-client}
 * to every URL and Basic or OAuth2 bearer credentials to every request; a 401 with OAuth2 gets a new
 * access token and one retry.
 */
public final class SapODataClient {

    private static final Logger LOG = LoggerFactory.getLogger(SapODataClient.class);

    private final HttpTransport http;
    private final String baseUrl;
    private final String sapClient;
    private final TargetAuth auth;
    private final Map<String, Session> sessions = new LinkedHashMap<>();

    private record Session(String token, String cookies) {
    }

    public SapODataClient(HttpTransport http, String baseUrl, String sapClient, TargetAuth auth) {
        this.http = http;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.sapClient = sapClient == null || sapClient.isBlank() ? null : sapClient;
        this.auth = auth;
    }

    /** GET of a path under the base URL with query parameters (values are encoded here). */
    public HttpResponse<String> get(String path, Map<String, String> query) {
        return withAuthRetry(() -> http.send(auth.apply(http.request(url(path, query)))
                .header("Accept", "application/json").GET().build()));
    }

    /** POST of a JSON body to an entity set of a service, with the CSRF token flow. */
    public HttpResponse<String> post(String servicePath, String entitySet, String jsonBody) {
        return withAuthRetry(() -> {
            Session session = session(servicePath, false);
            HttpResponse<String> r = sendWrite(servicePath + "/" + entitySet, jsonBody, session);
            if (r.statusCode() == 403 && "Required".equalsIgnoreCase(r.headers().firstValue("X-CSRF-Token").orElse(""))) {
                LOG.info("{}: CSRF token for {} rejected ({}); fetching a new one and retrying once", http.targetName(),
                        servicePath, r.body());
                session = session(servicePath, true);
                r = sendWrite(servicePath + "/" + entitySet, jsonBody, session);
            }
            return r;
        });
    }

    private HttpResponse<String> withAuthRetry(java.util.function.Supplier<HttpResponse<String>> call) {
        HttpResponse<String> r = call.get();
        if (r.statusCode() == 401 && auth.refreshAfterUnauthorized()) {
            LOG.info("{}: 401 from SAP; fetching a new OAuth2 token and retrying once", http.targetName());
            synchronized (sessions) {
                sessions.clear();
            }
            r = call.get();
        }
        return r;
    }

    private HttpResponse<String> sendWrite(String path, String jsonBody, Session session) {
        HttpRequest.Builder b = auth.apply(http.request(url(path, Map.of())))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .header("X-CSRF-Token", session.token())
                .POST(HttpRequest.BodyPublishers.ofString(jsonBody));
        if (!session.cookies().isEmpty()) {
            b.header("Cookie", session.cookies());
        }
        return http.send(b.build());
    }

    private Session session(String servicePath, boolean refresh) {
        synchronized (sessions) {
            Session s = sessions.get(servicePath);
            if (s != null && !refresh) {
                return s;
            }
            HttpResponse<String> r = http.send(auth.apply(http.request(url(servicePath + "/", Map.of())))
                    .header("X-CSRF-Token", "Fetch").header("Accept", "application/json").GET().build());
            if (r.statusCode() == 401 && auth.refreshAfterUnauthorized()) {
                r = http.send(auth.apply(http.request(url(servicePath + "/", Map.of())))
                        .header("X-CSRF-Token", "Fetch").header("Accept", "application/json").GET().build());
            }
            if (r.statusCode() != 200) {
                throw http.failure("CSRF token fetch from " + servicePath, r);
            }
            String token = r.headers().firstValue("X-CSRF-Token").orElseThrow(() -> DeliveryException.transientFailure(
                    http.targetName() + ": SAP answered the CSRF fetch of " + servicePath + " without an X-CSRF-Token header", null));
            s = new Session(token, cookies(r.headers()));
            sessions.put(servicePath, s);
            return s;
        }
    }

    private static String cookies(HttpHeaders headers) {
        List<String> set = headers.allValues("Set-Cookie");
        return set.stream().map(c -> c.contains(";") ? c.substring(0, c.indexOf(';')) : c).map(String::trim)
                .collect(Collectors.joining("; "));
    }

    private String url(String path, Map<String, String> query) {
        StringBuilder sb = new StringBuilder(baseUrl).append(path);
        char sep = '?';
        if (sapClient != null) {
            sb.append(sep).append("sap-client=").append(sapClient);
            sep = '&';
        }
        for (Map.Entry<String, String> e : query.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)
                    .replace("+", "%20"));
            sep = '&';
        }
        return sb.toString();
    }

    public HttpTransport transport() {
        return http;
    }
}
