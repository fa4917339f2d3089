package io.visionhub.opcua.client;

import java.util.List;
import java.util.Objects;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;

/**
 * How the hub opens an OPC UA client session to one server: the endpoint, its security policy and message security
 * mode, the user (name and password, or anonymous when blank), the hub's client certificate (in {@code pkiDir},
 * used when the policy is not None) and the server certificates the hub trusts (empty: any, as before). The PLC
 * handshake ({@code visionhub.plc.*}) and the MES context subscription ({@code visionhub.context.opcua.*}) take the
 * same settings; two users with equal {@link #sharingKey()}s share one session ({@link OpcUaClientSessions}).
 *
 * @param configPrefix the YAML prefix the settings come from, named in every error (e.g. {@code visionhub.plc})
 * @param requestTimeoutMs the session's request timeout; the first user of a shared session sets it
 */
public record OpcUaClientSettings(
        String endpointUrl,
        SecurityPolicy securityPolicy,
        MessageSecurityMode securityMode,
        String username,
        String password,
        String pkiDir,
        String keyStorePassword,
        List<String> trustedServerCerts,
        long requestTimeoutMs,
        String configPrefix) {

    public OpcUaClientSettings {
        Objects.requireNonNull(securityPolicy, "securityPolicy");
        Objects.requireNonNull(securityMode, "securityMode");
        endpointUrl = endpointUrl == null ? "" : endpointUrl.strip();
        username = username == null ? "" : username;
        password = password == null ? "" : password;
        pkiDir = pkiDir == null || pkiDir.isBlank() ? "data/plc/pki" : pkiDir;
        keyStorePassword = keyStorePassword == null ? "" : keyStorePassword;
        trustedServerCerts = trustedServerCerts == null ? List.of() : List.copyOf(trustedServerCerts);
    }

    /**
     * The settings from their YAML form, refused here with the key to fix: {@code policy} None, Basic256Sha256 or
     * Aes256_Sha256_RsaPss; {@code mode} None, Sign or SignAndEncrypt (blank: SignAndEncrypt with a policy, else
     * None); a mode without a policy, or a policy with mode None, is refused.
     */
    public static OpcUaClientSettings of(
            String configPrefix,
            String endpointUrl,
            String policy,
            String mode,
            String username,
            String password,
            String pkiDir,
            String keyStorePassword,
            List<String> trustedServerCerts,
            long requestTimeoutMs) {
        SecurityPolicy p = policy(policy, configPrefix);
        return new OpcUaClientSettings(
                endpointUrl,
                p,
                mode(mode, p, configPrefix),
                username,
                password,
                pkiDir,
                keyStorePassword,
                trustedServerCerts,
                requestTimeoutMs,
                configPrefix);
    }

    /** A security policy by its OPC UA short name; an unknown one is refused naming {@code <prefix>.security-policy}. */
    public static SecurityPolicy policy(String name, String configPrefix) {
        return switch (name == null ? "None" : name.strip()) {
            case "None", "" -> SecurityPolicy.None;
            case "Basic256Sha256" -> SecurityPolicy.Basic256Sha256;
            case "Aes128_Sha256_RsaOaep" -> SecurityPolicy.Aes128_Sha256_RsaOaep;
            case "Aes256_Sha256_RsaPss" -> SecurityPolicy.Aes256_Sha256_RsaPss;
            default ->
                throw new IllegalArgumentException("unknown " + configPrefix + ".security-policy '" + name
                        + "': use None, Basic256Sha256, Aes128_Sha256_RsaOaep or Aes256_Sha256_RsaPss");
        };
    }

    /** The message security mode; blank follows the policy (None → None, else SignAndEncrypt). */
    public static MessageSecurityMode mode(String name, SecurityPolicy policy, String configPrefix) {
        String n = name == null ? "" : name.strip();
        MessageSecurityMode m = switch (n) {
            case "" -> policy == SecurityPolicy.None ? MessageSecurityMode.None : MessageSecurityMode.SignAndEncrypt;
            case "None" -> MessageSecurityMode.None;
            case "Sign" -> MessageSecurityMode.Sign;
            case "SignAndEncrypt" -> MessageSecurityMode.SignAndEncrypt;
            default ->
                throw new IllegalArgumentException("unknown " + configPrefix + ".security-mode '" + name
                        + "': use None, Sign or SignAndEncrypt (or leave it empty to follow the policy)");
        };
        if ((policy == SecurityPolicy.None) != (m == MessageSecurityMode.None)) {
            throw new IllegalArgumentException(configPrefix + ".security-mode " + m + " does not go with "
                    + configPrefix + ".security-policy " + policy.name()
                    + ": policy None needs mode None, any other policy needs Sign or SignAndEncrypt");
        }
        return m;
    }

    /** What two users must have in common to share one session: everything but the request timeout and prefix. */
    public Object sharingKey() {
        return List.of(
                endpointUrl,
                securityPolicy,
                securityMode,
                username,
                password,
                pkiDir,
                keyStorePassword,
                trustedServerCerts);
    }

    /** Short description for logs: endpoint, policy, mode, user (never the password). */
    public String describe() {
        return endpointUrl + " (" + securityPolicy.name() + ", " + securityMode
                + (username.isBlank() ? ", anonymous" : ", user " + username)
                + (trustedServerCerts.isEmpty()
                        ? ""
                        : ", " + trustedServerCerts.size() + " trusted server certificate(s)")
                + ")";
    }
}
