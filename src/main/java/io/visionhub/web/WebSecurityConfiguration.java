package io.visionhub.web;

import io.visionhub.access.LoginThrottle;
import io.visionhub.api.ApiRoles;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.DelegatingAuthenticationEntryPoint;
import org.springframework.security.web.authentication.HttpStatusEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.UsernamePasswordAuthenticationFilter;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.AndRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.HtmlUtils;

/**
 * Access to the operator web app: its own filter chain, ahead of the REST API's (which stays stateless HTTP Basic
 * and X-API-Key for /api/**), for {@code /}, {@code /login}, {@code /logout} and {@code /ui/**}. Form login with the
 * same users and roles as the API, a session, CSRF protection on every non-GET (htmx sends the token in a header,
 * static/ui/app.js), logout by POST. Failed form logins count in the same {@link LoginThrottle} as HTTP Basic, so a
 * password guesser gains nothing by switching between the two.
 *
 * <p>The URL map (shared with the review and order pages):
 * <ul>
 * <li>{@code /ui/line/**}, {@code /ui/frames/**}, {@code /ui/stream}: OPERATOR, QUALITY, AUDITOR, ADMIN</li>
 * <li>{@code /ui/review/**}: QUALITY, ADMIN</li>
 * <li>{@code /ui/orders/**}, {@code /ui/lots/**}: QUALITY, AUDITOR, ADMIN</li>
 * <li>{@code /}: any logged-in user, sent on by role ({@link HomeController})</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WebProperties.class)
@ConditionalOnProperty(prefix = "visionhub.web", name = "enabled", matchIfMissing = true)
public class WebSecurityConfiguration {

    /** Roles that see some page of the web app. */
    static final String[] UI_ROLES = {ApiRoles.OPERATOR, ApiRoles.QUALITY, ApiRoles.AUDITOR, ApiRoles.ADMIN};

    @Bean
    @Order(1) // before the API chain, which has no matcher and takes every other request
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    SecurityFilterChain webSecurity(HttpSecurity http, LoginThrottle httpLoginThrottle) throws Exception {
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
        SavedRequestAwareAuthenticationSuccessHandler toPage = new SavedRequestAwareAuthenticationSuccessHandler();
        toPage.setDefaultTargetUrl("/");
        http.securityMatcher(new OrRequestMatcher(
                        paths.matcher("/"), paths.matcher("/login"), paths.matcher("/logout"), paths.matcher("/ui/**")))
                .authorizeHttpRequests(a -> {
                    // the SSE stream and errors come back on async/error dispatches; the caller was checked first
                    a.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
                            .permitAll();
                    a.requestMatchers(
                                    paths.matcher("/login"),
                                    paths.matcher("/ui/app.css"),
                                    paths.matcher("/ui/app.js"),
                                    paths.matcher("/ui/favicon.svg"))
                            .permitAll();
                    a.requestMatchers(paths.matcher("/ui/review/**")).hasAnyRole(ApiRoles.QUALITY, ApiRoles.ADMIN);
                    a.requestMatchers(paths.matcher("/ui/orders/**"), paths.matcher("/ui/lots/**"))
                            .hasAnyRole(ApiRoles.QUALITY, ApiRoles.AUDITOR, ApiRoles.ADMIN);
                    a.requestMatchers(
                                    paths.matcher("/ui/line/**"),
                                    paths.matcher("/ui/frames/**"),
                                    paths.matcher("/ui/stream"))
                            .hasAnyRole(UI_ROLES);
                    a.requestMatchers(paths.matcher("/")).authenticated();
                    a.anyRequest().hasAnyRole(UI_ROLES);
                })
                .formLogin(f -> f.loginPage("/login")
                        .successHandler((req, res, auth) -> {
                            httpLoginThrottle.succeeded(auth.getName(), req.getRemoteAddr());
                            toPage.onAuthenticationSuccess(req, res, auth);
                        })
                        .failureHandler((req, res, ex) -> {
                            httpLoginThrottle.failed(
                                    req.getParameter("username"),
                                    req.getRemoteAddr(),
                                    "wrong password or unknown user on the login page");
                            res.sendRedirect("/login?error");
                        }))
                .logout(l -> l.logoutRequestMatcher(paths.matcher(HttpMethod.POST, "/logout"))
                        .logoutSuccessUrl("/login?logout"))
                .addFilterBefore(
                        new FormLoginThrottleFilter(httpLoginThrottle), UsernamePasswordAuthenticationFilter.class)
                // only pages are remembered for after the login (not the stream, a frame, or a form post)
                .requestCache(c -> c.requestCache(pageCache(paths)))
                .exceptionHandling(e -> e.authenticationEntryPoint(entryPoint(paths))
                        .accessDeniedHandler((req, res, ex) -> {
                            res.setStatus(403);
                            res.setContentType("text/html;charset=UTF-8");
                            res.getWriter()
                                    .write("<!DOCTYPE html><html lang=\"en\"><head><title>Not allowed</title>"
                                            + "<link rel=\"stylesheet\" href=\"/ui/app.css\"></head><body class=\"message\">"
                                            + "<h1>Not allowed</h1><p>Your roles do not allow "
                                            + HtmlUtils.htmlEscape(req.getMethod() + " " + req.getRequestURI())
                                            + " (or the form's CSRF token is missing: reload the page).</p>"
                                            + "<p><a href=\"/\">Home</a></p></body></html>");
                        }));
        return http.build();
    }

    /** Not logged in: pages go to the login page; the stream answers 401 (an EventSource cannot show a page). */
    private static AuthenticationEntryPoint entryPoint(PathPatternRequestMatcher.Builder paths) {
        LinkedHashMap<RequestMatcher, AuthenticationEntryPoint> byPath = new LinkedHashMap<>();
        byPath.put(paths.matcher("/ui/stream"), new HttpStatusEntryPoint(HttpStatus.UNAUTHORIZED));
        DelegatingAuthenticationEntryPoint entry = new DelegatingAuthenticationEntryPoint(byPath);
        entry.setDefaultEntryPoint(new LoginUrlAuthenticationEntryPoint("/login"));
        return entry;
    }

    private static HttpSessionRequestCache pageCache(PathPatternRequestMatcher.Builder paths) {
        HttpSessionRequestCache cache = new HttpSessionRequestCache();
        cache.setRequestMatcher(new AndRequestMatcher(
                paths.matcher(HttpMethod.GET, "/ui/**"),
                new NegatedRequestMatcher(
                        new OrRequestMatcher(paths.matcher("/ui/stream"), paths.matcher("/ui/frames/**")))));
        return cache;
    }

    /**
     * A form login while its user (or its address) is locked out by the throttle is sent back to the login page
     * without checking the password, as the API answers 429 to HTTP Basic.
     */
    static final class FormLoginThrottleFilter extends OncePerRequestFilter {

        private final LoginThrottle throttle;

        FormLoginThrottleFilter(LoginThrottle throttle) {
            this.throttle = throttle;
        }

        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            return !("POST".equals(request.getMethod()) && "/login".equals(request.getServletPath()));
        }

        @Override
        protected void doFilterInternal(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
                throws ServletException, IOException {
            String user = req.getParameter("username");
            if (user != null && throttle.check(user, req.getRemoteAddr()) instanceof LoginThrottle.Locked locked) {
                res.setHeader("Retry-After", Long.toString(locked.retryAfterSeconds()));
                res.sendRedirect("/login?locked=" + locked.retryAfterSeconds());
                return;
            }
            chain.doFilter(req, res);
        }
    }
}
