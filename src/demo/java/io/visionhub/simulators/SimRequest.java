package io.visionhub.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One HTTP request as a simulator sees it: method, decoded path and query, headers, cookies, body. */
public record SimRequest(
        String method,
        String path,
        Map<String, String> query,
        Map<String, List<String>> headers,
        Map<String, String> cookies,
        byte[] body) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public String header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey() != null
                    && e.getKey().equalsIgnoreCase(name)
                    && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }

    public String param(String name) {
        return query.get(name);
    }

    public boolean isWrite() {
        return !("GET".equals(method) || "HEAD".equals(method));
    }

    /** The body as JSON; throws {@link IllegalArgumentException} with the parser's message when it is not. */
    public JsonNode json() {
        try {
            JsonNode node = JSON.readTree(body);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("request body is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("request body is not JSON: " + e.getMessage(), e);
        }
    }

    /** User and password of a Basic Authorization header, or null. */
    public String[] basicCredentials() {
        String auth = header("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded =
                    new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Token of a Bearer Authorization header, or null. */
    public String bearerToken() {
        String auth = header("Authorization");
        return auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)
                ? auth.substring(7).trim()
                : null;
    }

    static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }

    static Map<String, String> parseCookies(List<String> cookieHeaders) {
        Map<String, String> out = new LinkedHashMap<>();
        if (cookieHeaders == null) {
            return out;
        }
        for (String header : cookieHeaders) {
            for (String part : header.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
                }
            }
        }
        return out;
    }
}
