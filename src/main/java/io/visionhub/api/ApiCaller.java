package io.visionhub.api;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * The authenticated caller of a REST route, as {@link ApiPrincipalHeaderFilter} hands it over in the headers
 * {@value ApiPrincipalHeaderFilter#PRINCIPAL} and {@value ApiPrincipalHeaderFilter#ROLES}: the one place routes
 * read them. Spring Security already enforces {@link ApiAccess} rules; routes that check roles again use this.
 */
public final class ApiCaller {

    private ApiCaller() {}

    /** The caller's name (a user, or {@code api-key:<name>}); empty when nobody is logged in. */
    public static String name(Exchange exchange) {
        return exchange.getMessage().getHeader(ApiPrincipalHeaderFilter.PRINCIPAL, "", String.class);
    }

    /** The caller's roles (names of {@link ApiRoles}). */
    public static List<String> roles(Exchange exchange) {
        String roles = exchange.getMessage().getHeader(ApiPrincipalHeaderFilter.ROLES, "", String.class);
        return Arrays.stream(roles.split(","))
                .map(String::trim)
                .filter(r -> !r.isEmpty())
                .toList();
    }

    /** Whether a caller is logged in and holds one of the roles. */
    public static boolean hasAnyRole(Exchange exchange, Collection<String> allowed) {
        return !name(exchange).isBlank() && roles(exchange).stream().anyMatch(allowed::contains);
    }

    /**
     * The caller's name when they are logged in and hold one of the roles; otherwise an {@link ApiException}
     * 403 {@code forbidden} with this message (the security filter has already answered 401 to anonymous calls).
     */
    public static String require(Exchange exchange, Collection<String> allowed, String forbiddenMessage) {
        if (!hasAnyRole(exchange, allowed)) {
            throw new ApiException(403, "forbidden", forbiddenMessage, null);
        }
        return name(exchange);
    }
}
