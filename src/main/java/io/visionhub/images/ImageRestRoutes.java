package io.visionhub.images;

import io.visionhub.api.ApiErrorHandling;
import io.visionhub.api.ApiException;
import io.visionhub.api.ApiProperties;
import io.visionhub.api.ApiRoles;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code GET /api/images/{sha256}}: a stored frame or annotated frame by its content hash (the links in
 * inspection events). Roles: every API role.
 */
@Configuration(proxyBeanMethods = false)
public class ImageRestRoutes {

    @Bean
    public ApiProperties.AccessRule imagesAccessRule() {
        return new ApiProperties.AccessRule("GET", "/api/images/**", ApiRoles.ALL);
    }

    @Bean
    public RouteBuilder imageRestRouteBuilder(ImageStore store) {
        return new RouteBuilder() {
            @Override
            public void configure() {
                ApiErrorHandling.install(this);
                rest("/images")
                        .description("Stored frames by SHA-256")
                        .get("/{sha256}")
                        .id("images-get")
                        .bindingMode(RestBindingMode.off)
                        .produces("image/png,image/jpeg")
                        .description("The frame (or annotated frame) stored under this SHA-256. Roles: "
                                + String.join(", ", ApiRoles.ALL) + ".")
                        .to("direct:images-get");
                from("direct:images-get").routeId("rest-images-get").process(e -> {
                    String sha = e.getMessage().getHeader("sha256", String.class);
                    byte[] bytes = store.get(sha)
                            .orElseThrow(
                                    () -> new ApiException(404, "not_found", "no image stored under " + sha, "sha256"));
                    e.getMessage().setBody(bytes);
                    e.getMessage().setHeader(Exchange.CONTENT_TYPE, contentType(bytes));
                    e.getMessage().setHeader("Cache-Control", "public, max-age=31536000, immutable");
                });
            }
        };
    }

    static String contentType(byte[] b) {
        if (b.length > 3 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return "image/png";
        }
        if (b.length > 2 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8) {
            return "image/jpeg";
        }
        return "application/octet-stream";
    }
}
