package io.visionhub.enterprise.sap;

import io.visionhub.enterprise.DeliveryException;
import io.visionhub.enterprise.HttpTransport;
import io.visionhub.enterprise.TargetAuth;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's own SAP OData writer (camel-sap-netweaver only reads). Per service root it keeps the CSRF token
 * and the session cookies of the fetch ({@code SAP_SESSIONID_*}, {@code sap-XSRF_*}); every write sends both;
 * a 403 with {@code X-CSRF-Token: Required} fetches a new token and retries once. Adds {@code sap-client}
 * to every URL and Basic or OAuth2 bearer credentials to every request; a 401 with OAuth2 gets a new
 * access token and one retry.
 *
 * <p>A token fetch answered 404 (the service is not activated) is remembered per service
 * root with a back-off ({@code csrf-fetch-backoff}, doubled after each further failure up to ten times that, at
 * most 10 minutes): until then every write to that service fails at once with the remembered answer and a
 * Retry-After of the time left, instead of asking SAP again for every outbox row. A 404 of the fetch is
 * transient (an SAP administrator activates the service in /IWFND/MAINT_SERVICE; the rows then flow).
 */
public final class SapODataClient {

    private static final Logger LOG = LoggerFactory.getLogger(SapODataClient.class);

    private final HttpTransport http;
    private final String baseUrl;
    private final String sapClient;
    private final TargetAuth auth;
    private final Map<String, Session> sessions = new LinkedHashMap<>();

    private final Map<String, FetchFailure> fetchFailures = new LinkedHashMap<>();
    private final Duration fetchBackoff;
    private final Clock clock;

    private record Session(String token, String cookies) {}

    /** The last failed token fetch of a service root: its answer, when to ask again, and the back-off used. */
    private record FetchFailure(String message, boolean permanent, int status, Instant retryAt, Duration backoff) {}

    /** Default back-off after a failed CSRF token fetch. */
    public static final Duration DEFAULT_FETCH_BACKOFF = Duration.ofSeconds(30);

    private static final Duration MAX_FETCH_BACKOFF = Duration.ofMinutes(10);

    public SapODataClient(HttpTransport http, String baseUrl, String sapClient, TargetAuth auth) {
        this(http, baseUrl, sapClient, auth, DEFAULT_FETCH_BACKOFF, Clock.systemUTC());
    }

    public SapODataClient(
            HttpTransport http, String baseUrl, String sapClient, TargetAuth auth, Duration fetchBackoff, Clock clock) {
        this.http = http;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.sapClient = sapClient == null || sapClient.isBlank() ? null : sapClient;
        this.auth = auth;
        if (fetchBackoff == null || fetchBackoff.isNegative() || fetchBackoff.isZero()) {
            throw new IllegalArgumentException(
                    http.targetName() + ": csrf-fetch-backoff must be positive, was " + fetchBackoff);
        }
        this.fetchBackoff = fetchBackoff;
        this.clock = clock;
    }

    /** GET of a path under the base URL with query parameters (values are encoded here). */
    public HttpResponse<String> get(String path, Map<String, String> query) {
        return withAuthRetry(() -> http.send(auth.apply(http.request(url(path, query)))
                .header("Accept", "application/json")
                .GET()
                .build()));
    }

    /**
     * GET of an entity set path under a service root, for look-ups before a write: fails at once while a token
     * fetch from that service is remembered as failed, and a 404 of the service itself (SAP's /IWFND/MED/170,
     * "No service found") is remembered the same way, so a retried row is not parked for a missing service.
     */
    public HttpResponse<String> get(String servicePath, String entityPath, Map<String, String> query) {
        synchronized (sessions) {
            throwIfRemembered(servicePath, clock.instant());
        }
        HttpResponse<String> r = get(servicePath + entityPath, query);
        if (r.statusCode() == 404 && r.body() != null && r.body().contains("/IWFND/MED/170")) {
            synchronized (sessions) {
                throw rememberFetchFailure(
                        servicePath,
                        fetchFailures.get(servicePath),
                        clock.instant(),
                        http.failure("look-up in " + servicePath, r));
            }
        }
        return r;
    }

    /** POST of a JSON body to an entity set of a service, with the CSRF token flow. */
    public HttpResponse<String> post(String servicePath, String entitySet, String jsonBody) {
        return withAuthRetry(() -> {
            Session session = session(servicePath, false);
            HttpResponse<String> r = sendWrite(servicePath + "/" + entitySet, jsonBody, session);
            if (r.statusCode() == 403
                    && "Required"
                            .equalsIgnoreCase(
                                    r.headers().firstValue("X-CSRF-Token").orElse(""))) {
                LOG.info(
                        "{}: CSRF token for {} rejected ({}); fetching a new one and retrying once",
                        http.targetName(),
                        servicePath,
                        r.body());
                session = session(servicePath, true);
                r = sendWrite(servicePath + "/" + entitySet, jsonBody, session);
            }
            return r;
        });
    }

