package io.visionhub.simulators;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SapSimulatorTest {

    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();
    private SapSimulator sap;

    @BeforeEach
    void start() {
        sap = SapSimulator.onFreePort();
        sap.start();
    }

    @AfterEach
    void stop() {
        sap.stop();
    }

    private HttpRequest.Builder req(String path) {
        return HttpRequest.newBuilder(URI.create(sap.baseUrl() + path))
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString("VISIONHUB:secret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theSimulatorsServeWithTcpNoDelaySoThatSequentialCallsDoNotWaitForDelayedAcks() {
        // set by HttpSimulator before the JDK server reads it; -Dsun.net.httpserver.nodelay=... on the command line
        // wins
        assertThat(System.getProperty("sun.net.httpserver.nodelay")).isEqualTo("true");
    }

    @Test
    void writeWithoutCsrfTokenIsRefusedWith403AndRequiredHeader() throws Exception {
        HttpResponse<String> r = http.send(
                req(SapSimulator.PM_SERVICE + "/MaintenanceNotification?sap-client=100")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"NotificationText\":\"x\",\"NotificationType\":\"M1\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("X-CSRF-Token")).contains("Required");
        assertThat(r.body()).isEqualTo("CSRF token validation failed");
    }

    @Test
    void csrfFetchWithCookiesAllowsCreateAndFilterFindsByExternalReference() throws Exception {
        HttpResponse<String> fetch = http.send(
                req(SapSimulator.PM_SERVICE + "/?sap-client=100")
                        .header("X-CSRF-Token", "Fetch")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(fetch.statusCode()).isEqualTo(200);
        String token = fetch.headers().firstValue("X-CSRF-Token").orElseThrow();
        List<String> cookies = fetch.headers().allValues("Set-Cookie");
        assertThat(cookies)
                .anyMatch(c -> c.startsWith("SAP_SESSIONID_VHS_100="))
                .anyMatch(c -> c.startsWith("sap-XSRF_VHS_100="));
        String cookie =
                cookies.stream().map(c -> c.substring(0, c.indexOf(';'))).collect(Collectors.joining("; "));
        HttpResponse<String> created = http.send(
                req(SapSimulator.PM_SERVICE + "/MaintenanceNotification?sap-client=100")
                        .header("X-CSRF-Token", token)
                        .header("Cookie", cookie)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"NotificationText\":\"Scratch\",\"NotificationType\":\"M1\","
                                        + "\"MaintNotifExtReferenceNumber\":\"REF1\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).isPresent();
        String number = json.readTree(created.body())
                .path("d")
                .path("MaintenanceNotification")
                .asText();
        assertThat(number).hasSize(12);

        HttpResponse<String> found = http.send(
                req(SapSimulator.PM_SERVICE + "/MaintenanceNotification?sap-client=100&$filter="
                                + URLEncoder.encode("MaintNotifExtReferenceNumber eq 'REF1'", StandardCharsets.UTF_8))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode results = json.readTree(found.body()).path("d").path("results");
        assertThat(results).hasSize(1);
        assertThat(results.get(0).path("MaintenanceNotification").asText()).isEqualTo(number);
    }

    @Test
    void wrongPasswordAndUnknownClientAreRefusedWith401() throws Exception {
        HttpResponse<String> bad = http.send(
                HttpRequest.newBuilder(URI.create(sap.baseUrl() + SapSimulator.PM_SERVICE + "/"))
                        .header(
                                "Authorization",
                                "Basic " + Base64.getEncoder().encodeToString("VISIONHUB:wrong".getBytes()))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(401);
        HttpResponse<String> client = http.send(
                req(SapSimulator.PM_SERVICE + "/?sap-client=999").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(client.statusCode()).isEqualTo(401);
        assertThat(json.readTree(client.body())
                        .path("error")
                        .path("message")
                        .path("value")
                        .asText())
                .contains("999");
    }

    @Test
    void badFilterIsA400WithSapErrorBody() throws Exception {
        HttpResponse<String> r = http.send(
                req(SapSimulator.PM_SERVICE + "/MaintenanceNotification?$filter=nonsense")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode err = json.readTree(r.body()).path("error");
        assertThat(err.path("innererror").path("errordetails")).isNotEmpty();
    }

    @Test
    void injectedDownAnswers503() throws Exception {
        sap.faults().down(true);
        HttpResponse<String> r =
                http.send(req(SapSimulator.PM_SERVICE + "/").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(503);
    }
}
