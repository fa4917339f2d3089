package io.visionhub.onvif;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP Digest access authentication (RFC 7616, MD5 and SHA-256, qop=auth) for cameras that answer 401 with
 * {@code WWW-Authenticate: Digest ...} instead of (or besides) checking the WS-Security token. Java's HTTP client
 * has no digest support; one challenge is kept and reused with a growing nonce count until the camera asks again.
 */
public final class HttpDigest {

    private static final Pattern PARAM = Pattern.compile("(\\w+)\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^,\\s]*))");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Set<String> SUPPORTED = Set.of("MD5", "MD5-SESS", "SHA-256", "SHA-256-SESS");

    private final Map<String, String> challenge;
    private final AtomicInteger count = new AtomicInteger();

    private HttpDigest(Map<String, String> challenge) {
        this.challenge = challenge;
    }

    /** The digest challenge of a WWW-Authenticate header, or null when it is not a Digest challenge. */
    public static HttpDigest parse(String wwwAuthenticate) {
        if (wwwAuthenticate == null) {
            return null;
        }
        String h = wwwAuthenticate.trim();
        int at = h.toLowerCase(Locale.ROOT).indexOf("digest ");
        if (at < 0) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(h.substring(at + 7));
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2) != null ? m.group(2) : m.group(3));
        }
        if (params.get("nonce") == null || params.get("realm") == null) {
            return null;
        }
        return new HttpDigest(params);
    }

    /**
     * The challenge to answer among a 401's WWW-Authenticate headers: the first Digest challenge whose algorithm the
     * hub supports (RFC 7616 section 3.7: the server lists them in its order of preference), or null when there is
     * none.
     */
    public static HttpDigest select(List<String> wwwAuthenticate) {
        for (String h : wwwAuthenticate) {
            HttpDigest d = parse(h);
            if (d != null && d.supported()) {
                return d;
            }
        }
        return null;
    }

    /** The algorithms of the Digest challenges among the headers that the hub cannot answer (for the error). */
    public static List<String> unsupportedAlgorithms(List<String> wwwAuthenticate) {
        List<String> out = new ArrayList<>();
        for (String h : wwwAuthenticate) {
            HttpDigest d = parse(h);
            if (d != null && !d.supported()) {
                out.add(d.algorithm());
            }
        }
        return out;
    }

    /** The challenge's algorithm, MD5 when it names none. */
    public String algorithm() {
        return challenge.getOrDefault("algorithm", "MD5");
    }

    /** MD5, SHA-256 and their -sess variants; not SHA-512-256 (rare in cameras) or anything unknown. */
    public boolean supported() {
        return SUPPORTED.contains(algorithm().toUpperCase(Locale.ROOT));
    }

    public String realm() {
        return challenge.get("realm");
    }

    /** The Authorization header for one request. */
    public String authorization(String username, String password, String method, String uri) {
        String algorithm = algorithm();
        String hashName = algorithm.toUpperCase(Locale.ROOT).startsWith("SHA-256") ? "SHA-256" : "MD5";
        String qop = qop(challenge.get("qop"));
        String nonce = challenge.get("nonce");
        // one client nonce per request: the -sess HA1 and the response must use the one the header carries
        String cnonce = cnonce();
        boolean sess = algorithm.toLowerCase(Locale.ROOT).endsWith("-sess");
        String ha1 = hash(hashName, username + ":" + realm() + ":" + password);
        if (sess) {
            ha1 = hash(hashName, ha1 + ":" + nonce + ":" + cnonce);
        }
        String ha2 = hash(hashName, method + ":" + uri);
        StringBuilder h = new StringBuilder("Digest username=\"")
                .append(username)
                .append("\", realm=\"")
                .append(realm())
                .append("\", nonce=\"")
                .append(nonce)
                .append("\", uri=\"")
                .append(uri)
                .append("\", algorithm=")
                .append(algorithm);
        if (qop != null) {
            String nc = String.format("%08x", count.incrementAndGet());
            String response = hash(hashName, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
            h.append(", qop=")
                    .append(qop)
                    .append(", nc=")
                    .append(nc)
                    .append(", cnonce=\"")
                    .append(cnonce)
                    .append("\", response=\"")
                    .append(response)
                    .append('"');
        } else {
            if (sess) {
                h.append(", cnonce=\"").append(cnonce).append('"');
            }
            h.append(", response=\"")
                    .append(hash(hashName, ha1 + ":" + nonce + ":" + ha2))
                    .append('"');
        }
        if (challenge.containsKey("opaque")) {
            h.append(", opaque=\"").append(challenge.get("opaque")).append('"');
        }
        return h.toString();
    }

    /** The expected response for a received Authorization header's fields (for a server that checks digests). */
    public static String expectedResponse(Map<String, String> auth, String password, String method) {
        String algorithm = auth.getOrDefault("algorithm", "MD5");
        String hashName = algorithm.toUpperCase(Locale.ROOT).startsWith("SHA-256") ? "SHA-256" : "MD5";
        String ha1 = hash(hashName, auth.get("username") + ":" + auth.get("realm") + ":" + password);
        if (algorithm.toLowerCase(Locale.ROOT).endsWith("-sess")) {
            ha1 = hash(hashName, ha1 + ":" + auth.get("nonce") + ":" + auth.get("cnonce"));
        }
        String ha2 = hash(hashName, method + ":" + auth.get("uri"));
        if (auth.get("qop") != null) {
            return hash(
                    hashName,
                    ha1 + ":" + auth.get("nonce") + ":" + auth.get("nc") + ":" + auth.get("cnonce") + ":"
                            + auth.get("qop") + ":" + ha2);
        }
        return hash(hashName, ha1 + ":" + auth.get("nonce") + ":" + ha2);
    }

    /** The fields of an Authorization: Digest header. */
    public static Map<String, String> fields(String authorization) {
        HttpDigest d = parse(authorization);
        if (d != null) {
            return d.challenge;
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (authorization != null && authorization.regionMatches(true, 0, "Digest ", 0, 7)) {
            Matcher m = PARAM.matcher(authorization.substring(7));
            while (m.find()) {
                params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2) != null ? m.group(2) : m.group(3));
            }
        }
        return params;
    }

    private static String qop(String offered) {
        if (offered == null) {
            return null;
        }
        for (String q : offered.split(",")) {
            if ("auth".equals(q.trim())) {
                return "auth";
            }
        }
        return null; // auth-int only: answer without qop (RFC 2069 style), the camera may refuse
    }

    private static String cnonce() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    static String hash(String algorithm, String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
    }
}
