package io.visionhub.ledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.api.HubHttpClient;
import io.visionhub.event.EventJson;
import io.visionhub.ledger.InspectionLedger;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.audit.AuditPackageVerifier;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/** /api/ledger/** through the whole hub: Spring Security users and roles, platform-http, JSON binding. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
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

    final HubHttpClient hub = new HubHttpClient(() -> port);

    HttpResponse<byte[]> send(String method, String path, String body, String user) throws Exception {
        return hub.sendAs(method, path, body, user, HttpResponse.BodyHandlers.ofByteArray());
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
        assertThat(send("GET", "/api/ledger/verify", null, "operator").statusCode())
                .isEqualTo(403);
        HttpResponse<byte[]> v = send("GET", "/api/ledger/verify", null, "auditor");
        assertThat(v.statusCode()).as(new String(v.body())).isEqualTo(200);
        assertThat(json(v).path("ok").asBoolean()).as(new String(v.body())).isTrue();

        HttpResponse<byte[]> proof = send("GET", "/api/ledger/proofs/inclusion/" + first.id(), null, "auditor");
        assertThat(json(proof).path("verified").asBoolean())
                .as(new String(proof.body()))
                .isTrue();
        assertThat(json(send("GET", "/api/ledger/heads/latest", null, "quality"))
                        .path("treeSize")
                        .asLong())
                .isEqualTo(7);
        // one more record: no signed head covers size 8 yet (next after 5 records or 10 s), so no proof yet
        ledger.append(LedgerTestSupport.event(), List.of());
        HttpResponse<byte[]> early = send("GET", "/api/ledger/proofs/inclusion/0?treeSize=8", null, "auditor");
        assertThat(early.statusCode()).as(new String(early.body())).isEqualTo(409);
        assertThat(json(early).path("code").asText()).isEqualTo("not_yet_signed");
        assertThat(early.headers().firstValue("Retry-After"))
                .hasValueSatisfying(
                        seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 10L));
        assertThat(new String(
                        send("GET", "/api/ledger/public-key", null, "auditor").body()))
                .startsWith("-----BEGIN CERTIFICATE-----");

        String sign = "{\"targetType\":\"INSPECTION\",\"targetId\":\"" + first.id() + "\",\"disposition\":\"REJECT\","
                + "\"reason\":\"crack at edge\",\"meaning\":\"APPROVED\",\"requestId\":\"r-42\","
                + "\"password\":\"quality-demo\"}";
        assertThat(send("POST", "/api/ledger/dispositions", sign, "auditor").statusCode())
                .isEqualTo(403);
        HttpResponse<byte[]> forged = send(
                "POST",
                "/api/ledger/dispositions",
                sign.replace("\"requestId\"", "\"printedName\":\"Dr. Alice Admin (QA Director)\",\"requestId\""),
                "quality");
        assertThat(forged.statusCode()).as(new String(forged.body())).isEqualTo(400);
        assertThat(json(forged).path("message").asText()).contains("printedName is not accepted");
        HttpResponse<byte[]> signed = send("POST", "/api/ledger/dispositions", sign, "quality");
        assertThat(signed.statusCode()).as(new String(signed.body())).isEqualTo(201);
        assertThat(json(signed).path("user").asText()).isEqualTo("quality");
        assertThat(json(signed).path("printedName").asText()).isEqualTo("Quinn Quality (demo)");
        assertThat(json(signed).path("meaning").asText()).isEqualTo("Approved: I approve this disposition");
        HttpResponse<byte[]> replayed = send("POST", "/api/ledger/dispositions", sign, "quality");
        assertThat(replayed.statusCode()).as(new String(replayed.body())).isEqualTo(200);
        assertThat(json(replayed).path("id").asText())
                .isEqualTo(json(signed).path("id").asText());
        HttpResponse<byte[]> other = send(
                "POST",
                "/api/ledger/dispositions",
                sign.replace("REJECT", "ACCEPT").replace("r-42", "r-43"),
                "quality");
        assertThat(other.statusCode()).as(new String(other.body())).isEqualTo(409);
        assertThat(json(other).path("message").asText())
                .contains(json(signed).path("id").asText());
        HttpResponse<byte[]> unknownMeaning =
                send("POST", "/api/ledger/dispositions", sign.replace("APPROVED", "Approval of rejection"), "quality");
        assertThat(unknownMeaning.statusCode()).isEqualTo(400);
        assertThat(json(unknownMeaning).path("message").asText()).contains("APPROVED, RESPONSIBILITY, REVIEWED");
        HttpResponse<byte[]> wrong =
                send("POST", "/api/ledger/dispositions", sign.replace("quality-demo", "x"), "quality");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(json(wrong).path("code").asText())
                .as(new String(wrong.body()))
                .isEqualTo("signature_refused");
        HttpResponse<byte[]> bad = send("POST", "/api/ledger/dispositions", sign.replace("REJECT", "BURN"), "quality");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).path("message").asText()).contains("disposition 'BURN'");

        HttpResponse<byte[]> zip = send("GET", "/api/ledger/audit-package?order=PO-1001", null, "auditor");
        assertThat(zip.statusCode()).isEqualTo(200);
        assertThat(zip.headers().firstValue("Content-Type").orElse("")).startsWith("application/zip");
        assertThat(AuditPackageVerifier.verify(new ByteArrayInputStream(zip.body()), null)
                        .ok())
                .isTrue();
        assertThat(send("GET", "/api/ledger/audit-package", null, "auditor").statusCode())
                .isEqualTo(400);
    }
}
