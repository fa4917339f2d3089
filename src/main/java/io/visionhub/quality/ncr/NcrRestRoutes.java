package io.visionhub.quality.ncr;

import io.visionhub.api.ApiAccess;
import io.visionhub.api.ApiAttachment;
import io.visionhub.api.ApiCaller;
import io.visionhub.api.ApiError;
import io.visionhub.api.ApiErrorHandling;
import io.visionhub.api.ApiException;
import io.visionhub.api.ApiParams;
import io.visionhub.api.ApiRestConfiguration;
import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.disposition.SignatureRefusedException;
import io.visionhub.quality.StepNotRecordedException;
import io.visionhub.quality.StepPendingException;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.apache.camel.model.rest.RestParamType;

/**
 * The NCR register over REST: {@code GET /api/quality/ncrs} (filter line, order, status), {@code GET
 * /api/quality/ncrs/{id}} (items, documents and their delivery), {@code POST /api/quality/ncrs/{id}/close}
 * (e-signed) and {@code GET /api/quality/ncrs/{id}/evidence} (the CAPA evidence package, a zip). Roles: the
 * access rules of {@link NcrConfiguration}, which each operation's description names.
 */
public class NcrRestRoutes extends RouteBuilder {

    /** read the register: the quality roles and operators (the line screen shows open NCRs). */
    public static final List<String> READ = ApiAccess.READ_QUALITY;
    /** close an NCR (an e-signed decision). */
    public static final List<String> CLOSE = List.of("QUALITY");
    /** the CAPA evidence package. */
    public static final List<String> EVIDENCE = List.of("QUALITY", "AUDITOR", "ADMIN");

    private static final Set<String> STATUSES = Set.of(Ncr.OPEN, Ncr.CLOSED);

    private final NcrService service;
    private final NcrEvidencePackage evidence;

    public NcrRestRoutes(NcrService service, NcrEvidencePackage evidence) {
        this.service = service;
        this.evidence = evidence;
    }

