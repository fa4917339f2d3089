package io.visionhub.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Swagger UI for the hub's REST API at {@code /swagger-ui/}, from the org.webjars:swagger-ui jar (served by
 * Spring Boot under /webjars/, so it works offline). The page loads /api/openapi.json, whose {@code servers}
 * entry names the scheme, host and port the page was reached on ({@link OpenApiServerUrlFilter}), so "Try it
 * out" calls this hub. The page and the document need no login; the calls do ("Authorize": Basic or X-API-Key).
 */
@RestController
public class SwaggerUiController {

    /** Where the UI lives (documented in docs/api.md and the README). */
    public static final String PATH = "/swagger-ui/";

    private final String page;

    public SwaggerUiController() {
        String base = "/webjars/swagger-ui/" + webjarVersion() + "/";
        this.page = """
                <!DOCTYPE html>
                <html lang="en">
                <head>
                  <meta charset="UTF-8">
                  <title>Vision Hub API</title>
                  <link rel="stylesheet" href="%1$sswagger-ui.css">
                  <link rel="icon" type="image/png" href="%1$sfavicon-32x32.png">
                </head>
                <body>
                <div id="swagger-ui"></div>
                <script src="%1$sswagger-ui-bundle.js"></script>
                <script src="%1$sswagger-ui-standalone-preset.js"></script>
                <script src="/swagger-ui/initializer.js"></script>
                </body>
                </html>
                """.formatted(base);
    }

    @GetMapping({"/swagger-ui", "/swagger-ui/", "/swagger-ui/index.html"})
    public ResponseEntity<String> page() {
        return ResponseEntity.ok()
                .contentType(MediaType.TEXT_HTML)
                .cacheControl(CacheControl.noCache())
                .body(page);
    }

    /** Kept out of the page so that a Content-Security-Policy without inline scripts still lets it run. */
    @GetMapping("/swagger-ui/initializer.js")
    public ResponseEntity<String> initializer() {
        String js = """
                window.onload = function () {
                  window.ui = SwaggerUIBundle({
                    url: "/api/openapi.json",
                    dom_id: "#swagger-ui",
                    deepLinking: true,
                    persistAuthorization: true,
                    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
                    layout: "StandaloneLayout"
                  });
                };
                """;
        return ResponseEntity.ok()
                .contentType(MediaType.valueOf("text/javascript"))
                .body(js);
    }

    /** The version folder inside the webjar, read from its Maven metadata so a version bump needs no code change. */
    static String webjarVersion() {
        try (InputStream in = SwaggerUiController.class.getResourceAsStream(
                "/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("org.webjars:swagger-ui is not on the classpath: the Swagger UI at "
                        + PATH + " needs it (see pom.xml)");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the swagger-ui webjar's version", e);
        }
    }
}
