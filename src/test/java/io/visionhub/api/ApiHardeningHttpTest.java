package io.visionhub.api;

import static io.visionhub.api.HubHttpClient.basicAuth;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.visionhub.event.EventJson;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * Hardening of the HTTP side through real HTTP on a random port (issue 13): no request header echoed in an
 * answer, back-off after failed logins, health details for logged-in callers only and 503 when DOWN, and the
 * error document (not an empty 500) for bad JSON in a disposition, an unknown image and paths the firewall
 * refuses. Requests go over plain sockets so that the throttle tests can come from their own loopback address
 * (127.0.0.2, .3, .4) and lock out nobody else.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "visionhub.context.lines=line-h",
            "visionhub.routes.dir=target/api-hardening-no-routes",
            // short lock-outs so that a test waits them out in seconds
            "visionhub.login-throttle.base-delay=1s",
            "visionhub.login-throttle.max-delay=2s",
        })
@ActiveProfiles({"isolated", "api-only"})
@DirtiesContext
class ApiHardeningHttpTest {

    /** Status of the test's own health indicator ("probe"). */
    static final AtomicReference<Health> PROBE =
            new AtomicReference<>(Health.up().build());

    @TestConfiguration
    static class ProbeHealth {
        @Bean
        HealthIndicator probeHealthIndicator() {
            return PROBE::get;
        }
    }

    @LocalServerPort
    int port;

    @AfterEach
    void probeUp() {
        PROBE.set(Health.up().build());
    }

    // ---------------------------------------------------------------- raw HTTP

    record Answer(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.get(0);
        }

