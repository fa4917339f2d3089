package io.visionhub.web;

import io.visionhub.api.ApiProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/**
 * What every page of the web app needs for its navigation ({@code layout.html :: nav}): the logged-in person
 * ({@code me}) and the line the "Line" link opens ({@code homeLine}).
 */
// off with the web app: the API chain would otherwise serve /ui/** without a login
@ConditionalOnProperty(prefix = "visionhub.web", name = "enabled", matchIfMissing = true)
@ControllerAdvice(basePackages = "io.visionhub.web")
class WebModelAdvice {

    private final ApiProperties api;
    private final LineDirectory lines;

    WebModelAdvice(ApiProperties api, LineDirectory lines) {
        this.api = api;
        this.lines = lines;
    }

    @ModelAttribute("me")
    WebUser me(Authentication auth) {
        return WebUser.of(auth, api);
    }

    @ModelAttribute("homeLine")
    String homeLine() {
        return lines.firstLine();
    }
}
