package io.visionhub.outputs.opcua;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.ArrayList;
import java.util.List;

/** The hub's own OPC UA server: where it listens, which security it offers, who may log in, which stations it shows. */
@ConfigurationProperties(prefix = "visionhub.opcua")
public class OpcUaServerProperties {

    /** Serve station results over OPC UA. */
    private boolean enabled = true;
    /** Preferred TCP port; when taken the next free one is used (and logged). 0 = any free port. */
    private int port = 4840;
    private String bindAddress = "0.0.0.0";
    /** Host name in the endpoint URLs the server advertises. */
    private String hostname = "localhost";
    /** Path of the endpoint URL: opc.tcp://host:port/path. */
    private String path = "/visionhub";
    /** Offer SecurityPolicy None (no signing, no encryption). Only for demos on a closed network. */
    private boolean allowSecurityNone = false;
    /** Allow anonymous login (without username/password). */
    private boolean allowAnonymous = false;
    /** Security policies offered, each with Sign and SignAndEncrypt: Basic256Sha256, Aes256_Sha256_RsaPss. */
    private List<String> securityPolicies = new ArrayList<>(List.of("Basic256Sha256", "Aes256_Sha256_RsaPss"));
    /** Users allowed to log in with username and password. */
    private List<User> users = new ArrayList<>();
    /**
     * PKI folder: own/ (the server's key store), trusted/certs (client certificates accepted), rejected/certs
     * (certificates of clients that tried to connect and were refused, kept for review; move one to trusted/certs
     * to accept it).
     */
    private String pkiDir = "data/opcua/pki";
    /** Password of the server's key store (own/server.pfx); secret. */
    private String keyStorePassword = "visionhub";
    /** Stations whose nodes exist from start-up; others appear with their first result. */
    private List<String> stations = new ArrayList<>();

    /** A username/password login. */
    public static class User {
        private String username;
        /** Secret. */
        private String password;

        public String getUsername() {
            return username;
        }

        public void setUsername(String username) {
            this.username = username;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public String getBindAddress() {
        return bindAddress;
    }

    public void setBindAddress(String bindAddress) {
        this.bindAddress = bindAddress;
    }

    public String getHostname() {
        return hostname;
    }

    public void setHostname(String hostname) {
        this.hostname = hostname;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public boolean isAllowSecurityNone() {
        return allowSecurityNone;
    }

    public void setAllowSecurityNone(boolean allowSecurityNone) {
        this.allowSecurityNone = allowSecurityNone;
    }

    public boolean isAllowAnonymous() {
        return allowAnonymous;
    }

    public void setAllowAnonymous(boolean allowAnonymous) {
        this.allowAnonymous = allowAnonymous;
    }

    public List<String> getSecurityPolicies() {
        return securityPolicies;
    }

    public void setSecurityPolicies(List<String> securityPolicies) {
        this.securityPolicies = securityPolicies;
    }

    public List<User> getUsers() {
        return users;
    }

    public void setUsers(List<User> users) {
        this.users = users;
    }

    public String getPkiDir() {
        return pkiDir;
    }

    public void setPkiDir(String pkiDir) {
        this.pkiDir = pkiDir;
    }

    public String getKeyStorePassword() {
        return keyStorePassword;
    }

    public void setKeyStorePassword(String keyStorePassword) {
        this.keyStorePassword = keyStorePassword;
    }

    public List<String> getStations() {
        return stations;
    }

    public void setStations(List<String> stations) {
        this.stations = stations;
    }
}
