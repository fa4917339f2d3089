package io.visionhub.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Makes the OpenAPI document's {@code servers} entry the address the caller used. Camel's OpenAPI support
 * (with {@code useXForwardHeaders}) builds {@code <X-Forwarded-Proto>://<X-Forwarded-Host or Host><basePath>};
 * a caller that is not behind a proxy sends no X-Forwarded-Proto, so this filter supplies the request's own
 * scheme, and the Host header carries the port ({@code http://127.0.0.1:8080/api}). A proxy's own
 * X-Forwarded-* headers are left as they are.
 */
@Component
public class OpenApiServerUrlFilter extends OncePerRequestFilter {

    static final String PROTO = "X-Forwarded-Proto";

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return !(path.endsWith("/api/openapi.json") || path.endsWith("/api/openapi.yaml"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getHeader(PROTO) != null) {
            chain.doFilter(request, response);
            return;
        }
        String scheme = request.getScheme();
        chain.doFilter(
                new HttpServletRequestWrapper(request) {
                    @Override
                    public String getHeader(String name) {
                        return PROTO.equalsIgnoreCase(name) ? scheme : super.getHeader(name);
                    }

                    @Override
                    public Enumeration<String> getHeaders(String name) {
                        return PROTO.equalsIgnoreCase(name)
                                ? Collections.enumeration(List.of(scheme))
                                : super.getHeaders(name);
                    }

                    @Override
                    public Enumeration<String> getHeaderNames() {
                        List<String> names = Collections.list(super.getHeaderNames());
                        names.add(PROTO);
                        return Collections.enumeration(names);
                    }
                },
                response);
    }
}