    private HttpResponse<String> withAuthRetry(Supplier<HttpResponse<String>> call) {
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
            Instant now = clock.instant();
            FetchFailure last = throwIfRemembered(servicePath, now);
            HttpResponse<String> r = http.send(auth.apply(http.request(url(servicePath + "/", Map.of())))
                    .header("X-CSRF-Token", "Fetch")
                    .header("Accept", "application/json")
                    .GET()
                    .build());
            if (r.statusCode() == 401 && auth.refreshAfterUnauthorized()) {
                r = http.send(auth.apply(http.request(url(servicePath + "/", Map.of())))
                        .header("X-CSRF-Token", "Fetch")
                        .header("Accept", "application/json")
                        .GET()
                        .build());
            }
            if (r.statusCode() == 404) { // the service is not there (not activated): ask again only after the back-off
                throw rememberFetchFailure(
                        servicePath, last, now, http.failure("CSRF token fetch from " + servicePath, r));
            }
            if (r.statusCode() != 200) {
                // a gateway down or busy (5xx, 429) is an outage: each row's own outbox back-off (and Retry-After)
                // paces the retries, so delivery resumes as soon as SAP answers again instead of after this window
                throw http.failure("CSRF token fetch from " + servicePath, r);
            }
            String token = r.headers().firstValue("X-CSRF-Token").orElse("");
            if (token.isBlank()) {
                throw rememberFetchFailure(
                        servicePath,
                        last,
                        now,
                        DeliveryException.transientFailure(
                                http.targetName() + ": SAP answered the CSRF fetch of " + servicePath
                                        + " without an X-CSRF-Token header",
                                null));
            }
            if (last != null) {
                LOG.info("{}: CSRF token fetch from {} works again", http.targetName(), servicePath);
                fetchFailures.remove(servicePath);
            }
            s = new Session(token, cookies(r.headers()));
            sessions.put(servicePath, s);
            return s;
        }
    }

    /**
     * The service's remembered token-fetch failure, thrown while its back-off lasts; after it, returned (or null) so
     * the next failure doubles the back-off. Called with {@code sessions} held.
     */
    private FetchFailure throwIfRemembered(String servicePath, Instant now) {
        FetchFailure last = fetchFailures.get(servicePath);
        if (last != null && now.isBefore(last.retryAt())) {
            throw remembered(servicePath, last, now);
        }
        return last;
    }

    private static DeliveryException remembered(String servicePath, FetchFailure last, Instant now) {
        return new DeliveryException(
                        last.message() + " (remembered: SAP is asked again about " + servicePath + " at "
                                + last.retryAt() + ")",
                        last.permanent(),
                        last.status(),
                        null)
                .withRetryAfter(Duration.between(now, last.retryAt()));
    }

    /** Remembers a failed fetch until now + back-off (doubled after each consecutive failure, capped). */
    private DeliveryException rememberFetchFailure(
            String servicePath, FetchFailure previous, Instant now, DeliveryException failure) {
        Duration backoff = previous == null ? fetchBackoff : previous.backoff().multipliedBy(2);
        Duration cap = fetchBackoff.multipliedBy(10).compareTo(MAX_FETCH_BACKOFF) < 0
                ? fetchBackoff.multipliedBy(10)
                : MAX_FETCH_BACKOFF;
        if (backoff.compareTo(cap) > 0) {
            backoff = cap.compareTo(fetchBackoff) < 0 ? fetchBackoff : cap;
        }
        // 404: the service is not there (not activated, wrong path); fixable on the SAP side, so retry later
        boolean permanent = failure.isPermanent() && failure.status() != 404;
        String message = failure.getMessage()
                + (failure.status() == 404
                        ? "; is " + servicePath + " activated in " + "/IWFND/MAINT_SERVICE and the target's url right?"
                        : "");
        Instant retryAt = now.plus(backoff);
        fetchFailures.put(servicePath, new FetchFailure(message, permanent, failure.status(), retryAt, backoff));
        LOG.warn(
                "{}: SAP service {} did not answer as it should; its deliveries fail at once until {} (back-off {}), "
                        + "then the hub asks again: {}",
                http.targetName(),
                servicePath,
                retryAt,
                backoff,
                message);
        return new DeliveryException(message, permanent, failure.status(), null).withRetryAfter(backoff);
    }

    private static String cookies(HttpHeaders headers) {
        List<String> set = headers.allValues("Set-Cookie");
        return set.stream()
                .map(c -> c.contains(";") ? c.substring(0, c.indexOf(';')) : c)
                .map(String::trim)
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
            sb.append(sep)
                    .append(e.getKey())
                    .append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)
                            .replace("+", "%20"));
            sep = '&';
        }
        return sb.toString();
    }

    public HttpTransport transport() {
        return http;
    }
}
