package io.visionhub.ledger.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.event.EventJson;
import io.visionhub.ledger.InspectionLedger;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.audit.AuditPackageVerifier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** /api/ledger/** through the whole hub: Spring Security users and roles, platform-http, JSON binding. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "visionhub.ledger.heads.every-records=5",
        "visionhub.routes.dir=target/ledger-test-no-routes",
})
@ActiveProfiles("isolated")
@DirtiesContext
class LedgerHttpTest {

    @LocalServerPort
    int port;

    @Autowired
    InspectionLedger ledger;

    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<byte[]> send(String method, String path, String body, String user) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + user + "-demo")
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        return EventJson.mapper().readTree(r.body());
    }

    @Test
    void theLedgerApiAnswersWithRolesAndSignaturesThroughTheHub() throws Exception {
        var first = LedgerTestSupport.event();
        ledger.append(first, List.of());
        for (int i = 0; i < 6; i++) {
            ledger.append(LedgerTestSupport.event(), List.of());
        }

        assertThat(send("GET", "/api/ledger/verify", null, null).statusCode()).isEqualTo(401);
        assertThat(send("GET", "/api/ledger/verify", null, "operator").statusCode()).isEqualTo(403);
        HttpResponse<byte[]> v = send("GET", "/api/ledger/verify", null, "auditor");
        assertThat(v.statusCode()).as(new String(v.body())).isEqualTo(200);
        assertThat(json(v).path("ok").asBoolean()).as(new String(v.body())).isTrue();

        HttpResponse<byte[]> proof = send("GET", "/api/ledger/proofs/inclusion/" + first.id(), null, "auditor");
        assertThat(json(proof).path("verified").asBoolean()).as(new String(proof.body())).isTrue();
        assertThat(json(send("GET", "/api/ledger/heads/latest", null, "quality")).path("treeSize").asLong())
                .isEqualTo(7);
        assertThat(new String(send("GET", "/api/ledger/public-key", null, "auditor").body()))
                .startsWith("-----BEGIN CERTIFICATE-----");

        String sign = "{\"targetType\":\"INSPECTION\",\"targetId\":\"" + first.id() + "\",\"disposition\":\"REJECT\","
                + "\"reason\":\"crack at edge\",\"meaning\":\"Approval of rejection\",\"printedName\":\"Q. User\","
                + "\"password\":\"quality-demo\"}";
        assertThat(send("POST", "/api/ledger/dispositions", sign, "auditor").statusCode()).isEqualTo(403);
        HttpResponse<byte[]> signed = send("POST", "/api/ledger/dispositions", sign, "quality");
        assertThat(signed.statusCode()).as(new String(signed.body())).isEqualTo(201);
        assertThat(json(signed).path("user").asText()).isEqualTo("quality");
        HttpResponse<byte[]> wrong = send("POST", "/api/ledger/dispositions", sign.replace("quality-demo", "x"),
                "quality");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(json(wrong).path("code").asText()).as(new String(wrong.body())).isEqualTo("signature_refused");
        HttpResponse<byte[]> bad = send("POST", "/api/ledger/dispositions", sign.replace("REJECT", "BURN"), "quality");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).path("message").asText()).contains("disposition 'BURN'");

        HttpResponse<byte[]> zip = send("GET", "/api/ledger/audit-package?order=PO-1001", null, "auditor");
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(zip.headers().firstValue("Content-Type").orElse("")).startsWith("application/zip");
        assertThat(AuditPackageVerifier.verify(new ByteArrayInputStream(zip.body()), null).ok()).isTrue();
        assertThat(send("GET", "/api/ledger/audit-package", null, "auditor").statusCode()).isEqualTo(400);
    }
}