        JsonNode json() throws Exception {
            return EventJson.mapper().readTree(body);
        }
    }

    /** One HTTP/1.1 request from the given local address; the path is sent exactly as written. */
    Answer sendFrom(String from, String method, String path, String body, String... headers) throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(from, 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(20_000);
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\nContent-Length: " + bytes.length + "\r\n");
            for (int i = 0; i < headers.length; i += 2) {
                req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(bytes);
            out.flush();
            return parse(s.getInputStream());
        }
    }

    Answer send(String method, String path, String body, String... headers) throws Exception {
        return sendFrom("127.0.0.1", method, path, body, headers);
    }

    static Answer parse(InputStream in) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String raw = all.toString(StandardCharsets.UTF_8);
        int end = raw.indexOf("\r\n\r\n");
        String[] lines = raw.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(
                            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        String body = raw.substring(end + 4);
        if ("chunked"
                .equalsIgnoreCase(
                        headers.getOrDefault("transfer-encoding", List.of("")).get(0))) {
            body = dechunk(body);
        }
        return new Answer(status, headers, body);
    }

    static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int eol = body.indexOf("\r\n", i);
            int size = Integer.parseInt(body.substring(i, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(body, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }

    static void assertError(Answer r, int status, String code) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).as(r.headers().toString()).startsWith("application/json");
        JsonNode e = r.json();
        assertThat(e.path("code").asText()).as(r.body()).isEqualTo(code);
        assertThat(e.path("message").asText()).isNotBlank();
        assertThat(e.has("field")).as(r.body()).isTrue();
    }

    // ---------------------------------------------------------------- item 7: no echoed credentials

    @Test
    void noAnswerEchoesCredentialsCookiesOrPrincipalHeaders() throws Exception {
        String password = "operator-demo";
        String[] spoofed = {
            "Cookie",
            "SESSION=secret-cookie-value",
            "VisionHubPrincipal",
            "mallory",
            "VisionHubRoles",
            "ADMIN",
            "Proxy-Authorization",
            "Basic cHJveHk6c2VjcmV0"
        };
        List<Answer> answers = new ArrayList<>();
        // GET 200 (Basic), GET 404 (route error), PUT 200 (API key), POST 400 (binding error), GET 404 (raw route),
        // GET 403, GET 200 (API key)
        answers.add(send(
                "GET",
                "/api/inspections",
                null,
                concat(new String[] {"Authorization", basicAuth("operator", password)}, spoofed)));
        answers.add(send(
                "GET",
                "/api/inspections/no-such-inspection",
                null,
                concat(new String[] {"Authorization", basicAuth("operator", password)}, spoofed)));
        answers.add(send(
                "PUT",
                "/api/context/line-h",
                "{\"productionOrder\":\"PO-H\",\"version\":1}",
                concat(new String[] {"X-API-Key", "demo-mes-key", "Content-Type", "application/json"}, spoofed)));
        answers.add(send(
                "POST",
                "/api/ledger/dispositions",
                "{\"colour\":\"red\"}",
                concat(
                        new String[] {
                            "Authorization", basicAuth("quality", "quality-demo"), "Content-Type", "application/json"
                        },
                        spoofed)));
        answers.add(send(
                "GET",
                "/api/images/" + "0".repeat(64),
                null,
                concat(new String[] {"Authorization", basicAuth("operator", password)}, spoofed)));
        answers.add(send(
                "GET",
                "/api/orders/PO-H/summary",
                null,
                concat(new String[] {"Authorization", basicAuth("operator", password)}, spoofed)));
        answers.add(send("GET", "/api/context", null, concat(new String[] {"X-API-Key", "demo-erp-key"}, spoofed)));

        for (Answer a : answers) {
            assertThat(a.headers().keySet())
                    .as(a.status() + " " + a.headers())
                    .doesNotContain(
                            "authorization",
                            "proxy-authorization",
                            "x-api-key",
                            "cookie",
                            "visionhubprincipal",
                            "visionhubroles");
            String all = a.headers().toString();
            assertThat(all)
                    .doesNotContain(
                            basicAuth("operator", password).substring(6),
                            "demo-mes-key",
                            "demo-erp-key",
                            "secret-cookie-value",
                            "mallory",
                            "cHJveHk6c2VjcmV0");
        }
        assertThat(answers).extracting(Answer::status).containsExactly(200, 404, 200, 400, 404, 403, 200);
    }

    // ---------------------------------------------------------------- item 9: back-off after failed logins

    private ListAppender<ILoggingEvent> captureThrottleLog() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger("io.visionhub.access.LoginThrottle")).addAppender(appender);
        return appender;
    }

    @Test
    void wrongPasswordsLockTheUserOutWith429AndRetryAfterThenTheRightOneWorks(@Autowired MeterRegistry registry)
            throws Exception {
        String from = "127.0.0.2";
        ListAppender<ILoggingEvent> log = captureThrottleLog();
        List<Integer> statuses = new ArrayList<>();
        Answer locked = null;
        for (int i = 0; i < 30; i++) {
            Answer a = sendFrom(
                    from, "GET", "/api/inspections", null, "Authorization", basicAuth("operator", "guess-" + i));
            statuses.add(a.status());
            if (a.status() == 429) {
                locked = a;
            }
        }
        assertThat(statuses.subList(0, 5)).as(statuses.toString()).containsOnly(401);
        assertThat(statuses).as(statuses.toString()).containsOnly(401, 429);
        assertThat(statuses.stream().filter(s -> s == 429).count())
                .as(statuses.toString())
                .isGreaterThanOrEqualTo(15);
        assertThat(locked).isNotNull();
        assertError(locked, 429, "too_many_failed_logins");
        assertThat(Long.parseLong(locked.header("Retry-After"))).isBetween(1L, 2L);

        // still locked: the right password is not even checked
        assertThat(sendFrom(
                                from,
                                "GET",
                                "/api/inspections",
                                null,
                                "Authorization",
                                basicAuth("operator", "operator-demo"))
                        .status())
                .isEqualTo(429);
        // another address is not affected
        assertThat(send("GET", "/api/inspections", null, "Authorization", basicAuth("operator", "operator-demo"))
                        .status())
                .isEqualTo(200);
        // after the back-off the right password works
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> sendFrom(
                                        from,
                                        "GET",
                                        "/api/inspections",
                                        null,
                                        "Authorization",
                                        basicAuth("operator", "operator-demo"))
                                .status()
                        == 200);

        List<String> lines =
                log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("operator", from, "wrong password"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("operator", from, "locked out"));
        assertThat(String.join("\n", lines)).doesNotContain("guess-", "operator-demo");
        assertThat(log.list).allSatisfy(e -> assertThat(e.getLevel().toString()).isEqualTo("WARN"));
        assertThat(registry.get("visionhub.login.refused")
                        .tag("protocol", "http")
                        .tag("reason", "bad_credentials")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(5);
        assertThat(registry.get("visionhub.login.refused")
                        .tag("protocol", "http")
                        .tag("reason", "locked_out")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(15);
    }

    @Test
    void wrongApiKeysAreThrottledTooAndTheRightKeyWorksAfterTheBackOff() throws Exception {
        String from = "127.0.0.3";
        ListAppender<ILoggingEvent> log = captureThrottleLog();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            statuses.add(sendFrom(from, "GET", "/api/context", null, "X-API-Key", "wrong-key-" + i)
                    .status());
        }
        assertThat(statuses.subList(0, 5)).as(statuses.toString()).containsOnly(401);
        assertThat(statuses.subList(5, 30)).as(statuses.toString()).contains(429);
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> sendFrom(from, "GET", "/api/context", null, "X-API-Key", "demo-mes-key")
                                .status()
                        == 200);
        String lines = String.join(
                "\n", log.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
        assertThat(lines).contains("api-key", from, "unknown API key").doesNotContain("wrong-key-");
    }

    @Test
    void manyUsersFailingFromOneAddressLockTheAddressOut() throws Exception {
        String from = "127.0.0.4";
        for (int i = 0; i < 20; i++) {
            assertThat(sendFrom(from, "GET", "/api/inspections", null, "Authorization", basicAuth("nobody-" + i, "x"))
                            .status())
                    .isEqualTo(401);
        }
        Answer a =
                sendFrom(from, "GET", "/api/inspections", null, "Authorization", basicAuth("auditor", "auditor-demo"));
        assertError(a, 429, "too_many_failed_logins");
        assertThat(a.json().path("message").asText()).contains("from this address");
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> sendFrom(
                                        from,
                                        "GET",
                                        "/api/inspections",
                                        null,
                                        "Authorization",
                                        basicAuth("auditor", "auditor-demo"))
                                .status()
                        == 200);
    }

    // ---------------------------------------------------------------- items 10 and 11: health

    @Test
    void healthDetailsOnlyForLoggedInCallers() throws Exception {
        Answer anonymous = send("GET", "/actuator/health", null);
        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.json().path("status").asText()).isEqualTo("UP");
        assertThat(anonymous.json().has("components")).as(anonymous.body()).isFalse();
        assertThat(anonymous.body()).doesNotContain("probe", "hazelcast", "db");

        Answer operator =
                send("GET", "/actuator/health", null, "Authorization", basicAuth("operator", "operator-demo"));
        assertThat(operator.status()).isEqualTo(200);
        assertThat(operator.json().path("components").has("probe"))
                .as(operator.body())
                .isTrue();
        Answer system = send("GET", "/actuator/health", null, "X-API-Key", "demo-mes-key");
        assertThat(system.json().path("components").has("probe"))
                .as(system.body())
                .isTrue();
    }

    @Test
    void healthAnswers503WhileDown() throws Exception {
        PROBE.set(Health.down().withDetail("error", "starting").build());
        Answer down = send("GET", "/actuator/health", null);
        assertThat(down.json().path("status").asText()).isEqualTo("DOWN");
        assertThat(down.status()).isEqualTo(503);
        PROBE.set(Health.outOfService().build());
        assertThat(send("GET", "/actuator/health", null).status()).isEqualTo(503);
        PROBE.set(Health.status("DEGRADED").build());
        assertThat(send("GET", "/actuator/health", null).status()).isEqualTo(200);
    }

    // ---------------------------------------------------------------- item 15: the error document, not an empty 500

    @Test
    void unknownFieldInADispositionGets400NamingTheField() throws Exception {
        Answer a = send(
                "POST",
                "/api/ledger/dispositions",
                "{\"targetType\":\"INSPECTION\",\"targetId\":\"x\","
                        + "\"disposition\":\"REJECT\",\"reason\":\"r\",\"colour\":\"red\",\"password\":\"quality-demo\"}",
                "Authorization",
                basicAuth("quality", "quality-demo"),
                "Content-Type",
                "application/json");
        assertError(a, 400, "unknown_field");
        assertThat(a.json().path("field").asText()).isEqualTo("colour");
    }

    @Test
    void unknownImageHashGets404WithTheErrorDocument() throws Exception {
        Answer a = send(
                "GET", "/api/images/" + "ab".repeat(32), null, "Authorization", basicAuth("operator", "operator-demo"));
        assertError(a, 404, "not_found");
        assertThat(a.json().path("field").asText()).isEqualTo("sha256");
    }

    @Test
    void pathsTheFirewallRefusesGet400WithTheErrorDocument() throws Exception {
        for (String path : List.of(
                "/api/..;/inspections",
                "/api//inspections",
                "/api/images/a%2Fb",
                "/api/inspections;x=1",
                "/api/%2e%2e/actuator/env")) {
            Answer a = send("GET", path, null, "Authorization", basicAuth("operator", "operator-demo"));
            assertThat(a.status()).as(path + " -> " + a.body()).isEqualTo(400);
            assertThat(a.header("Content-Type")).as(path).startsWith("application/json");
            assertThat(a.json().path("code").asText())
                    .as(path + " -> " + a.body())
                    .isIn("rejected_path", "bad_request");
            assertThat(a.json().path("message").asText()).as(path).isNotBlank();
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
