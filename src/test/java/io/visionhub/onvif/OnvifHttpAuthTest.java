package io.visionhub.onvif;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.visionhub.onvif.OnvifException.Kind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP authentication of camera URLs (snapshots) against a small HTTP server whose challenges the test writes:
 * RFC 7616's SHA-256 and MD5 test vectors, the -sess variants, several challenges of which the first supported is
 * answered, a digest algorithm the hub cannot answer named in the error, and snapshot URIs behind HTTP Basic.
 */
class OnvifHttpAuthTest {

    static final String USER = "hub";
    static final String PASSWORD = "s3cr&t:pw";
    static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9};

    HttpServer server;
    final List<String> authorizations = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** A snapshot URL that answers 401 with the challenges given until a request passes the check. */
    URI snapshot(List<String> challenges, Predicate<HttpExchange> authorized) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/snapshot.jpg", ex -> {
            try (ex) {
                String h = ex.getRequestHeaders().getFirst("Authorization");
                authorizations.add(h == null ? "" : h);
                if (h != null && authorized.test(ex)) {
                    ex.sendResponseHeaders(200, JPEG.length);
                    ex.getResponseBody().write(JPEG);
                    return;
                }
                challenges.forEach(c -> ex.getResponseHeaders().add("WWW-Authenticate", c));
                ex.sendResponseHeaders(401, -1);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/snapshot.jpg");
    }

    static OnvifClient client(URI uri, String password) {
        return new OnvifClient(uri.resolve("/onvif/device_service"), USER, password, Duration.ofSeconds(10));
    }

    static Predicate<HttpExchange> digestChecked(String algorithm) {
        return ex -> {
            Map<String, String> f = HttpDigest.fields(ex.getRequestHeaders().getFirst("Authorization"));
            return algorithm.equals(f.get("algorithm"))
                    && USER.equals(f.get("username"))
                    && HttpDigest.expectedResponse(f, PASSWORD, "GET").equals(f.get("response"));
        };
    }

    @Test
    void rfc7616TestVectorsForSha256AndMd5() {
        // RFC 7616 section 3.9.1: the same request answered with SHA-256 and with MD5
        Map<String, String> auth = Map.of(
                "username", "Mufasa",
                "realm", "http-auth@example.org",
                "nonce", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
                "uri", "/dir/index.html",
                "qop", "auth",
                "nc", "00000001",
                "cnonce", "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
        Map<String, String> sha256 = new java.util.HashMap<>(auth);
        sha256.put("algorithm", "SHA-256");
        assertThat(HttpDigest.expectedResponse(sha256, "Circle of Life", "GET"))
                .isEqualTo("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
        Map<String, String> md5 = new java.util.HashMap<>(auth);
        md5.put("algorithm", "MD5");
        assertThat(HttpDigest.expectedResponse(md5, "Circle of Life", "GET"))
                .isEqualTo("8ca523f5e9506fed4657c9700eebdbec");
    }

    @Test
    void theSessVariantsHashTheClientNonceTheHeaderCarries() {
        for (String algorithm : List.of("MD5-sess", "SHA-256-sess")) {
            HttpDigest challenge =
                    HttpDigest.parse("Digest realm=\"cam\", qop=\"auth\", nonce=\"n0nce\", algorithm=" + algorithm);
            Map<String, String> f = HttpDigest.fields(challenge.authorization(USER, PASSWORD, "GET", "/s.jpg"));
            String hash = algorithm.startsWith("SHA") ? "SHA-256" : "MD5";
            // RFC 7616 section 3.4.2: HA1 = H(H(user:realm:password):nonce:cnonce), with the cnonce of the header
            String ha1 = HttpDigest.hash(
                    hash, HttpDigest.hash(hash, USER + ":cam:" + PASSWORD) + ":n0nce:" + f.get("cnonce"));
            String ha2 = HttpDigest.hash(hash, "GET:/s.jpg");
            assertThat(f.get("response"))
                    .as(algorithm)
                    .isEqualTo(HttpDigest.hash(
                            hash, ha1 + ":n0nce:" + f.get("nc") + ":" + f.get("cnonce") + ":auth:" + ha2));
            assertThat(HttpDigest.expectedResponse(f, PASSWORD, "GET")).isEqualTo(f.get("response"));
        }
    }

    @Test
    void ofSeveralChallengesTheFirstSupportedOneIsAnsweredAndTheSnapshotComes() throws Exception {
        URI uri = snapshot(
                List.of(
                        "Digest realm=\"cam\", qop=\"auth\", nonce=\"a1\", algorithm=SHA-512-256",
                        "Digest realm=\"cam\", qop=\"auth\", nonce=\"a2\", algorithm=SHA-256",
                        "Digest realm=\"cam\", qop=\"auth\", nonce=\"a3\", algorithm=MD5"),
                digestChecked("SHA-256"));
        OnvifClient c = client(uri, PASSWORD);
        assertThat(c.get(uri)).isEqualTo(JPEG);
        assertThat(c.get(uri))
                .as("the challenge is kept: no 401 the second time")
                .isEqualTo(JPEG);
        assertThat(authorizations).hasSize(3);
        assertThat(authorizations.get(2)).contains("algorithm=SHA-256").contains("nc=00000002");
        assertThat(String.join(" ", authorizations)).doesNotContain(PASSWORD);
        assertThatThrownBy(() -> client(uri, "wrong").get(uri))
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTH))
                .hasMessageContaining("answered HTTP 401")
                .hasMessageNotContaining("wrong");
    }

    @Test
    void aDigestAlgorithmTheHubCannotAnswerIsAnAuthErrorNamingIt() throws Exception {
        URI uri = snapshot(
                List.of("Digest realm=\"cam\", qop=\"auth\", nonce=\"a1\", algorithm=SHA-512-256"), ex -> true);
        assertThat(HttpDigest.select(List.of("Digest realm=\"cam\", nonce=\"a1\", algorithm=SHA-512-256")))
                .isNull();
        assertThatThrownBy(() -> client(uri, PASSWORD).get(uri))
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTH))
                .hasMessageContaining("asks for HTTP digest authentication with algorithm SHA-512-256 for snapshot")
                .hasMessageContaining("MD5, SHA-256")
                .hasMessageNotContaining(PASSWORD);
        assertThat(authorizations).as("nothing answered with a wrong algorithm").containsExactly("");
    }

    @Test
    void aSnapshotBehindHttpBasicGetsTheCredentialsOnceAskedAndThenWithEveryPoll() throws Exception {
        String expected =
                "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        URI uri = snapshot(
                List.of("Basic realm=\"cam\""),
                ex -> expected.equals(ex.getRequestHeaders().getFirst("Authorization")));
        OnvifClient c = client(uri, PASSWORD);
        assertThat(c.get(uri)).isEqualTo(JPEG);
        assertThat(c.get(uri)).isEqualTo(JPEG);
        assertThat(authorizations)
                .as("no credentials before the camera asks, then each time")
                .containsExactly("", expected, expected);

        authorizations.clear();
        assertThatThrownBy(() -> client(uri, "wrong").get(uri))
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTH))
                .hasMessageContaining("snapshot /snapshot.jpg answered HTTP 401")
                .hasMessageNotContaining("wrong");
        assertThat(authorizations)
                .as("a refused Basic login is tried once, not in a loop")
                .hasSize(2);
    }

    @Test
    void aBasicOrUnknownChallengeIsNeverAnsweredOnSoapCalls() throws Exception {
        // SOAP calls carry the WS-UsernameToken; a 401 with only Basic is the camera's answer, not a cue for Basic
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/onvif/device_service", ex -> {
            try (ex) {
                authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"cam\"");
                ex.sendResponseHeaders(401, -1);
            }
        });
        server.start();
        OnvifClient c =
                client(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), PASSWORD);
        assertThatThrownBy(c::deviceInformation)
                .isInstanceOfSatisfying(
                        OnvifException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTH))
                .hasMessageNotContaining(PASSWORD);
        assertThat(authorizations).containsOnly("null");
    }
}
