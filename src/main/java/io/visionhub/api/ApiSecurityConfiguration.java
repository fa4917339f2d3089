package io.visionhub.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.visionhub.access.LoginThrottle;
import io.visionhub.access.LoginThrottleProperties;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.tomcat.util.buf.EncodedSolidusHandling;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Access control of the hub: HTTP Basic for people, {@code X-API-Key} for systems, roles per endpoint
 * ({@link ApiAccess} plus {@code visionhub.api.access} and {@link ApiProperties.AccessRule} beans of other
 * concerns), JSON errors for 401 and 403, back-off after failed logins ({@link LoginThrottleFilter}, 429), requests
 * the firewall rejects answered 400 with the error document, and no request header echoed in an answer
 * ({@link ApiResponseHeaderFilterStrategy}). Actuator health/info/prometheus and /sim/** are open (health shows
 * details to logged-in callers only); Hawtio, Jolokia and the other actuator endpoints need ADMIN.
 */
@Configuration(proxyBeanMethods = false)
public class ApiSecurityConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ApiSecurityConfiguration.class);

    @Bean
    ApiErrorWriter apiErrorWriter() {
        return new ApiErrorWriter();
    }

    /** Every platform-http endpoint (so every REST route) writes answers through the header filter. */
    @Bean
    ComponentCustomizer platformHttpResponseHeaderFilter() {
        return ComponentCustomizer.forType(
                PlatformHttpComponent.class, c -> c.setHeaderFilterStrategy(new ApiResponseHeaderFilterStrategy()));
    }

    @Bean
    LoginThrottle httpLoginThrottle(LoginThrottleProperties props, ObjectProvider<MeterRegistry> registry) {
        return new LoginThrottle("http", props, registry.getIfAvailable(), Clock.systemUTC());
    }

    /**
     * Requests Spring Security's firewall refuses (path traversal such as {@code /api/..;/x}, {@code //},
     * encoded slashes): 400 with the error document, instead of an exception that ends as an empty 500.
     */
    @Bean
    RequestRejectedHandler apiRequestRejectedHandler(ApiErrorWriter errors) {
        return (req, res, ex) -> {
            LOG.info(
                    "refused {} {} from {}: {}",
                    req.getMethod(),
                    LoginThrottle.printable(req.getRequestURI()),
                    req.getRemoteAddr(),
                    ex.getMessage());
            errors.write(
                    res,
                    400,
                    new ApiError(
                            "rejected_path",
                            "the request path is not allowed (" + ex.getMessage()
                                    + "); send a normalised path without '..', ';', '//' or encoded slashes",
                            null));
        };
    }

    /**
     * Tomcat refuses encoded slashes itself, with an HTML page, before any filter runs; passed through (still
     * encoded) they reach Spring Security's firewall, which refuses them with the error document above.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> encodedSlashesToTheFirewall() {
        return factory -> factory.addConnectorCustomizers(connector -> {
            connector.setEncodedSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
            connector.setEncodedReverseSolidusHandling(EncodedSolidusHandling.PASS_THROUGH.getValue());
        });
    }

    @Bean
    PasswordEncoder passwordEncoder() {
        return new BCryptPasswordEncoder();
    }

    @Bean
    UserDetailsService userDetailsService(ApiProperties props) {
        List<UserDetails> users = new ArrayList<>();
        for (ApiProperties.User u : props.users()) {
            if (u.username() == null || u.password() == null || !u.password().startsWith("$2")) {
                throw new IllegalArgumentException("visionhub.api.users entry '" + u.username()
                        + "' needs a username and a BCrypt password hash ($2a$...)");
            }
            users.add(User.withUsername(u.username())
                    .password(u.password())
                    .roles(u.roles().toArray(String[]::new))
                    .build());
        }
        LOG.info(
                "REST API users: {}; API keys: {}",
                props.users().stream().map(ApiProperties.User::username).toList(),
                props.apiKeys().stream().map(ApiProperties.ApiKey::name).toList());
        return new InMemoryUserDetailsManager(users);
    }

    @Bean
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET) // no web server, no HttpSecurity
    SecurityFilterChain visionHubSecurity(
            HttpSecurity http,
            ApiProperties props,
            ApiErrorWriter errors,
            ObjectProvider<ApiProperties.AccessRule> contributed,
            LoginThrottle httpLoginThrottle)
            throws Exception {
        List<ApiProperties.AccessRule> rules = new ArrayList<>(props.access());
        contributed.orderedStream().forEach(rules::add);
        rules.addAll(ApiAccess.RULES);
        PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();

        http.csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .httpBasic(b -> b.realmName("Vision Hub")
                        .authenticationEntryPoint((req, res, ex) -> errors.write(
                                res,
                                401,
                                new ApiError(
                                        "unauthorized", "log in with HTTP Basic or send an X-API-Key header", null))))
                .exceptionHandling(e -> e.authenticationEntryPoint((req, res, ex) -> errors.write(
                                res,
                                401,
                                new ApiError(
                                        "unauthorized", "log in with HTTP Basic or send an X-API-Key header", null)))
                        .accessDeniedHandler((req, res, ex) -> errors.write(
                                res,
                                403,
                                new ApiError(
                                        "forbidden",
                                        "your roles do not allow " + req.getMethod() + " " + req.getRequestURI(),
                                        null))))
                .addFilterBefore(
                        new ApiKeyAuthenticationFilter(props.apiKeys(), errors), BasicAuthenticationFilter.class)
                .addFilterBefore(new LoginThrottleFilter(httpLoginThrottle, errors), ApiKeyAuthenticationFilter.class)
                .addFilterAfter(new ApiPrincipalHeaderFilter(), AuthorizationFilter.class)
                .headers(h -> h.frameOptions(f -> f.sameOrigin()))
                .authorizeHttpRequests(a -> {
                    // platform-http answers on an async dispatch; the caller was checked on the first one
                    a.dispatcherTypeMatchers(DispatcherType.ASYNC, DispatcherType.ERROR)
                            .permitAll();
                    a.requestMatchers(paths.matcher("/error")).permitAll();
                    a.requestMatchers(
                                    paths.matcher("/actuator/health"),
                                    paths.matcher("/actuator/health/**"),
                                    paths.matcher("/actuator/info"),
                                    paths.matcher("/actuator/prometheus"))
                            .permitAll();
                    a.requestMatchers(paths.matcher("/actuator/**")).hasRole(ApiRoles.ADMIN);
                    a.requestMatchers(paths.matcher("/sim/**")).permitAll();
                    a.requestMatchers(paths.matcher("/api/openapi.json"), paths.matcher("/api/openapi.yaml"))
                            .permitAll();
                    for (ApiProperties.AccessRule r : rules) {
                        String[] roles = r.roles().toArray(String[]::new);
                        var matcher = "*".equals(r.method())
                                ? paths.matcher(r.path())
                                : paths.matcher(HttpMethod.valueOf(r.method()), r.path());
                        a.requestMatchers(matcher).hasAnyRole(roles);
                    }
                    a.requestMatchers(paths.matcher("/api/**")).authenticated();
                    a.anyRequest().permitAll();
                });
        return http.build();
    }

    @Bean
    FilterRegistrationBean<ApiRequestLimitsFilter> apiRequestLimits(
            ApiProperties props, ApiErrorWriter errors, ObjectProvider<ApiProperties.UploadPath> uploads) {
        FilterRegistrationBean<ApiRequestLimitsFilter> reg = new FilterRegistrationBean<>(new ApiRequestLimitsFilter(
                props.maxBodySize().toBytes(),
                props.rawBodyPaths(),
                uploads.orderedStream().toList(),
                errors));
        reg.addUrlPatterns("/api/*");
        reg.setOrder(0); // after Spring Security (-100)
        return reg;
    }
}
