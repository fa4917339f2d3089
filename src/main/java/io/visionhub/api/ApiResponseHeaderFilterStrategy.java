package io.visionhub.api;

import java.util.List;
import java.util.Locale;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * What platform-http may copy from a Camel message into an HTTP response. Camel keeps the request's headers on
 * the message and its HTTP binding writes every message header that the endpoint's filter lets through; Camel's
 * own filter only drops protocol headers, so without this one every /api answer echoed the caller's
 * {@code Authorization}, {@code X-API-Key} and cookies, and the internal principal headers. Set on the
 * platform-http component (so on every endpoint and REST route) by {@link ApiSecurityConfiguration}.
 */
public class ApiResponseHeaderFilterStrategy extends HttpHeaderFilterStrategy {

    /** Request headers that carry credentials or the hub's internal caller identity: never in an answer. */
    public static final List<String> NEVER_ECHOED = List.of(
            "Authorization",
            "Proxy-Authorization",
            ApiKeyAuthenticationFilter.HEADER,
            "Cookie",
            ApiPrincipalHeaderFilter.PRINCIPAL,
            ApiPrincipalHeaderFilter.ROLES);

    @Override
    protected void initialize() {
        super.initialize();
        // Camel's filter compares lower-cased names (setLowerCase(true) in the parent)
        NEVER_ECHOED.forEach(h -> getOutFilter().add(h.toLowerCase(Locale.ROOT)));
    }
}
