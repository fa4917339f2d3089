package io.visionhub.outputs.opcua;

import io.visionhub.access.LoginThrottle;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.identity.AbstractUsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.DefaultUsernameIdentity;
import org.eclipse.milo.opcua.sdk.server.identity.Identity;

/**
 * User-name logins of the hub's OPC UA server (visionhub.opcua.users), with the {@link LoginThrottle}'s back-off
 * per user and client address: a locked-out login is refused (Bad_UserAccessDenied) without checking its
 * password; every refusal is logged with user and address, never the password.
 */
final class ThrottledUsernameValidator extends AbstractUsernameIdentityValidator {

    private final Map<String, String> passwords;
    private final LoginThrottle throttle;

    ThrottledUsernameValidator(Map<String, String> passwords, LoginThrottle throttle) {
        this.passwords = Map.copyOf(passwords);
        this.throttle = throttle;
    }

    @Override
    protected Identity.UsernameIdentity authenticateUsernamePassword(
            Session session, String username, String password) {
        InetAddress client = session.getClientAddress();
        String source = client == null ? "unknown address" : client.getHostAddress();
        if (throttle.check(username, source) instanceof LoginThrottle.Locked) {
            return null;
        }
        String expected = username == null ? null : passwords.get(username);
        boolean ok = expected != null
                && password != null
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
        if (!ok) {
            throttle.failed(username, source, expected == null ? "unknown user" : "wrong password");
            return null;
        }
        throttle.succeeded(username, source);
        return new DefaultUsernameIdentity(username);
    }
}
