package io.visionhub.api;

import java.util.List;

/**
 * Who may call which endpoint of this package: the one table that both Spring Security enforces and the
 * OpenAPI document states (each operation's description names its roles).
 */
public final class ApiAccess {

    public static final List<String> READ_RESULTS = ApiRoles.ALL;
    public static final List<String> PUSH_CONTEXT = List.of(ApiRoles.INTEGRATOR, ApiRoles.ADMIN);
    /** Reset of a line's context: a person's decision (logged in, not an API key; the route checks that). */
    public static final List<String> RESET_CONTEXT = List.of(ApiRoles.INTEGRATOR, ApiRoles.ADMIN);

    public static final List<String> READ_QUALITY =
            List.of(ApiRoles.QUALITY, ApiRoles.INTEGRATOR, ApiRoles.AUDITOR, ApiRoles.ADMIN);

    /** Rules of this package, most specific first. */
    public static final List<ApiProperties.AccessRule> RULES = List.of(
            new ApiProperties.AccessRule("POST", "/api/context/*/reset", RESET_CONTEXT),
            new ApiProperties.AccessRule("PUT", "/api/context/**", PUSH_CONTEXT),
            new ApiProperties.AccessRule("DELETE", "/api/context/**", PUSH_CONTEXT),
            new ApiProperties.AccessRule("GET", "/api/context/**", READ_RESULTS),
            new ApiProperties.AccessRule("GET", "/api/context", READ_RESULTS),
            new ApiProperties.AccessRule("GET", "/api/inspections/**", READ_RESULTS),
            new ApiProperties.AccessRule("GET", "/api/inspections", READ_RESULTS),
            new ApiProperties.AccessRule("GET", "/api/orders/**", READ_QUALITY),
            new ApiProperties.AccessRule("GET", "/api/lots/**", READ_QUALITY));

    private ApiAccess() {}

    /** "Roles: A, B" for an OpenAPI operation description. */
    public static String describe(List<String> roles) {
        return "Roles: " + String.join(", ", roles) + ".";
    }
}
