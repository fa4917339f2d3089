package io.visionhub.enterprise;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** OAuth2 client credentials grant (RFC 6749 4.4): caches the access token until shortly before it expires. */
public final class OAuth2ClientCredentials {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpTransport http;
    private final String tokenUrl;
    private final String clientId;
    private final String clientSecret;
    private String token;
    private long expiresAtMillis;

    public OAuth2ClientCredentials(HttpTransport http, String tokenUrl, String clientId, String clientSecret) {
        this.http = http;
        this.tokenUrl = tokenUrl;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
    }

    public synchronized String token() {
        if (token == null || System.currentTimeMillis() > expiresAtMillis) {
            HttpResponse<String> r = http.send(http.request(tokenUrl)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header(
                            "Authorization",
                            "Basic "
                                    + Base64.getEncoder()
                                            .encodeToString(
                                                    (clientId + ":" + clientSecret).getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id="
                            + URLEncoder.encode(clientId, StandardCharsets.UTF_8)))
                    .build());
            if (r.statusCode() != 200) {
                throw new DeliveryException(
                        http.targetName() + ": OAuth2 token request to " + tokenUrl + " answered " + r.statusCode()
                                + ": " + r.body() + " (check client id and secret)",
                        false,
                        r.statusCode(),
                        null);
            }
            try {
                JsonNode n = JSON.readTree(r.body());
                token = n.path("access_token").asText();
                long lifetime = n.path("expires_in").asLong(300);
                expiresAtMillis = System.currentTimeMillis() + Math.max(1, lifetime - 30) * 1000;
            } catch (IOException e) {
                throw DeliveryException.transientFailure(
                        http.targetName() + ": token answer is not JSON: " + r.body(), e);
            }
        }
        return token;
    }

    /** Forgets the token (after a 401): the next call fetches a new one. */
    public synchronized void invalidate() {
        token = null;
    }
}
