package io.visionhub.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.access.LoginThrottle;
import io.visionhub.api.HubHttpClient;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * The web app's own filter chain beside the API's, over real HTTP: form login with the API's users (ok, wrong
 * password, the same back-off as HTTP Basic), CSRF on every POST, logout by POST, the URL map's roles, "/" by role,
 * the frames endpoint's errors and a bad line name; and the API still stateless HTTP Basic, with no session.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "visionhub.routes.dir=target/web-security-test-no-routes",
            // a low lock-out threshold, so the back-off test needs few attempts
            "visionhub.login-throttle.free-failures=3",
        })
@ActiveProfiles({"isolated", "api-only"})
@DirtiesContext
class WebSecurityTest {

    @LocalServerPort
    int port;

    @Autowired
    LoginThrottle httpLoginThrottle;

    WebSession as(String user) throws Exception {
        WebSession s = new WebSession(() -> port);
        HttpResponse<String> r = s.login(user, user + "-demo");
        assertThat(r.statusCode()).as("login of %s", user).isEqualTo(302);
        assertThat(r.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).endsWith("/"));
        return s;
    }

    @Test
    void theRightPasswordLogsInAndLandsOnTheOperatorsLineScreen() throws Exception {
        WebSession s = as("operator");
        HttpResponse<String> home = s.get("/");
        assertThat(home.statusCode()).isEqualTo(302);
        assertThat(home.headers().firstValue("Location").orElseThrow()).endsWith("/ui/line/line-1");
        HttpResponse<String> page = s.get("/ui/line/line-1");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("Otto Operator (demo)")
                .contains("<meta name=\"_csrf\"")
                .contains("<meta name=\"_csrf_header\" content=\"X-CSRF-TOKEN\"")
                .contains("sse-connect=\"/ui/stream?line=line-1\"")
                .contains("/webjars/htmx.org/dist/htmx.min.js");
    }

    @Test
    void aWrongPasswordIsRefusedAndBacksOffLikeHttpBasic() throws Exception {
        WebSession s = new WebSession(() -> port);
        HttpResponse<String> r = s.login("auditor", "wrong");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location").orElseThrow()).endsWith("/login?error");
        assertThat(s.get("/login?error").body()).contains("Wrong user name or password.");
        assertThat(s.get("/ui/line/line-1").statusCode()).as("not logged in").isEqualTo(302);
        s.login("auditor", "wrong");
        s.login("auditor", "wrong");
        // locked out now (3 failures): even the right password is not checked, on the form...
        HttpResponse<String> locked = s.login("auditor", "auditor-demo");
        assertThat(locked.headers().firstValue("Location").orElseThrow()).contains("/login?locked=");
        assertThat(s.get("/login?locked=2").body()).contains("Too many failed logins: try again in 2 s.");
        // ... and over HTTP Basic: the same counters
        HubHttpClient api = new HubHttpClient("127.0.0.1", () -> port);
        assertThat(api.sendAs("GET", "/api/inspections", null, "auditor").statusCode())
                .isEqualTo(429);
        assertThat(httpLoginThrottle.check("auditor", "127.0.0.1")).isInstanceOf(LoginThrottle.Locked.class);
        httpLoginThrottle.succeeded("auditor", "127.0.0.1");
    }

    @Test
    void postsWithoutTheCsrfTokenAreRefused() throws Exception {
        WebSession s = new WebSession(() -> port);
        s.get("/login");
        assertThat(s.post("/login", Map.of("username", "quality", "password", "quality-demo"), false)
                        .statusCode())
                .isEqualTo(403);
        WebSession q = as("quality");
        q.get("/ui/line/line-1");
        assertThat(q.post("/logout", Map.of(), false).statusCode()).isEqualTo(403);
        assertThat(q.get("/ui/line/line-1").statusCode()).as("still logged in").isEqualTo(200);
        HttpResponse<String> out = q.post("/logout", Map.of(), true);
        assertThat(out.statusCode()).isEqualTo(302);
        assertThat(out.headers().firstValue("Location").orElseThrow()).endsWith("/login?logout");
        assertThat(q.get("/ui/line/line-1").statusCode()).as("logged out").isEqualTo(302);
    }

    @Test
    void pagesNeedALoginAndTheAssetsComeFromTheJar() throws Exception {
        WebSession s = new WebSession(() -> port);
        HttpResponse<String> r = s.get("/ui/line/line-1");
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location").orElseThrow()).endsWith("/login");
        assertThat(s.get("/").statusCode()).isEqualTo(302);
        assertThat(s.get("/ui/stream?line=line-1").statusCode())
                .as("an EventSource gets no login page")
                .isEqualTo(401);
        assertThat(s.get("/login").body()).contains("name=\"password\"");
        for (String asset : new String[] {
            "/ui/app.css", "/ui/app.js", "/webjars/htmx.org/dist/htmx.min.js", "/webjars/htmx-ext-sse/sse.js"
        }) {
            assertThat(s.get(asset).statusCode()).as(asset).isEqualTo(200);
        }
    }

    @Test
    void eachRoleGetsThePagesTheUrlMapGivesIt() throws Exception {
        for (String user : new String[] {"operator", "quality", "auditor", "admin"}) {
            assertThat(as(user).get("/ui/line/line-1").statusCode()).as(user).isEqualTo(200);
        }
        WebSession integrator = as("integrator");
        assertThat(integrator.get("/ui/line/line-1").statusCode()).isEqualTo(403);
        assertThat(integrator.get("/ui/frames/x").statusCode()).isEqualTo(403);
        assertThat(integrator.get("/").headers().firstValue("Location").orElseThrow())
                .endsWith("/swagger-ui/");

        WebSession operator = as("operator");
        assertThat(operator.get("/ui/review").statusCode()).isEqualTo(403);
        assertThat(operator.get("/ui/review").body()).contains("Your roles do not allow GET /ui/review");
        assertThat(operator.get("/ui/orders").statusCode()).isEqualTo(403);
        assertThat(operator.get("/ui/lots/L1").statusCode()).isEqualTo(403);

        WebSession auditor = as("auditor");
        assertThat(auditor.get("/ui/review").statusCode()).isEqualTo(403);
        // pages built elsewhere: anything but 403 means the URL map let the role through
        assertThat(auditor.get("/ui/orders").statusCode()).isNotEqualTo(403);
        assertThat(auditor.get("/ui/lots/L1").statusCode()).isNotEqualTo(403);
        assertThat(auditor.get("/").headers().firstValue("Location").orElseThrow())
                .endsWith("/ui/orders");

        WebSession quality = as("quality");
        assertThat(quality.get("/ui/review").statusCode()).isNotEqualTo(403);
        assertThat(quality.get("/ui/orders").statusCode()).isNotEqualTo(403);
        assertThat(quality.get("/").headers().firstValue("Location").orElseThrow())
                .endsWith("/ui/review");

        WebSession admin = as("admin");
        assertThat(admin.get("/ui/review").statusCode()).isNotEqualTo(403);
        assertThat(admin.get("/").headers().firstValue("Location").orElseThrow())
                .endsWith("/ui/line/line-1");
    }

    @Test
    void afterTheLoginTheBrowserReturnsToThePageItAskedFor() throws Exception {
        WebSession s = new WebSession(() -> port);
        s.get("/ui/line/line-1");
        s.get("/ui/stream?line=line-1"); // not remembered: it is no page
        HttpResponse<String> r = s.login("operator", "operator-demo");
        assertThat(r.headers().firstValue("Location").orElseThrow()).contains("/ui/line/line-1");
    }

    @Test
    void anUnknownFrameIs404WithAClearMessage() throws Exception {
        WebSession s = as("operator");
        String id = "6f1c0000-0000-0000-0000-000000000000";
        HttpResponse<String> r = s.get("/ui/frames/" + id);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).isEqualTo("no inspection " + id + " in the ledger");
        assertThat(s.get("/ui/frames/" + id + "/annotated").statusCode()).isEqualTo(404);
        HttpResponse<String> bad = s.get("/ui/frames/a%20b");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("an inspection id is");
    }

    @Test
    void aBadOrUnknownLineNameGetsAnAnswerThatSaysSo() throws Exception {
        WebSession s = as("operator");
        HttpResponse<String> unknown = s.get("/ui/line/no-such-line");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no line &#39;no-such-line&#39; on this hub");
        HttpResponse<String> bad = s.get("/ui/line/" + "x".repeat(80));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("is not a line name");
        HttpResponse<String> stream = s.get("/ui/stream?line=bad%20line");
        assertThat(stream.statusCode()).isEqualTo(400);
        assertThat(stream.body()).contains("is not a line name");
        assertThat(s.get("/ui/stream").statusCode()).isEqualTo(400);
        assertThat(s.get("/ui/stream?line=nowhere").statusCode()).isEqualTo(404);
    }

    @Test
    void theApiStaysStatelessHttpBasicWithoutASession() throws Exception {
        HubHttpClient api = new HubHttpClient("127.0.0.1", () -> port);
        HttpResponse<String> r = api.sendAs("GET", "/api/inspections", null, "operator");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
        HttpResponse<String> none = api.send("GET", "/api/inspections", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("HTTP Basic");
        // the web app's session does not open the API
        WebSession s = as("operator");
        assertThat(s.get("/api/inspections").statusCode()).isEqualTo(401);
        // Swagger UI and the open actuator endpoints as before
        assertThat(s.get("/swagger-ui/").statusCode()).isEqualTo(200);
        assertThat(api.send("GET", "/actuator/health", null).statusCode()).isIn(200, 503);
        assertThat(api.sendAs("GET", "/actuator/metrics", null, "operator").statusCode())
                .isEqualTo(403);
    }
}
