package io.visionhub.vision.rest;

import io.visionhub.api.ApiErrorHandling;
import io.visionhub.api.ApiException;
import io.visionhub.api.ApiProperties;
import io.visionhub.api.ApiRoles;
import io.visionhub.vision.model.ModelException;
import io.visionhub.vision.teach.TeachService;
import io.visionhub.vision.teach.TeachUpload;
import jakarta.activation.FileDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Message;
import org.apache.camel.attachment.DefaultAttachmentMessage;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.springboot.PlatformHttpMessage;
import org.apache.camel.model.rest.RestBindingMode;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.multipart.MultipartHttpServletRequest;

/**
 * REST for models: {@code POST /api/models/teach} teaches an anomaly model from a folder of good images on the
 * hub (or simulated parts), {@code POST /api/models/teach/upload} from uploaded images (multipart: images or zips,
 * {@link TeachUpload}), and both answer with its sha256, threshold and held-out figures. Roles: INTEGRATOR, ADMIN.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(prefix = "visionhub.vision.teach", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(TeachUploadProperties.class)
public class VisionRestRoutes {

    static final String UPLOAD_PATH = "/api/models/teach/upload";
    public static final List<String> TEACH_ROLES = List.of(ApiRoles.INTEGRATOR, ApiRoles.ADMIN);

    /** Spring Security rule contributed to the api concern's configuration. */
    @Bean
    public ApiProperties.AccessRule visionTeachAccessRule() {
        return new ApiProperties.AccessRule("POST", "/api/models/**", TEACH_ROLES);
    }

    @Bean
    public TeachService teachService(
            @Value("${visionhub.vision.teach.models-root:models}") String modelsRoot,
            @Value("${visionhub.vision.max-frame-pixels:50000000}") long maxFramePixels) {
        return new TeachService(Path.of(modelsRoot), maxFramePixels);
    }

    /** Uploads to the teach endpoint may be larger than the API's JSON body limit. */
    @Bean
    public ApiProperties.UploadPath visionTeachUploadPath(TeachUploadProperties limits) {
        return new ApiProperties.UploadPath(UPLOAD_PATH, limits.maxSize(), "visionhub.vision.teach.upload.max-size");
    }

    @Bean
    public RouteBuilder visionRestRouteBuilder(
            TeachService teach,
            TeachUploadProperties uploadLimits,
            @Value("${visionhub.vision.max-frame-pixels:50000000}") long maxFramePixels) {
        TeachUpload.Limits limits = new TeachUpload.Limits(
                uploadLimits.maxImages(),
                uploadLimits.maxImageSize().toBytes(),
                uploadLimits.maxUnpackedSize().toBytes(),
                maxFramePixels);
        return new RouteBuilder() {
            @Override
            public void configure() {
                ApiErrorHandling.install(this);
                rest("/models")
                        .description("Models: teach an anomaly model from good parts")
                        .post("/teach")
                        .id("vision-teach")
                        .type(TeachService.Request.class)
                        .outType(TeachService.Response.class)
                        .description("Teach an anomaly model from a folder of good images on the hub (goodDir) or from "
                                + "simulated parts (simulate: true); writes models/<name>/model.onnx and model.yaml and "
                                + "reports AUROC and precision/recall on the held-out folders when given. "
                                + "Roles: " + String.join(", ", TEACH_ROLES) + ".")
                        .to("direct:vision-teach")
                        .post("/teach/upload")
                        .id("vision-teach-upload")
                        .consumes("multipart/form-data")
                        .bindingMode(RestBindingMode.off)
                        .outType(TeachService.Response.class)
                        .description("Teach an anomaly model from uploaded images: a multipart form with field name "
                                + "(and version), the good images as field good (several images, or zips of images), and "
                                + "optionally held-out good and defective images as heldOutGood and heldOutDefective. The "
                                + "checks of the folder-based teach apply (images .png/.jpg/.jpeg/.bmp that decode, at most "
                                + "visionhub.vision.max-frame-pixels) and the upload limits visionhub.vision.teach.upload.* "
                                + "(request size, images, bytes per image, bytes unpacked). Answers as /teach. "
                                + "Roles: " + String.join(", ", TEACH_ROLES) + ".")
                        .to("direct:vision-teach-upload");
                from("direct:vision-teach").routeId("rest-vision-teach").process(e -> {
                    TeachService.Request req = e.getMessage().getBody(TeachService.Request.class);
                    if (req == null) {
                        throw new ApiException(400, "missing_body", "send {name, goodDir | simulate}", null);
                    }
                    try {
                        e.getMessage().setBody(teach.teach(req));
                    } catch (IllegalArgumentException | ModelException ex) {
                        throw new ApiException(400, "bad_request", ex.getMessage(), null);
                    }
                });
                from("direct:vision-teach-upload")
                        .routeId("rest-vision-teach-upload")
                        .process(e -> {
                            MultipartHttpServletRequest form = multipartForm(e.getMessage());
                            List<TeachUpload.Part> parts = new ArrayList<>();
                            form.getMultiFileMap()
                                    .forEach((field, files) -> files.forEach(
                                            f -> parts.add(new TeachUpload.Part(field, f.getOriginalFilename(), f))));
                            try {
                                e.getMessage()
                                        .setBody(teach.teach(
                                                form.getParameter("name"),
                                                form.getParameter("version"),
                                                TeachUpload.read(parts, limits)));
                            } catch (IllegalArgumentException | ModelException ex) {
                                throw new ApiException(400, "invalid_upload", ex.getMessage(), null);
                            } finally {
                                deleteAttachmentCopies(e.getMessage());
                            }
                        })
                        .marshal()
                        .json();
            }
        };
    }

    /** The servlet request, parsed as multipart by Spring MVC before the route got it; 400 for another body. */
    public static MultipartHttpServletRequest multipartForm(Message message) {
        if (message instanceof PlatformHttpMessage http
                && http.getRequest() instanceof MultipartHttpServletRequest form) {
            return form;
        }
        throw new ApiException(
                400, "invalid_upload", "send a multipart/form-data upload (curl -F name=… -F good=@…)", "Content-Type");
    }

    /**
     * platform-http also copies the first file of each form field into the servlet temp folder as a Camel
     * attachment (keyed by file name, so it cannot stand for several files of one field); the route reads the
     * parts themselves, so those copies are deleted.
     */
    public static void deleteAttachmentCopies(Message message) {
        new DefaultAttachmentMessage(message).getAttachments().values().forEach(h -> {
            if (h.getDataSource() instanceof FileDataSource file) {
                try {
                    Files.deleteIfExists(file.getFile().toPath());
                } catch (IOException ignored) {
                    // a copy in the servlet temp folder; it goes with the folder
                }
            }
        });
    }
}
