package io.visionhub.ledger.api;

import io.visionhub.api.ApiAttachment;
import io.visionhub.api.ApiError;
import io.visionhub.api.ApiErrorHandling;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.LedgerService;
import io.visionhub.ledger.NotYetSignedException;
import io.visionhub.ledger.audit.AuditPackageService;
import io.visionhub.ledger.audit.AuditSelection;
import io.visionhub.ledger.disposition.DispositionQueries;
import io.visionhub.ledger.disposition.DispositionRequest;
import io.visionhub.ledger.disposition.DispositionService;
import io.visionhub.ledger.disposition.SignatureRefusedException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.apache.camel.model.rest.RestParamType;

/**
 * REST API of the ledger under /api/ledger (Camel REST DSL on the api concern's platform-http configuration).
 * Roles: reading (verify, heads, proofs, records, dispositions) AUDITOR, QUALITY, ADMIN; signing a disposition
 * QUALITY, ADMIN; audit packages AUDITOR, QUALITY, ADMIN.
 */
public class LedgerRestRoutes extends RouteBuilder {

    /** Operations answered without the JSON binding (zip, PEM). */
    private static final Set<String> RAW_ROUTES =
            Set.of("ledger-audit-package", "ledger-public-key", "rest-ledger-audit-package", "rest-ledger-public-key");

    private final LedgerService ledger;
    private final DispositionService dispositions;
    private final DispositionQueries dispositionQueries;
    private final AuditPackageService audit;

    public LedgerRestRoutes(
            LedgerService ledger,
            DispositionService dispositions,
            DispositionQueries queries,
            AuditPackageService audit) {
        this.ledger = ledger;
        this.dispositions = dispositions;
        this.dispositionQueries = queries;
        this.audit = audit;
    }

    @Override
    public void configure() {
        // everything not mapped below (e.g. an unknown JSON field: 400 unknown_field) gets the API's error document
        ApiErrorHandling.install(this);
        onException(LedgerRoles.Forbidden.class)
                .handled(true)
                .process(e -> error(
                        e,
                        e.getProperty(Exchange.EXCEPTION_CAUGHT, LedgerRoles.Forbidden.class)
                                .status(),
                        "forbidden"));
        onException(IllegalArgumentException.class).handled(true).process(e -> error(e, 400, "bad_request"));
        onException(SignatureRefusedException.class).handled(true).process(e -> error(e, 403, "signature_refused"));
        onException(NotYetSignedException.class).handled(true).process(e -> {
            error(e, 409, "not_yet_signed");
            e.getMessage()
                    .setHeader(
                            "Retry-After",
                            e.getProperty(Exchange.EXCEPTION_CAUGHT, NotYetSignedException.class)
                                    .retryAfter()
                                    .toSeconds());
        });
        onException(IllegalStateException.class).handled(true).process(e -> error(e, 409, "conflict"));
        onException(LedgerException.class).handled(true).process(e -> error(e, 503, "ledger_unavailable"));

        declareRest();
        routes();
    }

