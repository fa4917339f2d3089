package io.visionhub.ledger.api;

import org.apache.camel.Exchange;

import java.util.Arrays;
import java.util.List;

/**
 * Who may call the ledger API. The api concern's security filter authenticates every /api/** call and puts
 * the caller in the headers {@value #PRINCIPAL} and {@value #ROLES} (replacing anything a client sent);
 * the ledger routes check the roles again here.
 */
public final class LedgerRoles {

    public static final String PRINCIPAL = "VisionHubPrincipal";
    public static final String ROLES = "VisionHubRoles";
    /** read: verify, heads, proofs, records, dispositions, public key. */
    public static final List<String> READ = List.of("AUDITOR", "QUALITY", "ADMIN");
    /** sign a disposition. */
    public static final List<String> SIGN = List.of("QUALITY", "ADMIN");
    /** export an audit package. */
    public static final List<String> EXPORT = List.of("AUDITOR", "QUALITY", "ADMIN");

    private LedgerRoles() {
    }

    /** The caller's user name; throws {@link Forbidden} when the caller lacks every one of the roles. */
    public static String require(Exchange exchange, List<String> allowed) {
        String user = exchange.getMessage().getHeader(PRINCIPAL, "", String.class);
        String roles = exchange.getMessage().getHeader(ROLES, "", String.class);
        List<String> has = Arrays.stream(roles.split(",")).map(String::trim).toList();
        if (user.isBlank()) {
            throw new Forbidden(401, "not authenticated: log in with HTTP Basic");
        }
        if (has.stream().noneMatch(allowed::contains)) {
            throw new Forbidden(403, user + " lacks a role for this (needs one of " + allowed + ")");
        }
        return user;
    }

    public static String describe(List<String> roles) {
        return "Roles: " + String.join(", ", roles) + ".";
    }

    /** Caller not allowed: 401 or 403. */
    public static class Forbidden extends RuntimeException {
        private final int status;

        public Forbidden(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
