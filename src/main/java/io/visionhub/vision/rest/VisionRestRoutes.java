package io.visionhub.vision.rest;

import io.visionhub.api.ApiErrorHandling;
import io.visionhub.api.ApiException;
import io.visionhub.api.ApiProperties;
import io.visionhub.api.ApiRoles;
import io.visionhub.vision.teach.TeachService;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

import java.nio.file.Path;
import java.util.List;

/**
 * REST for models: {@code POST /api/models/teach} teaches an anomaly model from a folder of good images on the
 * hub (or simulated parts) and answers with its sha256, threshold and held-out figures. Roles: INTEGRATOR, ADMIN.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "visionhub.vision.teach", name = "enabled", havingValue = "true", matchIfMissing = true)
public class VisionRestRoutes {

    public static final List<String> TEACH_ROLES = List.of(ApiRoles.INTEGRATOR, ApiRoles.ADMIN);

    /** Spring Security rule contributed to the api concern's configuration. */
    @Bean
    public ApiProperties.AccessRule visionTeachAccessRule() {
        return new ApiProperties.AccessRule("POST", "/api/models/**", TEACH_ROLES);
    }

    @Bean
    public TeachService teachService(@Value("${visionhub.vision.teach.models-root:models}") String modelsRoot) {
        return new TeachService(Path.of(modelsRoot));
    }

    @Bean
    public RouteBuilder visionRestRouteBuilder(TeachService teach) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                ApiErrorHandling.install(this);
                rest("/models").description("Models: teach an anomaly model from good parts")
                        .post("/teach").id("vision-teach").type(TeachService.Request.class)
                        .outType(TeachService.Response.class)
                        .description("Teach an anomaly model from a folder of good images on the hub (goodDir) or from "
                                + "simulated parts (simulate: true); writes models/<name>/model.onnx and model.yaml and "
                                + "reports AUROC and precision/recall on the held-out folders when given. "
                                + "Roles: " + String.join(", ", TEACH_ROLES) + ".")
                        .to("direct:vision-teach");
                from("direct:vision-teach").routeId("vision-teach-run")
                        .process(e -> {
                            TeachService.Request req = e.getMessage().getBody(TeachService.Request.class);
                            if (req == null) {
                                throw new ApiException(400, "missing_body", "send {name, goodDir | simulate}", null);
                            }
                            try {
                                e.getMessage().setBody(teach.teach(req));
                            } catch (IllegalArgumentException ex) {
                                throw new ApiException(400, "bad_request", ex.getMessage(), null);
                            }
                        });
            }
        };
    }
}