    /** The REST DSL part (needs the api concern's restConfiguration on platform-http). */
    protected void declareRest() {
        String read = LedgerRoles.describe(LedgerRoles.READ);
        rest("/ledger")
                .description("Ledger: signed Merkle log of inspections, proofs, dispositions, audit packages")
                .get("/verify")
                .id("ledger-verify")
                .description("Recompute every record and signed head and report "
                        + "the first altered, deleted, inserted or reordered record, or what was covered. Answers also "
                        + "while the ledger is read-only after a failed start-up check. " + read)
                .to("direct:ledger-verify")
                .get("/heads")
                .id("ledger-heads")
                .description("Signed tree heads, oldest first. " + read)
                .to("direct:ledger-heads")
                .get("/heads/latest")
                .id("ledger-head-latest")
                .description("Latest signed tree head (signs one now " + "when records are not yet covered). " + read)
                .to("direct:ledger-head-latest")
                .get("/public-key")
                .id("ledger-public-key")
                .bindingMode(RestBindingMode.off)
                .produces("application/x-pem-file")
                .description("Certificate (PEM) of the Ed25519 key that signs tree heads. " + read)
                .to("direct:ledger-public-key")
                .get("/proofs/inclusion/{record}")
                .id("ledger-inclusion-proof")
                .description("RFC 6962 inclusion proof of a record (inspection id, record id or sequence number) "
                        + "in the latest durable signed head (or the tree size given, at most that head's). A record "
                        + "no signed head covers yet: 409 not_yet_signed with Retry-After (seconds until the next "
                        + "head is due). " + read)
                .param()
                .name("record")
                .type(RestParamType.path)
                .description("inspection id or sequence")
                .endParam()
                .param()
                .name("treeSize")
                .type(RestParamType.query)
                .required(false)
                .description("tree size to prove against, at most the latest signed head's (default: that head)")
                .endParam()
                .responseMessage()
                .code(200)
                .message("the proof, with the signed head it is checked against")
                .endResponseMessage()
                .responseMessage()
                .code(400)
                .message("unknown record, or a size that does not hold it (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .responseMessage()
                .code(409)
                .message("not_yet_signed: no signed head covers the record or size yet; "
                        + "retry after the Retry-After header's seconds (ApiError)")
                .responseModel(ApiError.class)
                .header("Retry-After")
                .description("seconds until the next signed head is due")
                .endHeader()
                .endResponseMessage()
                .responseMessage()
                .code(503)
                .message("ledger_unavailable: the record is missing (log altered) or the "
                        + "ledger is read-only and signs no more heads (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .to("direct:ledger-inclusion-proof")
                .get("/proofs/consistency")
                .id("ledger-consistency-proof")
                .description("RFC 6962 consistency proof between two tree sizes, both at most the latest durable "
                        + "signed head's size (beyond it: 409 not_yet_signed with Retry-After). " + read)
                .param()
                .name("from")
                .type(RestParamType.query)
                .required(true)
                .endParam()
                .param()
                .name("to")
                .type(RestParamType.query)
                .required(true)
                .endParam()
                .responseMessage()
                .code(200)
                .message("the proof")
                .endResponseMessage()
                .responseMessage()
                .code(400)
                .message("sizes out of order or beyond the log (ApiError)")
                .responseModel(ApiError.class)
                .endResponseMessage()
                .responseMessage()
                .code(409)
                .message("not_yet_signed: to is beyond the latest signed head; retry "
                        + "after the Retry-After header's seconds (ApiError)")
                .responseModel(ApiError.class)
                .header("Retry-After")
                .description("seconds until the next signed head is due")
                .endHeader()
                .endResponseMessage()
                .to("direct:ledger-consistency-proof")
                .get("/records/{record}")
                .id("ledger-record")
                .description("A record's canonical entry and leaf hash. " + read)
                .to("direct:ledger-record")
                .get("/dispositions")
                .id("ledger-dispositions")
                .description("The current disposition of an "
                        + "inspection or lot (query target=<inspection id or lot>) with its signature manifestation; "
                        + "history=true: every disposition, oldest first, each superseded one with supersededBy. "
                        + read)
                .param()
                .name("target")
                .type(RestParamType.query)
                .required(true)
                .endParam()
                .param()
                .name("history")
                .type(RestParamType.query)
                .required(false)
                .description("true: also the superseded dispositions")
                .endParam()
                .to("direct:ledger-dispositions")
                .post("/dispositions")
                .id("ledger-disposition-sign")
                .type(DispositionRequest.class)
                .description("Disposition an inspection or lot with an electronic signature: the password is "
                        + "entered again; a wrong one is refused (403) and recorded. meaning is a code of "
                        + "visionhub.ledger.signatures.meanings; the printed name comes from the account (a "
                        + "printedName field is refused, 400). 201: signed; 200: a replay (same requestId, or the "
                        + "same decision and meaning by the same user on the current disposition) returns the "
                        + "existing one; "
                        + "409: the target has a current disposition that the request does not supersede "
                        + "(send supersedes and supersedeReason). " + LedgerRoles.describe(LedgerRoles.SIGN))
                .to("direct:ledger-disposition-sign")
                .get("/audit-package")
                .id("ledger-audit-package")
                .bindingMode(RestBindingMode.off)
                .produces("application/zip")
                .description("Audit package (zip) for an order, lot or time range: records JSON+CSV, images, "
                        + "signatures, signed heads, inclusion proofs, verification report, PDF summary. "
                        + LedgerRoles.describe(LedgerRoles.EXPORT))
                .param()
                .name("order")
                .type(RestParamType.query)
                .required(false)
                .endParam()
                .param()
                .name("lot")
                .type(RestParamType.query)
                .required(false)
                .endParam()
                .param()
                .name("from")
                .type(RestParamType.query)
                .required(false)
                .description("ISO-8601 UTC")
                .endParam()
                .param()
                .name("to")
                .type(RestParamType.query)
                .required(false)
                .description("ISO-8601 UTC")
                .endParam()
                .to("direct:ledger-audit-package");
        declareKeyRest();
    }

    /** Key rotation: POST /api/ledger/keys/rotate {"reason": "..."}. */
    private void declareKeyRest() {
        rest("/ledger/keys")
                .post("/rotate")
                .id("ledger-key-rotate")
                .type(KeyRotationRequest.class)
                .description("Rotate the head-signing key: a KEY_ROTATION record (who, why, the new key's certificate) "
                        + "signed by the current key and covered by its head; later heads are signed by the new key. "
                        + LedgerRoles.describe(LedgerRoles.ROTATE_KEY))
                .to("direct:ledger-key-rotate");
    }

    /** Body of POST /api/ledger/keys/rotate. */
    public record KeyRotationRequest(String reason) {}

    /** The routes behind each operation: check the caller's roles, then ask the ledger. */
    protected void routes() {
        from("direct:ledger-verify").routeId("rest-ledger-verify").process(e -> {
            LedgerRoles.require(e, LedgerRoles.READ);
            e.getMessage().setBody(ledger.verify());
        });
        from("direct:ledger-heads").routeId("rest-ledger-heads").process(e -> {
            LedgerRoles.require(e, LedgerRoles.READ);
            e.getMessage().setBody(ledger.heads());
        });
        from("direct:ledger-head-latest").routeId("rest-ledger-head-latest").process(e -> {
            LedgerRoles.require(e, LedgerRoles.READ);
            e.getMessage().setBody(ledger.latestHead());
        });
        from("direct:ledger-public-key").routeId("rest-ledger-public-key").process(e -> {
            LedgerRoles.require(e, LedgerRoles.READ);
            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/x-pem-file");
            e.getMessage().setBody(ledger.certificatePem());
        });
        from("direct:ledger-inclusion-proof")
                .routeId("rest-ledger-inclusion-proof")
                .process(e -> {
                    LedgerRoles.require(e, LedgerRoles.READ);
                    Long size = longParam(e, "treeSize", false);
                    e.getMessage()
                            .setBody(ledger.inclusionProof(e.getMessage().getHeader("record", String.class), size));
                });
        from("direct:ledger-consistency-proof")
                .routeId("rest-ledger-consistency-proof")
                .process(e -> {
                    LedgerRoles.require(e, LedgerRoles.READ);
                    e.getMessage()
                            .setBody(ledger.consistencyProof(longParam(e, "from", true), longParam(e, "to", true)));
                });
        from("direct:ledger-record").routeId("rest-ledger-record").process(e -> {
            LedgerRoles.require(e, LedgerRoles.READ);
            long seq = ledger.resolveSeq(e.getMessage().getHeader("record", String.class));
            var row = ledger.leaf(seq);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("seq", row.seq());
            out.put("type", row.type());
            out.put("recordId", row.recordId());
            out.put("leafHash", row.leafHash());
            out.put("recordedAt", row.recordedAt().toInstant());
            out.put("entry", CanonicalJson.read(row.entry()));
            e.getMessage().setBody(out);
        });
        from("direct:ledger-dispositions").routeId("rest-ledger-dispositions").process(e -> {
            LedgerRoles.require(e, LedgerRoles.READ);
            String target = e.getMessage().getHeader("target", String.class);
            if (target == null || target.isBlank()) {
                throw new IllegalArgumentException("query parameter target (inspection id or lot) is required");
            }
            boolean history = "true"
                    .equalsIgnoreCase(e.getMessage()
                            .getHeader("history", "", String.class)
                            .trim());
            e.getMessage()
                    .setBody(
                            history
                                    ? dispositionQueries.forTarget(target)
                                    : dispositionQueries.currentForTarget(target));
        });
        from("direct:ledger-disposition-sign")
                .routeId("rest-ledger-disposition-sign")
                .process(e -> {
                    String user = LedgerRoles.require(e, LedgerRoles.SIGN);
                    // no body: 400 missing_body (ApiErrorHandling maps InvalidPayloadException)
                    DispositionRequest req = e.getMessage().getMandatoryBody(DispositionRequest.class);
                    DispositionService.Signed signed = dispositions.signOrReplay(user, req);
                    e.getMessage().setBody(signed.disposition());
                    e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, signed.created() ? 201 : 200);
                });
        from("direct:ledger-audit-package").routeId("rest-ledger-audit-package").process(e -> {
            String user = LedgerRoles.require(e, LedgerRoles.EXPORT);
            AuditSelection sel = AuditSelection.of(
                    e.getMessage().getHeader("order", String.class),
                    e.getMessage().getHeader("lot", String.class),
                    e.getMessage().getHeader("from", String.class),
                    e.getMessage().getHeader("to", String.class));
            ApiAttachment.zip(e, "visionhub-audit-", sel.fileName(), out -> audit.write(sel, user, out));
        });
        keyRoutes();
    }

    private void keyRoutes() {
        from("direct:ledger-key-rotate").routeId("rest-ledger-key-rotate").process(e -> {
            String user = LedgerRoles.require(e, LedgerRoles.ROTATE_KEY);
            KeyRotationRequest req = e.getMessage().getMandatoryBody(KeyRotationRequest.class);
            if (req.reason() == null || req.reason().isBlank()) {
                throw new IllegalArgumentException("reason is required: say why the key is rotated");
            }
            e.getMessage().setBody(ledger.rotateKey(user, req.reason()));
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
        });
    }

    private static Long longParam(Exchange e, String name, boolean required) {
        String v = e.getMessage().getHeader(name, String.class);
        if (v == null || v.isBlank()) {
            if (required) {
                throw new IllegalArgumentException("query parameter " + name + " is required");
            }
            return null;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(name + " '" + v + "' is not a whole number");
        }
    }

    /** Answers with the api concern's error document {code, message, field} and the status. */
    private void error(Exchange e, int status, String code) {
        Exception ex = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String message = ex == null ? code : ex.getMessage();
        if (status >= 500) {
            log.error("Ledger API {} failed: {}", e.getFromRouteId(), message, ex);
        } else {
            log.info("Ledger API {} refused with {} {}: {}", e.getFromRouteId(), status, code, message);
        }
        ApiError error = new ApiError(code, message, null);
        ApiErrorHandling.writeError(e, error, status);
        if (RAW_ROUTES.contains(e.getFromRouteId())) {
            e.getMessage().setBody(error.toJson()); // no JSON binding on these operations
        }
    }
}
