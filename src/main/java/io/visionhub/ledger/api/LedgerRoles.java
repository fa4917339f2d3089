package io.visionhub.ledger.api;

import io.visionhub.api.ApiAccess;
import io.visionhub.api.ApiCaller;
import io.visionhub.api.ApiPrincipalHeaderFilter;
import io.visionhub.api.ApiRoles;
import java.util.List;
import org.apache.camel.Exchange;

/**
 * Who may call the ledger API. The api concern's security filter authenticates every /api/** call and puts
 * the caller in the headers {@value ApiPrincipalHeaderFilter#PRINCIPAL} and {@value ApiPrincipalHeaderFilter#ROLES}
 * (replacing anything a client sent); the ledger routes check the roles again here, through {@link ApiCaller}.
 */
public final class LedgerRoles {

    /** read: verify, heads, proofs, records, dispositions, public key. */
    public static final List<String> READ = List.of(ApiRoles.AUDITOR, ApiRoles.QUALITY, ApiRoles.ADMIN);
    /** sign a disposition. */
    public static final List<String> SIGN = List.of(ApiRoles.QUALITY, ApiRoles.ADMIN);
    /** rotate the head-signing key (recorded in the ledger with the caller's name). */
    public static final List<String> ROTATE_KEY = List.of(ApiRoles.ADMIN);
    /** export an audit package. */
    public static final List<String> EXPORT = List.of(ApiRoles.AUDITOR, ApiRoles.QUALITY, ApiRoles.ADMIN);

    private LedgerRoles() {}

    /** The caller's user name; throws {@link Forbidden} when the caller lacks every one of the roles. */
    public static String require(Exchange exchange, List<String> allowed) {
        String user = ApiCaller.name(exchange);
        if (user.isBlank()) {
            throw new Forbidden(401, "not authenticated: log in with HTTP Basic");
        }
        if (!ApiCaller.hasAnyRole(exchange, allowed)) {
            throw new Forbidden(403, user + " lacks a role for this (needs one of " + allowed + ")");
        }
        return user;
    }

    public static String describe(List<String> roles) {
        return ApiAccess.describe(roles);
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
