package io.visionhub.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generic CMMS that takes work requests by webhook: {@code POST /cmms/work-requests} with an
 * {@code Idempotency-Key} header (a repeated key answers 200 with the first request's record instead of
 * creating another), optional HMAC-SHA256 signature {@code X-VisionHub-Signature: sha256=<hex>} over the body,
 * lookup {@code GET /cmms/work-requests?externalReference=…}, errors {@code {"error":{"code","message"}}}.
 */
public final class CmmsWebhookSimulator extends HttpSimulator {

    public static final String PATH = "/cmms/work-requests";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String signingSecret;
    private final SimulatedDocuments workRequests = new SimulatedDocuments("work-requests", 1L, "WR-%06d");
    private final Map<String, SimulatedDocuments.Document> byKey = new ConcurrentHashMap<>();

    /** @param signingSecret HMAC secret the signature must be made with, or null to accept unsigned requests */
    public CmmsWebhookSimulator(String host, int port, String signingSecret) {
        super(host, port);
        this.signingSecret = signingSecret;
    }

    public static CmmsWebhookSimulator onFreePort(String signingSecret) {
        return new CmmsWebhookSimulator("127.0.0.1", 0, signingSecret);
    }

    public static void main(String[] args) {
        new CmmsWebhookSimulator("0.0.0.0", args.length > 0 ? Integer.parseInt(args[0]) : 8094, "webhook-demo-secret")
                .start();
    }

    @Override
    public String displayName() {
        return "CMMS webhook simulator";
    }

    public SimulatedDocuments workRequests() {
        return workRequests;
    }

    @Override
    protected SimResponse handle(SimRequest req) throws Exception {
        if (!req.path().equals(PATH)) {
            return error(404, "not_found", "no resource at " + req.path());
        }
        if ("GET".equals(req.method())) {
            String ref = req.param("externalReference");
            List<Map<String, Object>> items = (ref == null
                            ? workRequests.all()
                            : workRequests.findBy("externalReference", ref))
                    .stream().map(SimulatedDocuments.Document::fields).toList();
            return SimResponse.json(200, Map.of("items", items));
        }
        if (!"POST".equals(req.method())) {
            return error(405, "method_not_allowed", req.method() + " is not allowed");
        }
        if (signingSecret != null) {
            String sig = req.header("X-VisionHub-Signature");
            if (sig == null || !sig.equals("sha256=" + hmac(signingSecret, req.body()))) {
                return error(
                        401,
                        "bad_signature",
                        "X-VisionHub-Signature missing or not an HMAC-SHA256 of the body with the shared secret");
            }
        }
        String key = req.header("Idempotency-Key");
        if (key == null || key.isBlank()) {
            return error(400, "idempotency_key_required", "header Idempotency-Key is required");
        }
        JsonNode body = req.json();
        synchronized (this) {
            SimulatedDocuments.Document existing = byKey.get(key);
            if (existing != null) {
                return SimResponse.json(200, existing.fields());
            }
            Map<String, Object> fields = new LinkedHashMap<>(JSON.convertValue(body, Map.class));
            fields.putIfAbsent("externalReference", key);
            fields.put("status", "OPEN");
            SimulatedDocuments.Document doc = workRequests.create("id", fields);
            byKey.put(key, doc);
            return SimResponse.json(201, fields)
                    .header("Location", PATH + "/" + doc.number())
                    .asCreated();
        }
    }

    /** Hex HMAC-SHA256 of the body, as the webhook client signs it. */
    public static String hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 not available", e);
        }
    }

    @Override
    protected SimResponse error(int status, String code, String message) {
        return SimResponse.json(status, Map.of("error", Map.of("code", code, "message", message)));
    }
}
