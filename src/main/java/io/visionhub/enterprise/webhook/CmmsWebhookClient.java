package io.visionhub.enterprise.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.visionhub.enterprise.HttpTransport;
import io.visionhub.enterprise.TargetAuth;
import io.visionhub.enterprise.TargetClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Generic CMMS webhook: POST of the mapped JSON with {@code Idempotency-Key: <delivery key>} (the receiver
 * answers a repeated key with the first document instead of a new one) and, with a secret, an
 * {@code X-VisionHub-Signature: sha256=<HMAC-SHA256 of the body>} header. The document number comes from a
 * configured field of the answer, else from the Location header.
 */
public final class CmmsWebhookClient implements TargetClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpTransport http;
    /** parsed once: every POST goes to the same URL */
    private final URI uri;

    private final TargetAuth auth;
    /** the keyed MAC per delivery thread (a Mac is not thread-safe; looking one up and keying it per POST is not needed) */
    private final ThreadLocal<Mac> signer;

    private final String numberField;

    public CmmsWebhookClient(
            HttpTransport http, String url, TargetAuth auth, String signingSecret, String numberField) {
        this.http = http;
        this.uri = URI.create(url);
        this.auth = auth;
        this.signer = signingSecret == null || signingSecret.isBlank()
                ? null
                : ThreadLocal.withInitial(() -> keyedMac(signingSecret));
        this.numberField = numberField;
    }

    @Override
    public String deliver(ObjectNode payload, String deliveryKey, boolean mayExist) {
        byte[] body = payload.toString().getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder b = auth.apply(http.request(uri))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", deliveryKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signer != null) {
            // doFinal resets the Mac to its key: the thread's next POST signs from a clean state
            b.header(
                    "X-VisionHub-Signature",
                    "sha256=" + HexFormat.of().formatHex(signer.get().doFinal(body)));
        }
        HttpResponse<String> r = http.send(b.build());
        if (r.statusCode() / 100 != 2) {
            throw http.failure("webhook POST", r);
        }
        String number = "";
        try {
            if (r.body() != null && !r.body().isBlank()) {
                JsonNode n = JSON.readTree(r.body());
                number = n.path(numberField).asText("");
            }
        } catch (IOException e) {
            number = "";
        }
        if (number.isEmpty()) {
            number = r.headers()
                    .firstValue("Location")
                    .map(l -> l.substring(l.lastIndexOf('/') + 1))
                    .orElse("");
        }
        return number.isEmpty() ? "accepted:" + deliveryKey : number;
    }

    @Override
    public String referenceField() {
        return "Idempotency-Key";
    }

    private static Mac keyedMac(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 not available", e);
        }
    }
}
