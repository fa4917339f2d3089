package io.visionhub.web;

import io.visionhub.api.ApiProperties;
import io.visionhub.api.ApiRoles;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** {@code /}: each person to their screen; {@code /login}: the login page. */
// off with the web app: the API chain would otherwise serve /ui/** without a login
@ConditionalOnProperty(prefix = "visionhub.web", name = "enabled", matchIfMissing = true)
@Controller
class HomeController {

    private final ApiProperties api;
    private final LineDirectory lines;

    HomeController(ApiProperties api, LineDirectory lines) {
        this.api = api;
        this.lines = lines;
    }

    /** OPERATOR and ADMIN: the line screen; QUALITY: the review queue; AUDITOR: orders; others: the API docs. */
    @GetMapping("/")
    String home(Authentication auth) {
        WebUser me = WebUser.of(auth, api);
        if (me == null) {
            return "redirect:/login";
        }
        if (me.has(ApiRoles.OPERATOR, ApiRoles.ADMIN)) {
            return "redirect:/ui/line/" + lines.firstLine();
        }
        if (me.has(ApiRoles.QUALITY)) {
            return "redirect:/ui/review";
        }
        if (me.has(ApiRoles.AUDITOR)) {
            return "redirect:/ui/orders";
        }
        return "redirect:/swagger-ui/";
    }

    @GetMapping("/login")
    String login(
            @RequestParam(required = false) String error,
            @RequestParam(required = false) String logout,
            @RequestParam(required = false) String locked,
            org.springframework.ui.Model model) {
        if (error != null) {
            model.addAttribute("problem", "Wrong user name or password.");
        } else if (locked != null) {
            model.addAttribute(
                    "problem",
                    "Too many failed logins: try again in " + (locked.matches("\\d{1,6}") ? locked : "a few") + " s.");
        } else if (logout != null) {
            model.addAttribute("info", "You are logged out.");
        }
        return "login";
    }
}
