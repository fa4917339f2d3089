package io.visionhub.vision.registry;

import io.visionhub.api.ApiErrorHandling;
import io.visionhub.api.ApiException;
import io.visionhub.api.ApiJson;
import io.visionhub.api.ApiProperties;
import io.visionhub.api.ApiRoles;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.api.LedgerRoles;
import io.visionhub.ledger.disposition.DispositionQueries;
import io.visionhub.ledger.disposition.ESignatures;
import io.visionhub.ledger.disposition.SignatureRefusedException;
import io.visionhub.ledger.disposition.SignedDisposition;
import io.visionhub.vision.VisionProperties;
import io.visionhub.vision.challenger.ChallengerReport;
import io.visionhub.vision.challenger.JdbcChallengerStore;
import io.visionhub.vision.component.VisionComponent;
import io.visionhub.vision.model.ModelLoader;
import io.visionhub.vision.model.SessionTuning;
import io.visionhub.vision.rest.VisionRestRoutes;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.multipart.MultipartHttpServletRequest;

/**
 * The model registry's wiring and REST API under {@code /api/models}: list, upload (multipart .onnx + card), e-signed
 * approval, e-signed promotion and rollback of station champions, and the champion–challenger figures.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(
        prefix = "visionhub.vision.registry",
        name = "enabled",
        havingValue = "true",
        matchIfMissing = true)
@EnableConfigurationProperties(ModelRegistryProperties.class)
public class ModelRegistryConfiguration {

    /** Who uploads and sets challengers (as teaching); who approves and promotes (the signers). */
    public static final List<String> UPLOAD_ROLES = List.of(ApiRoles.INTEGRATOR, ApiRoles.ADMIN);

    public static final List<String> SIGN_ROLES = LedgerRoles.SIGN;

    /** Requests of the signed acts. */
    public record ApproveRequest(String password, String meaning, String reason) {}

    public record PromoteRequest(String name, String version, String password, String meaning, String reason) {}

    public record RollbackRequest(String password, String meaning, String reason) {}

    public record ChallengerRequest(String name, String version) {}

    /** The figures of one station's challenger, as /api/models/challengers lists them. */
    public record ChallengerView(String station, ChallengerReport report) {}

    // before the teach rule (POST /api/models/** for INTEGRATOR, ADMIN): the signed acts are the signers'
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public ApiProperties.AccessRule modelApproveAccessRule() {
        return new ApiProperties.AccessRule("POST", "/api/models/*/versions/*/approve", SIGN_ROLES);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public ApiProperties.AccessRule modelPromoteAccessRule() {
        return new ApiProperties.AccessRule("POST", "/api/models/champions/**", SIGN_ROLES);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public ApiProperties.AccessRule modelChallengerAccessRule() {
        return new ApiProperties.AccessRule("*", "/api/models/challengers/*", UPLOAD_ROLES);
    }

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    public ApiProperties.AccessRule modelUploadAccessRule() {
        return new ApiProperties.AccessRule("POST", "/api/models", UPLOAD_ROLES);
    }

    /** An upload may be larger than the API's JSON body limit. */
    @Bean
    public ApiProperties.UploadPath modelUploadPath(ModelRegistryProperties props) {
        return new ApiProperties.UploadPath(
                "/api/models",
                org.springframework.util.unit.DataSize.ofBytes(
                        props.maxModelSize().toBytes() + props.maxCardSize().toBytes() + 64 * 1024),
                "visionhub.vision.registry.max-model-size");
    }

    /** Champion–challenger figures kept in the database across restarts (V72); found by the vision component. */
    @Bean
    @DependsOnDatabaseInitialization
    public JdbcChallengerStore challengerStore(DataSource dataSource) {
        return new JdbcChallengerStore(dataSource);
    }

    @Bean
    @DependsOnDatabaseInitialization
    public ModelRegistry modelRegistry(
            ModelRegistryProperties props,
            JdbcInspectionLedger ledger,
            DataSource dataSource,
            ESignatures signatures,
            VisionProperties vision,
            ObjectProvider<CamelContext> camel) {
        VisionProperties.Session s = vision.session();
        // an upload is checked with the hub's tuning, run once on a blank frame
        ModelLoader validator = new ModelLoader(
                new SessionTuning(s.intraOpThreads(), s.interOpThreads(), false, s.optimization(), 1, false, 0));
        ModelRegistry registry = new ModelRegistry(
                Path.of(props.dir()),
                ledger,
                dataSource,
                signatures,
                validator,
                new ModelRegistry.Limits(
                        props.maxModelSize().toBytes(), props.maxCardSize().toBytes()));
        // a promoted model is loaded by the vision component before the station switches to it
        registry.preparer(location -> {
            CamelContext c = camel.getIfAvailable();
            if (c != null) {
                c.getComponent("vision", VisionComponent.class).model(location.toString());
            }
        });
        return registry;
    }

    @Bean
    public RouteBuilder modelRegistryRoutes(
            ModelRegistry registry, DispositionQueries dispositions, ObjectProvider<CamelContext> camel) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                ApiErrorHandling.install(this);
                rest("/models")
                        .description("Model registry: versions, approvals, champions and challengers")
                        .get()
                        .id("models-list")
                        .outType(ModelRegistry.Model[].class)
                        .description("Every registered model with its versions: card, sha256, size, metrics (the "
                                + "card's taught figures), who uploaded it, who approved it and when (e-signed), and "
                                + "the stations where it is the champion. Any authenticated user.")
                        .to("direct:models-list")
                        .post()
                        .id("models-upload")
                        .consumes("multipart/form-data")
                        .bindingMode(RestBindingMode.off)
                        .outType(ModelRegistry.Version.class)
                        .description(
                                "Upload a model version: multipart form with the .onnx file as field model and its "
                                        + "card (model.yaml) as field card. The hub computes the sha256 and loads and runs the "
                                        + "model with its card before storing anything; a file that is not ONNX, an invalid "
                                        + "card, a card whose input disagrees with the graph, or a file above "
                                        + "visionhub.vision.registry.max-model-size is refused with 400 naming the problem. "
                                        + "201: stored (ledger record MODEL_UPLOADED); 409: that name and version exist. "
                                        + "Roles: " + String.join(", ", UPLOAD_ROLES) + ".")
                        .to("direct:models-upload")
                        .get("/{name}/versions/{version}")
                        .id("models-version")
                        .outType(ModelRegistry.Version.class)
                        .description("One model version (404 when not registered). Any authenticated user.")
                        .to("direct:models-version")
                        .post("/{name}/versions/{version}/approve")
                        .id("models-approve")
                        .type(ApproveRequest.class)
                        .outType(ModelRegistry.Approval.class)
                        .description("Approve a model version with an electronic signature (21 CFR 11.10(k) change "
                                + "control): password entered again (a wrong one is refused with 403, recorded and "
                                + "counted toward the signing lock-out), meaning a code of "
                                + "visionhub.ledger.signatures.meanings, reason required. 201: ledger record "
                                + "MODEL_APPROVED; 409: already approved, or the stored file changed since upload. "
                                + "Roles: " + String.join(", ", SIGN_ROLES) + ".")
                        .to("direct:models-approve")
                        .get("/champions")
                        .id("models-champions")
                        .outType(ModelRegistry.Champion[].class)
                        .description("Each station's champion (promoted model, or null: the route's own model) with "
                                + "its promotions and rollbacks. Any authenticated user.")
                        .to("direct:models-champions")
                        .post("/champions/{station}/promote")
                        .id("models-promote")
                        .type(PromoteRequest.class)
                        .outType(ModelRegistry.Promotion.class)
                        .description("Make an approved model version the station's champion, e-signed (password, "
                                + "meaning, reason): ledger record MODEL_PROMOTED; the station's next frame uses it, "
                                + "no restart. 409: the version is not approved (or already the champion); 404: no "
                                + "such version. A product linked to a recipe keeps its recipe's model (docs/models.md). "
                                + "Roles: " + String.join(", ", SIGN_ROLES) + ".")
                        .to("direct:models-promote")
                        .post("/champions/{station}/rollback")
                        .id("models-rollback")
                        .type(RollbackRequest.class)
                        .outType(ModelRegistry.Promotion.class)
                        .description("Put back the station's champion before the current one (or the route's own "
                                + "model), e-signed: ledger record MODEL_ROLLED_BACK; the next frame uses it. 409: "
                                + "nothing promoted. Roles: " + String.join(", ", SIGN_ROLES) + ".")
                        .to("direct:models-rollback")
                        .get("/challengers")
                        .id("models-challengers")
                        .outType(ChallengerView[].class)
                        .description("Champion–challenger figures per station: frames offered, compared and skipped "
                                + "(the challenger was busy; the champion never waits), agreement, the latest "
                                + "disagreements with their inspection ids and images, and per model the confusion "
                                + "against people's dispositions of the same inspections. Any authenticated user.")
                        .to("direct:models-challengers")
                        .put("/challengers/{station}")
                        .id("models-challenger-set")
                        .type(ChallengerRequest.class)
                        .outType(ModelRegistry.Version.class)
                        .description("Run a registered version as the station's challenger (instead of the route's "
                                + "challenger option; kept across restarts until stopped, with its figures). Roles: "
                                + String.join(", ", UPLOAD_ROLES) + ".")
                        .to("direct:models-challenger-set")
                        .delete("/challengers/{station}")
                        .id("models-challenger-stop")
                        .description("Stop the station's challenger set here (its figures go). Roles: "
                                + String.join(", ", UPLOAD_ROLES) + ".")
                        .to("direct:models-challenger-stop");

                from("direct:models-list")
                        .routeId("rest-models-list")
                        .process(e -> e.getMessage().setBody(registry.models()));
                from("direct:models-version").routeId("rest-models-version").process(e -> {
                    String name = e.getMessage().getHeader("name", String.class);
                    String version = e.getMessage().getHeader("version", String.class);
                    e.getMessage()
                            .setBody(call(() -> registry.version(name, version)
                                    .orElseThrow(() ->
                                            new NoSuchElementException("no model " + name + " version " + version))));
                });
                from("direct:models-upload").routeId("rest-models-upload").process(e -> {
                    String user = call(() -> LedgerRoles.require(e, UPLOAD_ROLES));
                    MultipartHttpServletRequest form = VisionRestRoutes.multipartForm(e.getMessage());
                    try {
                        MultipartFile model = form.getFile("model");
                        MultipartFile card = form.getFile("card");
                        for (String field : form.getMultiFileMap().keySet()) {
                            if (!field.equals("model") && !field.equals("card")) {
                                throw new ApiException(
                                        400,
                                        "invalid_upload",
                                        "unknown file field '" + field
                                                + "': send the .onnx file as model and model.yaml as card",
                                        field);
                            }
                        }
                        if (model == null) {
                            throw new ApiException(
                                    400,
                                    "invalid_upload",
                                    "the upload has no model file: send the .onnx file as field 'model'",
                                    "model");
                        }
                        byte[] cardBytes = card == null ? null : card.getBytes();
                        ModelRegistry.Version v;
                        try (InputStream in = model.getInputStream()) {
                            v = call(() -> registry.upload(user, in, cardBytes), "invalid_upload");
                        }
                        // no JSON binding on a multipart operation: written as the API writes JSON
                        ApiJson.answer(e, 201, v);
                    } finally {
                        VisionRestRoutes.deleteAttachmentCopies(e.getMessage());
                    }
                });
                from("direct:models-approve").routeId("rest-models-approve").process(e -> {
                    String user = call(() -> LedgerRoles.require(e, SIGN_ROLES));
                    ApproveRequest r = e.getMessage().getMandatoryBody(ApproveRequest.class);
                    String name = e.getMessage().getHeader("name", String.class);
                    String version = e.getMessage().getHeader("version", String.class);
                    e.getMessage()
                            .setBody(call(() ->
                                    registry.approve(user, name, version, r.password(), r.meaning(), r.reason())));
                    e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
                });
                from("direct:models-champions")
                        .routeId("rest-models-champions")
                        .process(e -> e.getMessage().setBody(registry.champions()));
                from("direct:models-promote").routeId("rest-models-promote").process(e -> {
                    String user = call(() -> LedgerRoles.require(e, SIGN_ROLES));
                    PromoteRequest r = e.getMessage().getMandatoryBody(PromoteRequest.class);
                    String station = e.getMessage().getHeader("station", String.class);
                    e.getMessage()
                            .setBody(call(() -> registry.promote(
                                    user, station, r.name(), r.version(), r.password(), r.meaning(), r.reason())));
                    e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
                });
                from("direct:models-rollback").routeId("rest-models-rollback").process(e -> {
                    String user = call(() -> LedgerRoles.require(e, SIGN_ROLES));
                    RollbackRequest r = e.getMessage().getMandatoryBody(RollbackRequest.class);
                    String station = e.getMessage().getHeader("station", String.class);
                    e.getMessage()
                            .setBody(call(
                                    () -> registry.rollback(user, station, r.password(), r.meaning(), r.reason())));
                    e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
                });
                from("direct:models-challengers")
                        .routeId("rest-models-challengers")
                        .process(e -> {
                            CamelContext c = camel.getIfAvailable();
                            VisionComponent vision = c == null ? null : c.getComponent("vision", VisionComponent.class);
                            List<ChallengerView> out = vision == null
                                    ? List.of()
                                    : vision.challengers().entrySet().stream()
                                            .sorted(Map.Entry.comparingByKey())
                                            .map(en -> new ChallengerView(
                                                    en.getKey(),
                                                    ChallengerReport.of(
                                                            en.getValue(), ids -> current(dispositions, ids))))
                                            .toList();
                            e.getMessage().setBody(out);
                        });
                from("direct:models-challenger-set")
                        .routeId("rest-models-challenger-set")
                        .process(e -> {
                            call(() -> LedgerRoles.require(e, UPLOAD_ROLES));
                            ChallengerRequest r = e.getMessage().getMandatoryBody(ChallengerRequest.class);
                            String station = e.getMessage().getHeader("station", String.class);
                            e.getMessage().setBody(call(() -> registry.setChallenger(station, r.name(), r.version())));
                        });
                from("direct:models-challenger-stop")
                        .routeId("rest-models-challenger-stop")
                        .process(e -> {
                            call(() -> LedgerRoles.require(e, UPLOAD_ROLES));
                            String station = e.getMessage().getHeader("station", String.class);
                            if (!registry.clearChallenger(station)) {
                                throw new ApiException(
                                        404, "not_found", "station " + station + " has no challenger set here", null);
                            }
                            CamelContext c = camel.getIfAvailable();
                            if (c != null) {
                                c.getComponent("vision", VisionComponent.class).stopChallenger(station);
                            }
                            e.getMessage().setBody(null);
                            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
                        });
            }
        };
    }

    /** The current INSPECTION dispositions of these inspection ids, by id. */
    static Map<String, String> current(DispositionQueries queries, Collection<String> ids) {
        Map<String, String> out = new HashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        for (SignedDisposition d : queries.forTargets(ids)) {
            if (d.current() && "INSPECTION".equals(d.targetType())) {
                out.put(d.targetId(), d.disposition());
            }
        }
        return out;
    }

    private static <T> T call(Callable<T> work) {
        return call(work, "bad_request");
    }

    /** The registry's exceptions as API errors: 400, 403 (signature), 404, 409. */
    private static <T> T call(Callable<T> work, String badRequestCode) {
        try {
            return work.call();
        } catch (ApiException e) {
            throw e;
        } catch (LedgerRoles.Forbidden e) {
            throw new ApiException(e.status(), "forbidden", e.getMessage(), null);
        } catch (SignatureRefusedException e) {
            throw new ApiException(403, "signature_refused", e.getMessage(), null);
        } catch (NoSuchElementException e) {
            throw new ApiException(404, "not_found", e.getMessage(), null);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, badRequestCode, e.getMessage(), null);
        } catch (IllegalStateException e) {
            throw new ApiException(409, "conflict", e.getMessage(), null);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
