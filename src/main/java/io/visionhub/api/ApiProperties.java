package io.visionhub.api;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * REST API and its access control (documented with defaults in config/context-api.yaml).
 *
 * @param maxBodySize  largest request body accepted under /api (larger: 413)
 * @param maxPageSize  largest page a list query may ask for
 * @param users        people who log in with HTTP Basic: user name, BCrypt hash of the password, roles, printed
 *                     name (shown with their e-signatures)
 * @param apiKeys      systems (MES, ERP) that send {@code X-API-Key}: name, key (or its SHA-256), roles
 * @param access       extra access rules for /api paths of other concerns: method (or *), path pattern, roles
 * @param rawBodyPaths /api path patterns whose request bodies are not JSON (no 415 check)
 */
@ConfigurationProperties(prefix = "visionhub.api")
public record ApiProperties(
        DataSize maxBodySize,
        Integer maxPageSize,
        List<User> users,
        List<ApiKey> apiKeys,
        List<AccessRule> access,
        List<String> rawBodyPaths) {

    public ApiProperties {
        maxBodySize = maxBodySize == null ? DataSize.ofKilobytes(64) : maxBodySize;
        maxPageSize = maxPageSize == null ? 500 : maxPageSize;
        users = users == null ? List.of() : List.copyOf(users);
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        access = access == null ? List.of() : List.copyOf(access);
        rawBodyPaths = rawBodyPaths == null ? List.of() : List.copyOf(rawBodyPaths);
    }

    /**
     * A person: {@code password} is a BCrypt hash ({@code $2a$...}); {@code printedName} is the full name printed
     * with every electronic signature of this user (21 CFR 11.50), taken from here and never from the request.
     */
    public record User(String username, String password, List<String> roles, String printedName) {
        public User {
            roles = roles == null ? List.of() : List.copyOf(roles);
        }
    }

    /** A system key: either {@code key} (plain, demo only) or {@code keySha256} (hex SHA-256 of the key). */
    public record ApiKey(String name, String key, String keySha256, List<String> roles) {
        public ApiKey {
            roles = roles == null ? List.of() : List.copyOf(roles);
        }
    }

    /**
     * A path under /api that takes uploads (multipart or other non-JSON bodies) up to {@code maxSize} instead of
     * {@code max-body-size}; {@code sizeKey} is the property to name when one is larger. Other concerns contribute
     * these as beans, like {@link AccessRule}s.
     */
    public record UploadPath(String path, DataSize maxSize, String sizeKey) {}

    /** Roles allowed on requests matching method ({@code *} = any) and a path pattern such as /api/audit/**. */
    public record AccessRule(String method, String path, List<String> roles) {
        public AccessRule {
            method = method == null ? "*" : method;
            roles = roles == null ? List.of() : List.copyOf(roles);
        }
    }
}
