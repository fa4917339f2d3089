package io.visionhub.enterprise;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Puts a target's credentials on a request: Basic, OAuth2 bearer, API key header, or nothing. */
public final class TargetAuth {

    private final EnterpriseProperties.AuthType type;
    private final String basicHeader;
    private final String apiKeyHeader;
    private final String apiKey;
    private final OAuth2ClientCredentials oauth;

    private TargetAuth(
            EnterpriseProperties.AuthType type,
            String basicHeader,
            String apiKeyHeader,
            String apiKey,
            OAuth2ClientCredentials oauth) {
        this.type = type;
        this.basicHeader = basicHeader;
        this.apiKeyHeader = apiKeyHeader;
        this.apiKey = apiKey;
        this.oauth = oauth;
    }

    public static TargetAuth none() {
        return new TargetAuth(EnterpriseProperties.AuthType.NONE, null, null, null, null);
    }

    public static TargetAuth basic(String user, String password) {
        return new TargetAuth(
                EnterpriseProperties.AuthType.BASIC,
                "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)),
                null,
                null,
                null);
    }

    public static TargetAuth apiKey(String headerName, String key) {
        return new TargetAuth(EnterpriseProperties.AuthType.APIKEY, null, headerName, key, null);
    }

    public static TargetAuth oauth2(OAuth2ClientCredentials credentials) {
        return new TargetAuth(EnterpriseProperties.AuthType.OAUTH2, null, null, null, credentials);
    }

    /** From a target's configuration; the API key header is the system's own (Maximo: apikey). */
    public static TargetAuth of(EnterpriseProperties.Target t, HttpTransport http, String apiKeyHeader) {
        return switch (t.auth() == null ? EnterpriseProperties.AuthType.NONE : t.auth()) {
            case NONE -> none();
            case BASIC -> basic(t.username(), t.password());
            case APIKEY -> apiKey(apiKeyHeader, t.apiKey());
            case OAUTH2 ->
                oauth2(new OAuth2ClientCredentials(
                        http, absolute(t.url(), t.tokenUrl()), t.clientId(), t.clientSecret()));
        };
    }

    private static String absolute(String base, String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("OAUTH2 auth needs token-url");
        }
        return url.startsWith("http") ? url : base + url;
    }

    public HttpRequest.Builder apply(HttpRequest.Builder b) {
        return switch (type) {
            case NONE -> b;
            case BASIC -> b.header("Authorization", basicHeader);
            case APIKEY -> b.header(apiKeyHeader, apiKey);
            case OAUTH2 -> b.header("Authorization", "Bearer " + oauth.token());
        };
    }

    /** After a 401: forget a cached token. True when a retry with new credentials makes sense. */
    public boolean refreshAfterUnauthorized() {
        if (oauth != null) {
            oauth.invalidate();
            return true;
        }
        return false;
    }
}
