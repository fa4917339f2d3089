package io.visionhub.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates systems by the {@value #HEADER} header. A request with a wrong key is refused at once (401);
 * a request without the header goes on to HTTP Basic.
 */
public class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    public static final String HEADER = "X-API-Key";

    private record Key(String name, byte[] sha256, List<SimpleGrantedAuthority> authorities) {}

    private final List<Key> keys;
    private final ApiErrorWriter errors;

    public ApiKeyAuthenticationFilter(List<ApiProperties.ApiKey> configured, ApiErrorWriter errors) {
        this.errors = errors;
        this.keys = configured.stream()
                .map(k -> {
                    byte[] hash;
                    if (k.keySha256() != null && !k.keySha256().isBlank()) {
                        hash = HexFormat.of().parseHex(k.keySha256().trim().toLowerCase());
                    } else if (k.key() != null && !k.key().isBlank()) {
                        hash = sha256(k.key());
                    } else {
                        throw new IllegalArgumentException("visionhub.api.api-keys entry '" + k.name()
                                + "' has neither key nor key-sha256: set one of them");
                    }
                    return new Key(
                            k.name(),
                            hash,
                            k.roles().stream()
                                    .map(r -> new SimpleGrantedAuthority("ROLE_" + r))
                                    .toList());
                })
                .toList();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String presented = request.getHeader(HEADER);
        if (presented == null) {
            chain.doFilter(request, response);
            return;
        }
        byte[] hash = sha256(presented.trim());
        Key match = null;
        for (Key k : keys) {
            if (MessageDigest.isEqual(k.sha256(), hash)) {
                match = k;
            }
        }
        if (match == null) {
            // logged and counted by LoginThrottleFilter (user api-key, the caller's address), never the key itself
            errors.write(
                    response,
                    401,
                    new ApiError("invalid_api_key", "the " + HEADER + " header holds no known key", HEADER));
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                "api-key:" + match.name(), null, match.authorities()));
        SecurityContextHolder.setContext(context);
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
