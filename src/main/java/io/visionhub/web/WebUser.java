package io.visionhub.web;

import io.visionhub.api.ApiProperties;
import io.visionhub.api.ApiRoles;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * The logged-in person as pages show them: user name, the printed name of their account
 * ({@code visionhub.api.users[].printed-name}, else the user name), and which parts of the web app their roles open.
 */
public record WebUser(String username, String printedName, Set<String> roles) {

    static WebUser of(Authentication auth, ApiProperties api) {
        if (auth == null
                || !auth.isAuthenticated()
                || auth.getName() == null
                || "anonymousUser".equals(auth.getName())) {
            return null;
        }
        Set<String> roles = auth.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .filter(a -> a.startsWith("ROLE_"))
                .map(a -> a.substring("ROLE_".length()))
                .collect(Collectors.toUnmodifiableSet());
        String printed = api.users().stream()
                .filter(u -> auth.getName().equals(u.username()))
                .map(ApiProperties.User::printedName)
                .filter(n -> n != null && !n.isBlank())
                .findFirst()
                .orElse(auth.getName());
        return new WebUser(auth.getName(), printed, roles);
    }

    public boolean has(String... any) {
        for (String r : any) {
            if (roles.contains(r)) {
                return true;
            }
        }
        return false;
    }

    /** The line screen: every role of the web app. */
    public boolean canSeeLine() {
        return has(WebSecurityConfiguration.UI_ROLES);
    }

    /** The review queue (/ui/review). */
    public boolean canReview() {
        return has(ApiRoles.QUALITY, ApiRoles.ADMIN);
    }

    /** Order and lot pages (/ui/orders, /ui/lots). */
    public boolean canSeeOrders() {
        return has(ApiRoles.QUALITY, ApiRoles.AUDITOR, ApiRoles.ADMIN);
    }
}
