package io.visionhub.ledger.api;

import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.LedgerService;
import io.visionhub.ledger.audit.AuditPackageService;
import io.visionhub.ledger.audit.AuditSelection;
import io.visionhub.ledger.disposition.DispositionQueries;
import io.visionhub.ledger.disposition.DispositionRequest;
import io.visionhub.ledger.disposition.DispositionService;
import io.visionhub.ledger.disposition.SignatureRefusedException;
import io.visionhub.api.ApiError;
import io.visionhub.api.ApiErrorHandling;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.apache.camel.model.rest.RestParamType;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * REST API of the ledger under /api/ledger (Camel REST DSL on the api concern's platform-http configuration).
 * Roles: reading (verify, heads, proofs, records, dispositions) AUDITOR, QUALITY, ADMIN; signing a disposition
 * QUALITY, ADMIN; audit packages AUDITOR, QUALITY, ADMIN.
 */
public class LedgerRestRoutes extends RouteBuilder {

    /** Operations answered without the JSON binding (zip, PEM). */
    private static final java.util.Set<String> RAW_ROUTES = java.util.Set.of("ledger-audit-package",
            "ledger-public-key", "ledger-audit-package-api", "ledger-public-key-api");
    private final LedgerService ledger;
    private final DispositionService dispositions;
    private final DispositionQueries dispositionQueries;
    private final AuditPackageService audit;

    public LedgerRestRoutes(LedgerService ledger, DispositionService dispositions, DispositionQueries queries,
                            AuditPackageService audit) {
        this.ledger = ledger;
        this.dispositions = dispositions;
        this.dispositionQueries = queries;
        this.audit = audit;
    }

    @Override
    public void configure() {
        onException(LedgerRoles.Forbidden.class).handled(true)
                .process(e -> error(e, e.getProperty(Exchange.EXCEPTION_CAUGHT, LedgerRoles.Forbidden.class).status(),
                        "forbidden"));
        onException(IllegalArgumentException.class).handled(true).process(e -> error(e, 400, "bad_request"));
        onException(SignatureRefusedException.class).handled(true).process(e -> error(e, 403, "signature_refused"));
        onException(IllegalStateException.class).handled(true).process(e -> error(e, 409, "conflict"));
        onException(LedgerException.class).handled(true).process(e -> error(e, 503, "ledger_unavailable"));

        declareRest();
        routes();
    }

    /** The REST DSL part (needs the api concern's restConfiguration on platform-http). */
    protected void declareRest() {
        String read = LedgerRoles.describe(LedgerRoles.READ);
        rest("/ledger").description("Ledger: signed Merkle log of inspections, proofs, dispositions, audit packages")
                .get("/verify").id("ledger-verify").description("Recompute every record and signed head and report "
                        + "the first altered, deleted, inserted or reordered record, or what was covered. " + read)
                .to("direct:ledger-verify")
                .get("/heads").id("ledger-heads").description("Signed tree heads, oldest first. " + read)
                .to("direct:ledger-heads")
                .get("/heads/latest").id("ledger-head-latest").description("Latest signed tree head (signs one now "
                        + "when records are not yet covered). " + read)
                .to("direct:ledger-head-latest")
                .get("/public-key").id("ledger-public-key").bindingMode(RestBindingMode.off)
                .produces("application/x-pem-file")
                .description("Certificate (PEM) of the Ed25519 key that signs tree heads. " + read)
                .to("direct:ledger-public-key")
                .get("/proofs/inclusion/{record}").id("ledger-inclusion-proof")
                .description("RFC 6962 inclusion proof of a record (inspection id, record id or sequence number) "
                        + "in a signed head. " + read)
                .param().name("record").type(RestParamType.path).description("inspection id or sequence").endParam()
                .param().name("treeSize").type(RestParamType.query).required(false)
                .description("size of the signed head to prove against (default: latest)").endParam()
                .to("direct:ledger-inclusion-proof")
                .get("/proofs/consistency").id("ledger-consistency-proof")
                .description("RFC 6962 consistency proof between two tree sizes. " + read)
                .param().name("from").type(RestParamType.query).required(true).endParam()
                .param().name("to").type(RestParamType.query).required(true).endParam()
                .to("direct:ledger-consistency-proof")
                .get("/records/{record}").id("ledger-record").description("A record's canonical entry and leaf hash. "
                        + read)
                .to("direct:ledger-record")
                .get("/dispositions").id("ledger-dispositions").description("Dispositions of an inspection or lot "
                        + "(query target=<inspection id or lot>), each with its signature manifestation. " + read)
                .param().name("target").type(RestParamType.query).required(true).endParam()
                .to("direct:ledger-dispositions")
                .post("/dispositions").id("ledger-disposition-sign").type(DispositionRequest.class)
                .description("Disposition an inspection or lot with an electronic signature: the password is "
                        + "entered again; a wrong one is refused (403) and recorded. "
                        + LedgerRoles.describe(LedgerRoles.SIGN))
                .to("direct:ledger-disposition-sign")
                .get("/audit-package").id("ledger-audit-package").bindingMode(RestBindingMode.off)
                .produces("application/zip")
                .description("Audit package (zip) for an order, lot or time range: records JSON+CSV, images, "
                        + "signatures, signed heads, inclusion proofs, verification report, PDF summary. "
                        + LedgerRoles.describe(LedgerRoles.EXPORT))
                .param().name("order").type(RestParamType.query).required(false).endParam()
                .param().name("lot").type(RestParamType.query).required(false).endParam()
                .param().name("from").type(RestParamType.query).required(false).description("ISO-8601 UTC").endParam()
                .param().name("to").type(RestParamType.query).required(false).description("ISO-8601 UTC").endParam()
                .to("direct:ledger-audit-package");
    }

    /** The routes behind each operation: check the caller's roles, then ask the ledger. */
    protected void routes() {
        from("direct:ledger-verify").routeId("ledger-verify-api")
                .process(e -> {
                    LedgerRoles.require(e, LedgerRoles.READ);
                    e.getMessage().setBody(ledger.verify());
                });
        from("direct:ledger-heads").routeId("ledger-heads-api")
                .process(e -> {
                    LedgerRoles.require(e, LedgerRoles.READ);
                    e.getMessage().setBody(ledger.heads());
                });
        from("direct:ledger-head-latest").routeId("ledger-head-latest-api")
                .process(e -> {
                    LedgerRoles.require(e, LedgerRoles.READ);
                    e.getMessage().setBody(ledger.latestHead());
                });
        from("direct:ledger-public-key").routeId("ledger-public-key-api")
                .process(e -> {
                    LedgerRoles.require(e, LedgerRoles.READ);
                    e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/x-pem-file");
                    e.getMessage().setBody(ledger.certificatePem());
                });
        from("direct:ledger-inclusion-proof").routeId("ledger-inclusion-proof-api")
                .process(e -> {
                    LedgerRoles.require(e, LedgerRoles.READ);
                    Long size = longParam(e, "treeSize", false);
                    e.getMessage().setBody(ledger.inclusionProof(e.getMessage().getHeader("record", String.class), size));
                });
        from("direct:ledger-consistency-proof").routeId("ledger-consistency-proof-api")
                .process(e -> {
                    LedgerRoles.require(e, LedgerRoles.READ);
                    e.getMessage().setBody(ledger.consistencyProof(longParam(e, "from", true), longParam(e, "to", true)));
                });
        from("direct:ledger-record").routeId("ledger-record-api")
                .process(e -> {
                    LedgerRoles.require(e, LedgerRoles.READ);
                    long seq = ledger.resolveSeq(e.getMessage().getHeader("record", String.class));
                    var row = ledger.reader().leaves(seq, seq + 1).get(0);
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("seq", row.seq());
                    out.put("type", row.type());
                    out.put("recordId", row.recordId());
                    out.put("leafHash", row.leafHash());
                    out.put("recordedAt", row.recordedAt().toInstant());
                    out.put("entry", io.visionhub.ledger.CanonicalJson.read(row.entry()));
                    e.getMessage().setBody(out);
                });
        from("direct:ledger-dispositions").routeId("ledger-dispositions-api")
                .process(e -> {
                    LedgerRoles.require(e, LedgerRoles.READ);
                    String target = e.getMessage().getHeader("target", String.class);
                    if (target == null || target.isBlank()) {
                        throw new IllegalArgumentException("query parameter target (inspection id or lot) is required");
                    }
                    e.getMessage().setBody(dispositionQueries.forTarget(target));
                });
        from("direct:ledger-disposition-sign").routeId("ledger-disposition-sign-api")
                .process(e -> {
                    String user = LedgerRoles.require(e, LedgerRoles.SIGN);
                    DispositionRequest req = e.getMessage().getBody(DispositionRequest.class);
                    e.getMessage().setBody(dispositions.sign(user, req));
                    e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
                });
        from("direct:ledger-audit-package").routeId("ledger-audit-package-api")
                .process(e -> {
                    String user = LedgerRoles.require(e, LedgerRoles.EXPORT);
                    AuditSelection sel = AuditSelection.of(e.getMessage().getHeader("order", String.class),
                            e.getMessage().getHeader("lot", String.class), e.getMessage().getHeader("from", String.class),
                            e.getMessage().getHeader("to", String.class));
                    // streamed to a temporary file (images can be large), deleted when the answer is sent
                    java.nio.file.Path tmp = java.nio.file.Files.createTempFile("visionhub-audit-", ".zip");
                    e.getExchangeExtension().addOnCompletion(new org.apache.camel.support.SynchronizationAdapter() {
                        @Override
                        public void onDone(Exchange done) {
                            try {
                                java.nio.file.Files.deleteIfExists(tmp);
                            } catch (java.io.IOException ignored) {
                                tmp.toFile().deleteOnExit();
                            }
                        }
                    });
                    try (var out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(tmp))) {
                        audit.write(sel, user, out);
                    }
                    e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/zip");
                    e.getMessage().setHeader("Content-Disposition", "attachment; filename=\"" + sel.fileName() + "\"");
                    e.getMessage().setBody(tmp.toFile());
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
