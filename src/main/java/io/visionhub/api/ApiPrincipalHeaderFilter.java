package io.visionhub.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Hands the authenticated caller to Camel routes, which run on another thread than the servlet (so Spring
 * Security's thread-local context is not there): the request gets the headers {@value #PRINCIPAL} (user name,
 * or {@code api-key:<name>}) and {@value #ROLES} (comma-separated roles). Values a client sent under these
 * names are replaced, never trusted.
 */
public class ApiPrincipalHeaderFilter extends OncePerRequestFilter {

    /** Camel header (and request header) with the authenticated caller's name. */
    public static final String PRINCIPAL = "VisionHubPrincipal";
    /** Camel header (and request header) with the caller's roles, comma-separated. */
    public static final String ROLES = "VisionHubRoles";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        String name = auth == null || auth instanceof AnonymousAuthenticationToken ? "" : auth.getName();
        String roles = auth == null
                ? ""
                : auth.getAuthorities().stream()
                        .map(GrantedAuthority::getAuthority)
                        .filter(a -> a.startsWith("ROLE_"))
                        .map(a -> a.substring(5))
                        .collect(Collectors.joining(","));
        chain.doFilter(
                new HttpServletRequestWrapper(request) {
                    @Override
                    public String getHeader(String header) {
                        if (PRINCIPAL.equalsIgnoreCase(header)) {
                            return name;
                        }
                        if (ROLES.equalsIgnoreCase(header)) {
                            return roles;
                        }
                        return super.getHeader(header);
                    }

                    @Override
                    public Enumeration<String> getHeaders(String header) {
                        if (PRINCIPAL.equalsIgnoreCase(header) || ROLES.equalsIgnoreCase(header)) {
                            return Collections.enumeration(List.of(getHeader(header)));
                        }
                        return super.getHeaders(header);
                    }

                    @Override
                    public Enumeration<String> getHeaderNames() {
                        List<String> names = new ArrayList<>();
                        for (Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements(); ) {
                            String n = e.nextElement();
                            if (!PRINCIPAL.equalsIgnoreCase(n) && !ROLES.equalsIgnoreCase(n)) {
                                names.add(n);
                            }
                        }
                        names.add(PRINCIPAL);
                        names.add(ROLES);
                        return Collections.enumeration(names);
                    }
                },
                response);
    }
}
