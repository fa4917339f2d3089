package io.visionhub.outputs.opcua;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * visionhub.opcua.*: the hub's own OPC UA server: where it listens, which security it offers, who may log in, which
 * stations it shows. Immutable: a setting left out of the YAML (null here) takes its default in the compact
 * constructor; tests make copies with {@code with…}.
 *
 * @param enabled serve station results over OPC UA; default true
 * @param port preferred TCP port; when taken the next free one is used (and logged). 0 = any free port; default 4840
 * @param bindAddress address the server listens on; default 127.0.0.1
 * @param hostname host name in the endpoint URLs the server advertises; default localhost
 * @param path path of the endpoint URL: opc.tcp://host:port/path; default /visionhub
 * @param allowSecurityNone offer SecurityPolicy None (no signing, no encryption). Only for demos on a closed network;
 *     default false
 * @param allowAnonymous allow anonymous login (without username/password); default false
 * @param securityPolicies security policies offered, each with Sign and SignAndEncrypt: Basic256Sha256,
 *     Aes256_Sha256_RsaPss (the default, both)
 * @param users users allowed to log in with username and password; default none
 * @param pkiDir PKI folder: own/ (the server's key store), trusted/certs (client certificates accepted),
 *     rejected/certs (certificates of clients that tried to connect and were refused, kept for review; move one to
 *     trusted/certs to accept it); default data/opcua/pki
 * @param keyStorePassword password of the server's key store (own/server.pfx); secret; default visionhub
 * @param stations stations whose nodes exist from start-up; others appear with their first result
 * @param recipeDirs recipes: model folders (sub-folders with a model.yaml) under these folders can be linked to
 *     products; default models
 * @param recipeLinksFile file keeping the product -> recipe links per station across restarts (each change is also in
 *     the ledger); default data/opcua/recipe-links.json
 */
@ConfigurationProperties(prefix = "visionhub.opcua")
public record OpcUaServerProperties(
        Boolean enabled,
        Integer port,
        String bindAddress,
        String hostname,
        String path,
        Boolean allowSecurityNone,
        Boolean allowAnonymous,
        List<String> securityPolicies,
        List<User> users,
        String pkiDir,
        String keyStorePassword,
        List<String> stations,
        List<String> recipeDirs,
        String recipeLinksFile) {

    public OpcUaServerProperties {
        enabled = enabled == null || enabled;
        port = port == null ? 4840 : port;
        bindAddress = bindAddress == null ? "127.0.0.1" : bindAddress;
        hostname = hostname == null ? "localhost" : hostname;
        path = path == null ? "/visionhub" : path;
        allowSecurityNone = allowSecurityNone != null && allowSecurityNone;
        allowAnonymous = allowAnonymous != null && allowAnonymous;
        securityPolicies = securityPolicies == null
                ? List.of("Basic256Sha256", "Aes256_Sha256_RsaPss")
                : List.copyOf(securityPolicies);
        users = users == null ? List.of() : List.copyOf(users);
        pkiDir = pkiDir == null ? "data/opcua/pki" : pkiDir;
        keyStorePassword = keyStorePassword == null ? "visionhub" : keyStorePassword;
        stations = stations == null ? List.of() : List.copyOf(stations);
        recipeDirs = recipeDirs == null ? List.of("models") : List.copyOf(recipeDirs);
        recipeLinksFile = recipeLinksFile == null ? "data/opcua/recipe-links.json" : recipeLinksFile;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("visionhub.opcua.port must be between 0 and 65535, not " + port);
        }
    }

    /** Every setting at its default. */
    public static OpcUaServerProperties defaults() {
        return new OpcUaServerProperties(
                null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** Listening on this address and port (0: any free port). */
    public OpcUaServerProperties withListen(String newBindAddress, int newPort) {
        return new OpcUaServerProperties(
                enabled,
                newPort,
                newBindAddress,
                hostname,
                path,
                allowSecurityNone,
                allowAnonymous,
                securityPolicies,
                users,
                pkiDir,
                keyStorePassword,
                stations,
                recipeDirs,
                recipeLinksFile);
    }

    public OpcUaServerProperties withPort(int newPort) {
        return withListen(bindAddress, newPort);
    }

    /** Which security policies are offered, whether None too, and whether anonymous login is allowed. */
    public OpcUaServerProperties withSecurity(
            List<String> newSecurityPolicies, boolean newAllowSecurityNone, boolean newAllowAnonymous) {
        return new OpcUaServerProperties(
                enabled,
                port,
                bindAddress,
                hostname,
                path,
                newAllowSecurityNone,
                newAllowAnonymous,
                newSecurityPolicies,
                users,
                pkiDir,
                keyStorePassword,
                stations,
                recipeDirs,
                recipeLinksFile);
    }

    public OpcUaServerProperties withSecurityPolicies(List<String> newSecurityPolicies) {
        return withSecurity(newSecurityPolicies, allowSecurityNone, allowAnonymous);
    }

    public OpcUaServerProperties withAllowSecurityNone(boolean newAllowSecurityNone) {
        return withSecurity(securityPolicies, newAllowSecurityNone, allowAnonymous);
    }

    public OpcUaServerProperties withAllowAnonymous(boolean newAllowAnonymous) {
        return withSecurity(securityPolicies, allowSecurityNone, newAllowAnonymous);
    }

    public OpcUaServerProperties withUsers(List<User> newUsers) {
        return new OpcUaServerProperties(
                enabled,
                port,
                bindAddress,
                hostname,
                path,
                allowSecurityNone,
                allowAnonymous,
                securityPolicies,
                newUsers,
                pkiDir,
                keyStorePassword,
                stations,
                recipeDirs,
                recipeLinksFile);
    }

    public OpcUaServerProperties withPkiDir(String newPkiDir) {
        return new OpcUaServerProperties(
                enabled,
                port,
                bindAddress,
                hostname,
                path,
                allowSecurityNone,
                allowAnonymous,
                securityPolicies,
                users,
                newPkiDir,
                keyStorePassword,
                stations,
                recipeDirs,
                recipeLinksFile);
    }

    public OpcUaServerProperties withStations(List<String> newStations) {
        return new OpcUaServerProperties(
                enabled,
                port,
                bindAddress,
                hostname,
                path,
                allowSecurityNone,
                allowAnonymous,
                securityPolicies,
                users,
                pkiDir,
                keyStorePassword,
                newStations,
                recipeDirs,
                recipeLinksFile);
    }

    /**
     * A username/password login.
     *
     * @param username the login name
     * @param password its password; secret
     * @param roles roles (names of the REST API's roles): QUALITY or ADMIN may link products to recipes; default none
     */
    public record User(String username, String password, List<String> roles) {
        public User {
            roles = roles == null ? List.of() : List.copyOf(roles);
        }
    }
}
