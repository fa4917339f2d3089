package io.visionhub.ledger.api;

import io.visionhub.api.ApiError;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.ConsistencyProof;
import io.visionhub.ledger.InclusionProof;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.disposition.DispositionRequest;
import io.visionhub.ledger.disposition.SignedDisposition;
import io.visionhub.ledger.verify.VerificationReport;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The routes behind /api/ledger/** (REST DSL left out: the api concern's platform-http serves it). */
class LedgerRestRoutesTest {

    @TempDir
    Path dir;
    LedgerFixture f;
    DefaultCamelContext camel;
    ProducerTemplate api;
    List<InspectionEvent> events;

    @BeforeEach
    void start() throws Exception {
        f = new LedgerFixture(dir);
        events = f.inspections(5);
        camel = new DefaultCamelContext();
        camel.addRoutes(new LedgerRestRoutes(f.service, f.dispositions, f.dispositionQueries, f.audit) {
            @Override
            protected void declareRest() {
            }
        });
        camel.start();
        api = camel.createProducerTemplate();
    }

    @AfterEach
    void stop() {
        camel.stop();
        f.close();
    }

    Exchange call(String route, String user, String roles, Map<String, Object> headers, Object body) {
        return api.request("direct:" + route, e -> {
            e.getMessage().setHeader(LedgerRoles.PRINCIPAL, user);
            e.getMessage().setHeader(LedgerRoles.ROLES, roles);
            headers.forEach(e.getMessage()::setHeader);
            e.getMessage().setBody(body);
        });
    }

    static int status(Exchange e) {
        return e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
    }

    @Test
    void anAuditorVerifiesAndGetsProofs() {
        Exchange v = call("ledger-verify", "kim", "AUDITOR", Map.of(), null);
        assertThat(v.getMessage().getBody(VerificationReport.class).ok()).isTrue();

        Exchange p = call("ledger-inclusion-proof", "kim", "AUDITOR", Map.of("record", events.get(2).id()), null);
        InclusionProof proof = p.getMessage().getBody(InclusionProof.class);
        assertThat(proof.seq()).isEqualTo(2);
        assertThat(proof.verified()).isTrue();
        assertThat(proof.head().treeSize()).isEqualTo(5);

        Exchange c = call("ledger-consistency-proof", "kim", "AUDITOR", Map.of("from", "2", "to", "5"), null);
        assertThat(c.getMessage().getBody(ConsistencyProof.class).verified()).isTrue();

        Exchange k = call("ledger-public-key", "kim", "AUDITOR", Map.of(), null);
        assertThat(k.getMessage().getBody(String.class)).startsWith("-----BEGIN CERTIFICATE-----");
        Exchange heads = call("ledger-heads", "kim", "QUALITY", Map.of(), null);
        assertThat(heads.getMessage().getBody(List.class)).isNotEmpty();
        Exchange rec = call("ledger-record", "kim", "ADMIN", Map.of("record", "0"), null);
        assertThat(rec.getMessage().getBody(Map.class)).containsEntry("seq", 0L);
    }

    @Test
    void rolesAreEnforced() {
        Exchange op = call("ledger-verify", "otto", "OPERATOR", Map.of(), null);
        assertThat(status(op)).isEqualTo(403);
        assertThat(op.getMessage().getBody(ApiError.class).message()).contains("otto lacks a role");
        assertThat(status(call("ledger-verify", "", "", Map.of(), null))).isEqualTo(401);
        DispositionRequest req = new DispositionRequest("INSPECTION", events.get(0).id(), "REJECT", "crack",
                "Approval", null, "s3cret!");
        assertThat(status(call("ledger-disposition-sign", "kim", "AUDITOR", Map.of(), req))).isEqualTo(403);
    }

    @Test
    void aQualityUserSignsAndAWrongPasswordIsRefused() {
        DispositionRequest req = new DispositionRequest("INSPECTION", events.get(0).id(), "REJECT", "crack",
                "Approval of rejection", "Lee Quality", "s3cret!");
        Exchange ok = call("ledger-disposition-sign", "qa.lee", "QUALITY", Map.of(), req);
        assertThat(status(ok)).isEqualTo(201);
        assertThat(ok.getMessage().getBody(SignedDisposition.class).printedName()).isEqualTo("Lee Quality");
        Exchange list = call("ledger-dispositions", "kim", "AUDITOR", Map.of("target", events.get(0).id()), null);
        assertThat(list.getMessage().getBody(List.class)).hasSize(1);

        DispositionRequest wrong = new DispositionRequest("INSPECTION", events.get(0).id(), "ACCEPT", "fine",
                "Approval", null, "guess");
        Exchange refused = call("ledger-disposition-sign", "qa.lee", "QUALITY", Map.of(), wrong);
        assertThat(status(refused)).isEqualTo(403);
        assertThat(refused.getMessage().getBody(ApiError.class).code()).isEqualTo("signature_refused");
        assertThat(refused.getMessage().getBody(ApiError.class).message()).contains("wrong password");
    }

    @Test
    void badInputGets400WithTheReason() {
        Exchange e = call("ledger-consistency-proof", "kim", "AUDITOR", Map.of("from", "x", "to", "5"), null);
        assertThat(status(e)).isEqualTo(400);
        assertThat(e.getMessage().getBody(ApiError.class).message()).contains("not a whole number");
        assertThat(status(call("ledger-consistency-proof", "kim", "AUDITOR", Map.of("from", "4", "to", "99"), null)))
                .isEqualTo(400);
        assertThat(status(call("ledger-inclusion-proof", "kim", "AUDITOR", Map.of("record", "no-such-id"), null)))
                .isEqualTo(400);
        assertThat(status(call("ledger-audit-package", "kim", "AUDITOR", Map.of(), null))).isEqualTo(400);
        assertThat(status(call("ledger-disposition-sign", "qa.lee", "QUALITY", Map.of(), null))).isEqualTo(400);
        Exchange zip = call("ledger-audit-package", "kim", "AUDITOR", Map.of("lot", "LOT-7"), null);
        assertThat(zip.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/zip");
        // streamed from a temporary file that is deleted once the answer is sent (here: when the call returned)
        assertThat(zip.getMessage().getBody()).isInstanceOf(java.io.File.class);
        assertThat((java.io.File) zip.getMessage().getBody()).doesNotExist();
    }
}