    @Override
    public void configure() {
        ApiErrorHandling.install(this);
        ApiRestConfiguration.securedRest(this, "/quality/ncrs")
                .description("Non-conformances: one per production order and defect class, parts as items")
                .get()
                .id("api-ncr-list")
                .outType(Ncr[].class)
                .description("NCRs, newest first, by line, order and status. " + ApiAccess.describe(READ))
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param(ApiRestConfiguration.optionalQuery("line", null))
                .param(ApiRestConfiguration.optionalQuery("order", "production order"))
                .param()
                .name("status")
                .type(RestParamType.query)
                .required(false)
                .allowableValues("OPEN", "CLOSED")
                .endParam()
                .param()
                .name("limit")
                .type(RestParamType.query)
                .dataType("integer")
                .defaultValue("100")
                .required(false)
                .description("most NCRs to list (1-1000)")
                .endParam()
                .to("direct:api-ncr-list")
                .get("/{id}")
                .id("api-ncr-get")
                .outType(Ncr.class)
                .description("One NCR with its items (parts, annotated image links), its documents in the enterprise "
                        + "targets (document number, delivery status of the document and its items) and its closure. "
                        + ApiAccess.describe(READ))
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param()
                .name("id")
                .type(RestParamType.path)
                .description("NCR id (UUID)")
                .endParam()
                .responseMessage(ApiRestConfiguration.apiError(400, "the id is not a UUID, field id (ApiError)"))
                .responseMessage(ApiRestConfiguration.apiError(404, "no such NCR (ApiError)"))
                .to("direct:api-ncr-get")
                .post("/{id}/close")
                .id("api-ncr-close")
                .type(NcrCloseRequest.class)
                .outType(Ncr.class)
                .description("Close an NCR with an electronic signature, as a disposition is signed: the password is "
                        + "entered again (a wrong one is refused, 403, and recorded), meaning is a code of "
                        + "visionhub.ledger.signatures.meanings, the printed name comes from the account. Recorded "
                        + "as NCR_CLOSED. 200: closed (the NCR). 202 close_pending: NCR_CLOSED was not committed "
                        + "within visionhub.ledger.append-timeout and may still commit or be refused; GET the NCR "
                        + "(Location) to see its closure. 503 with Retry-After: nothing recorded, try again "
                        + "(register_busy, previous_step_pending, ledger_unavailable). 409: already closed. "
                        + "The answer comes within twice the append timeout and 5 s. " + ApiAccess.describe(CLOSE))
                .security(ApiRestConfiguration.BASIC_AUTH)
                .param()
                .name("id")
                .type(RestParamType.path)
                .description("NCR id (UUID)")
                .endParam()
                .responseMessage()
                .code(200)
                .message("closed: the NCR with its closure")
                .endResponseMessage()
                .responseMessage()
                .code(202)
                .message("close_pending: the closure's ledger record may still commit, or be refused; "
                        + "GET /api/quality/ncrs/{id} shows status CLOSED once it is committed (ApiError)")
                .responseModel(ApiError.class)
                .header("Location")
                .description("the NCR, /api/quality/ncrs/{id}")
                .endHeader()
                .endResponseMessage()
                .responseMessage(ApiRestConfiguration.apiError(
                        400, "the id is not a UUID (field id), or a bad body, e.g. reason missing (ApiError)"))
                .responseMessage(ApiRestConfiguration.apiError(404, "no such NCR (ApiError)"))
                .responseMessage(ApiRestConfiguration.apiError(409, "already_closed (ApiError)"))
                .responseMessage()
                .code(503)
                .message("nothing recorded, try again after Retry-After: register_busy, previous_step_pending (the "
                        + "NCR's previous step is not yet committed nor refused), ledger_unavailable (ApiError)")
                .responseModel(ApiError.class)
                .header("Retry-After")
                .description("seconds (the ledger's append timeout)")
                .endHeader()
                .endResponseMessage()
                .to("direct:api-ncr-close")
                .get("/{id}/evidence")
                .id("api-ncr-evidence")
                .bindingMode(RestBindingMode.off)
                .produces("application/zip")
                .description("CAPA evidence package (zip): capa-report.pdf (trend chart, Pareto, example annotated "
                        + "images, context, ledger range), ncr.json, the parts' records and images, the NCR's "
                        + "records, inclusion proofs, signed head and signed manifest; verifiable offline like an "
                        + "audit package (ledger command verify-package). " + ApiAccess.describe(EVIDENCE))
                .security(ApiRestConfiguration.BASIC_AUTH)
                .security(ApiRestConfiguration.API_KEY)
                .param()
                .name("id")
                .type(RestParamType.path)
                .description("NCR id (UUID)")
                .endParam()
                .responseMessage()
                .code(200)
                .message("the CAPA evidence package (zip)")
                .endResponseMessage()
                .responseMessage(ApiRestConfiguration.apiError(400, "the id is not a UUID, field id (ApiError)"))
                .responseMessage(ApiRestConfiguration.apiError(404, "no such NCR (ApiError)"))
                .to("direct:api-ncr-evidence");

        from("direct:api-ncr-list").routeId("rest-ncr-list").process(e -> {
            String line = ApiParams.optionalName(e, "line");
            String order = ApiParams.optionalName(e, "order");
            String status = e.getMessage().getHeader("status", String.class);
            if (status != null && !status.isBlank()) {
                status = status.trim().toUpperCase(java.util.Locale.ROOT);
                if (!STATUSES.contains(status)) {
                    throw ApiException.badRequest(
                            "status",
                            "status '" + e.getMessage().getHeader("status") + "' is not one of "
                                    + STATUSES.stream().sorted().toList());
                }
            } else {
                status = null;
            }
            int limit = ApiParams.integer(e, "limit", 100, 1, 1000);
            e.getMessage().setBody(service.repository().list(line, order, status, limit));
        });
        from("direct:api-ncr-get").routeId("rest-ncr-get").process(e -> {
            String id = ApiParams.requiredUuid(e, "id"); // NCR ids are UUIDs: anything else is a 400
            e.getMessage()
                    .setBody(service.repository()
                            .details(id)
                            .orElseThrow(() -> ApiException.notFound("unknown_ncr", "no non-conformance " + id)));
        });
        from("direct:api-ncr-close").routeId("rest-ncr-close").process(e -> {
            String user = ApiCaller.require(e, CLOSE, "closing a non-conformance needs the role QUALITY");
            String id = ApiParams.requiredUuid(e, "id"); // NCR ids are UUIDs: anything else is a 400
            NcrCloseRequest req = e.getMessage().getMandatoryBody(NcrCloseRequest.class);
            try {
                e.getMessage().setBody(service.close(id, user, req.password(), req.meaning(), req.reason()));
            } catch (StepPendingException x) {
                e.getMessage().setHeader("Location", "/api/quality/ncrs/" + x.id());
                ApiErrorHandling.writeError(e, new ApiError("close_pending", x.getMessage(), null), 202);
            } catch (StepNotRecordedException x) {
                e.getMessage()
                        .setHeader("Retry-After", Math.max(1, x.retryAfter().toSeconds()));
                ApiErrorHandling.writeError(e, new ApiError(x.code(), x.getMessage(), null), 503);
            } catch (LedgerException x) {
                // the closure was refused before it was recorded (read-only, stopped, halted, or its commit failed)
                e.getMessage()
                        .setHeader(
                                "Retry-After",
                                Math.max(1, service.appendTimeout().toSeconds()));
                ApiErrorHandling.writeError(
                        e,
                        new ApiError("ledger_unavailable", "NCR " + id + " not closed: " + x.getMessage(), null),
                        503);
            } catch (NoSuchElementException x) {
                throw ApiException.notFound("unknown_ncr", x.getMessage());
            } catch (SignatureRefusedException x) {
                throw new ApiException(403, "signature_refused", x.getMessage(), "password");
            } catch (IllegalStateException x) {
                throw ApiException.conflict("already_closed", x.getMessage(), null);
            } catch (IllegalArgumentException x) {
                throw new ApiException(400, "bad_request", x.getMessage(), null);
            }
        });
        from("direct:api-ncr-evidence").routeId("rest-ncr-evidence").process(e -> {
            String user = ApiCaller.require(e, EVIDENCE, "the CAPA evidence package needs QUALITY, AUDITOR or ADMIN");
            String id = ApiParams.requiredUuid(e, "id"); // NCR ids are UUIDs: anything else is a 400
            if (service.repository().find(id).isEmpty()) {
                throw ApiException.notFound("unknown_ncr", "no non-conformance " + id);
            }
            ApiAttachment.zip(
                    e, "visionhub-capa-", NcrEvidencePackage.fileName(id), out -> evidence.write(id, user, out));
        });
    }
}
