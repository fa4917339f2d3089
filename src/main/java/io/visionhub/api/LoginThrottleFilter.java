package io.visionhub.api;

import io.visionhub.access.LoginThrottle;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs before the API-key and HTTP Basic filters: a request that carries credentials while its user (or its
 * address) is locked out by the {@link LoginThrottle} is answered 429 with {@code Retry-After}, without
 * checking the credentials; a request whose credentials are refused (401) counts as a failure, one that gets
 * past authentication clears the user's counter. The user is the HTTP Basic user name, or {@code api-key} for
 * an {@code X-API-Key} (a wrong key names nobody). The source is the TCP peer address (not X-Forwarded-For,
 * which any caller can write).
 */
public class LoginThrottleFilter extends OncePerRequestFilter {

    /** The user a wrong API key is counted against. */
    public static final String API_KEY_USER = "api-key";

    private final LoginThrottle throttle;
    private final ApiErrorWriter errors;

    public LoginThrottleFilter(LoginThrottle throttle, ApiErrorWriter errors) {
        this.throttle = throttle;
        this.errors = errors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String user = presentedUser(request);
        if (user == null) {
            chain.doFilter(request, response);
            return;
        }
        String source = request.getRemoteAddr();
        if (throttle.check(user, source) instanceof LoginThrottle.Locked locked) {
            response.setHeader("Retry-After", Long.toString(locked.retryAfterSeconds()));
            errors.write(
                    response,
                    429,
                    new ApiError(
                            "too_many_failed_logins",
                            "too many failed logins "
                                    + (locked.bySource() ? "from this address" : "for this user from this address")
                                    + "; try again in " + locked.retryAfterSeconds() + " s",
                            null));
            return;
        }
        chain.doFilter(request, response);
        // the entry points answer 401 before the chain returns (platform-http answers later, on an async dispatch,
        // but only for requests that were authenticated)
        if (response.getStatus() == 401) {
            throttle.failed(
                    user,
                    source,
                    (user.equals(API_KEY_USER)
                                    ? "unknown API key in " + ApiKeyAuthenticationFilter.HEADER
                                    : "wrong password or unknown user")
                            + " on "
                            + request.getMethod() + " " + request.getRequestURI());
        } else {
            throttle.succeeded(user, source);
        }
    }

    /** The user the request's credentials name, or null when it carries none. */
    static String presentedUser(HttpServletRequest request) {
        if (request.getHeader(ApiKeyAuthenticationFilter.HEADER) != null) {
            return API_KEY_USER;
        }
        String auth = request.getHeader("Authorization");
        if (auth == null) {
            return null;
        }
        if (!auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            return auth.split(" ", 2)[0].toLowerCase(Locale.ROOT) + " token";
        }
        try {
            String decoded =
                    new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? "?" : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return "?";
        }
    }
}
