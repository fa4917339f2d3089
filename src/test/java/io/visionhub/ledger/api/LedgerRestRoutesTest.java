package io.visionhub.ledger.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.api.ApiError;
import io.visionhub.api.ApiPrincipalHeaderFilter;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.ConsistencyProof;
import io.visionhub.ledger.InclusionProof;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.disposition.DispositionRequest;
import io.visionhub.ledger.disposition.SignedDisposition;
import io.visionhub.ledger.heads.KeyRotation;
import io.visionhub.ledger.verify.VerificationReport;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
            protected void declareRest() {}
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
            e.getMessage().setHeader(ApiPrincipalHeaderFilter.PRINCIPAL, user);
            e.getMessage().setHeader(ApiPrincipalHeaderFilter.ROLES, roles);
            headers.forEach(e.getMessage()::setHeader);
            e.getMessage().setBody(body);
        });
    }

    static int status(Exchange e) {
        return e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
    }

    @Test
    void anAdminRotatesTheKeyTheRotationIsRecordedAndTheLogStillVerifies() {
        Exchange refused = call(
                "ledger-key-rotate", "lee", "QUALITY", Map.of(), new LedgerRestRoutes.KeyRotationRequest("yearly"));
        assertThat(status(refused)).isEqualTo(403);
        assertThat(status(call(
                        "ledger-key-rotate", "root", "ADMIN", Map.of(), new LedgerRestRoutes.KeyRotationRequest(" "))))
                .isEqualTo(400);
        String before = f.signer.keyId();
        Exchange done = call(
                "ledger-key-rotate",
                "root",
                "ADMIN",
                Map.of(),
                new LedgerRestRoutes.KeyRotationRequest("yearly key rotation"));
        assertThat(status(done)).isEqualTo(201);
        var rotation = done.getMessage().getBody(KeyRotation.class);
        assertThat(rotation.previousKeyId()).isEqualTo(before);
        assertThat(f.ledger.size()).isEqualTo(6);
        assertThat(f.ledger.latestHead().keyId()).isEqualTo(before); // the head over the rotation record
        f.inspections(2);
        assertThat(f.ledger.signNow().keyId()).isEqualTo(rotation.newKeyId());
        VerificationReport r = f.service.verify();
        assertThat(r.ok()).as(r.summary()).isTrue();
    }

    @Test
    void aDispositionOrRotationWithoutABodyIs400MissingBodyAndSignsNothing() {
        long size = f.ledger.size();
        for (String route : new String[] {"ledger-disposition-sign", "ledger-key-rotate"}) {
            Exchange missing = call(route, "root", "ADMIN", Map.of(), null);
            assertThat(status(missing)).as(route).isEqualTo(400);
            assertThat(missing.getMessage().getBody(ApiError.class).code())
                    .as(route)
                    .isEqualTo("missing_body");
        }
        assertThat(f.ledger.size()).isEqualTo(size);
    }

    @Test
    void anAuditorVerifiesAndGetsProofs() {
        Exchange v = call("ledger-verify", "kim", "AUDITOR", Map.of(), null);
        assertThat(v.getMessage().getBody(VerificationReport.class).ok()).isTrue();

        // 5 records, a head every 10 (or every hour): none signed yet, so no proof yet, but when to ask again
        Exchange early = call(
                "ledger-inclusion-proof",
                "kim",
                "AUDITOR",
                Map.of("record", events.get(2).id()),
                null);
        assertThat(status(early)).isEqualTo(409);
        assertThat(early.getMessage().getBody(ApiError.class).code()).isEqualTo("not_yet_signed");
        assertThat(early.getMessage().getBody(ApiError.class).message())
                .contains("record 2 is not yet in a signed head", "retry after");
        assertThat(early.getMessage().getHeader("Retry-After", Long.class)).isBetween(1L, 3600L);
        Exchange earlyConsistency =
                call("ledger-consistency-proof", "kim", "AUDITOR", Map.of("from", "2", "to", "5"), null);
        assertThat(status(earlyConsistency)).isEqualTo(409);
        f.ledger.signNow();

        Exchange p = call(
                "ledger-inclusion-proof",
                "kim",
                "AUDITOR",
                Map.of("record", events.get(2).id()),
                null);
        InclusionProof proof = p.getMessage().getBody(InclusionProof.class);
        assertThat(proof.seq()).isEqualTo(2);
        assertThat(proof.verified()).isTrue();
        assertThat(proof.head().treeSize()).isEqualTo(5);

        // a smaller size than the latest head's is served as asked (no head at size 3: checked by its own root)
        Exchange at3 = call("ledger-inclusion-proof", "kim", "AUDITOR", Map.of("record", "2", "treeSize", "3"), null);
        assertThat(at3.getMessage().getBody(InclusionProof.class).treeSize()).isEqualTo(3);
        assertThat(at3.getMessage().getBody(InclusionProof.class).verified()).isTrue();

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
        DispositionRequest req =
                DispositionRequest.of("INSPECTION", events.get(0).id(), "REJECT", "crack", "APPROVED", "s3cret!");
        assertThat(status(call("ledger-disposition-sign", "kim", "AUDITOR", Map.of(), req)))
                .isEqualTo(403);
    }

    @Test
    void aQualityUserSignsAndAWrongPasswordIsRefused() {
        DispositionRequest req =
                DispositionRequest.of("INSPECTION", events.get(0).id(), "REJECT", "crack", "APPROVED", "s3cret!");
        Exchange ok = call("ledger-disposition-sign", "qa.lee", "QUALITY", Map.of(), req);
        assertThat(status(ok)).isEqualTo(201);
        assertThat(ok.getMessage().getBody(SignedDisposition.class).printedName())
                .isEqualTo("Lee Quality");
        Exchange list = call(
                "ledger-dispositions",
                "kim",
                "AUDITOR",
                Map.of("target", events.get(0).id()),
                null);
        assertThat(list.getMessage().getBody(List.class)).hasSize(1);

        DispositionRequest wrong =
                DispositionRequest.of("INSPECTION", events.get(0).id(), "ACCEPT", "fine", "APPROVED", "guess");
        Exchange refused = call("ledger-disposition-sign", "qa.lee", "QUALITY", Map.of(), wrong);
        assertThat(status(refused)).isEqualTo(403);
        assertThat(refused.getMessage().getBody(ApiError.class).code()).isEqualTo("signature_refused");
        assertThat(refused.getMessage().getBody(ApiError.class).message()).contains("wrong password");
    }

    @Test
    void aReplayAnswers200AConflict409AndASupersedingDisposition201() {
        DispositionRequest accept = DispositionRequest.of(
                        "INSPECTION", events.get(1).id(), "ACCEPT", "within spec", "APPROVED", "s3cret!")
                .withRequestId("r-1");
        Exchange first = call("ledger-disposition-sign", "qa.lee", "QUALITY", Map.of(), accept);
        assertThat(status(first)).isEqualTo(201);
        SignedDisposition signed = first.getMessage().getBody(SignedDisposition.class);
        Exchange replay = call("ledger-disposition-sign", "qa.lee", "QUALITY", Map.of(), accept);
        assertThat(status(replay)).isEqualTo(200);
        assertThat(replay.getMessage().getBody(SignedDisposition.class).id()).isEqualTo(signed.id());

        DispositionRequest reject =
                DispositionRequest.of("INSPECTION", events.get(1).id(), "REJECT", "crack", "APPROVED", "s3cret!");
        Exchange conflict = call("ledger-disposition-sign", "qa.lee", "QUALITY", Map.of(), reject);
        assertThat(status(conflict)).isEqualTo(409);
        assertThat(conflict.getMessage().getBody(ApiError.class).message()).contains(signed.id(), "supersedes");
        Exchange superseding = call(
                "ledger-disposition-sign",
                "qa.lee",
                "QUALITY",
                Map.of(),
                reject.superseding(signed.id(), "crack found at re-inspection"));
        assertThat(status(superseding)).isEqualTo(201);

        Exchange current = call(
                "ledger-dispositions",
                "kim",
                "AUDITOR",
                Map.of("target", events.get(1).id()),
                null);
        assertThat(current.getMessage().getBody(List.class))
                .singleElement()
                .satisfies(
                        d -> assertThat(((SignedDisposition) d).disposition()).isEqualTo("REJECT"));
        Exchange history = call(
                "ledger-dispositions",
                "kim",
                "AUDITOR",
                Map.of("target", events.get(1).id(), "history", "true"),
                null);
        assertThat(history.getMessage().getBody(List.class)).hasSize(2);

        DispositionRequest printed = new DispositionRequest(
                "LOT",
                "LOT-7",
                "ACCEPT",
                "ok",
                "APPROVED",
                "Dr. Alice Admin (QA Director)",
                "s3cret!",
                null,
                null,
                null);
        Exchange refused = call("ledger-disposition-sign", "qa.lee", "QUALITY", Map.of(), printed);
        assertThat(status(refused)).isEqualTo(400);
        assertThat(refused.getMessage().getBody(ApiError.class).message()).contains("printedName is not accepted");
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
        assertThat(status(call("ledger-audit-package", "kim", "AUDITOR", Map.of(), null)))
                .isEqualTo(400);
        assertThat(status(call("ledger-disposition-sign", "qa.lee", "QUALITY", Map.of(), null)))
                .isEqualTo(400);
        Exchange zip = call("ledger-audit-package", "kim", "AUDITOR", Map.of("lot", "LOT-7"), null);
        assertThat(zip.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/zip");
        // streamed from a temporary file that is deleted once the answer is sent (here: when the call returned)
        assertThat(zip.getMessage().getBody()).isInstanceOf(File.class);
        assertThat((File) zip.getMessage().getBody()).doesNotExist();
    }
}
