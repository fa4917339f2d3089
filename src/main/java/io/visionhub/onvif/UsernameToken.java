package io.visionhub.onvif;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;

/**
 * A WS-Security UsernameToken with a PasswordDigest (OASIS Username Token Profile 1.0, as ONVIF requires):
 * {@code Base64(SHA1(nonceBytes + Created + password))}, a fresh 16-byte nonce per message and Created in UTC to the
 * second. The password itself never goes on the wire.
 */
public record UsernameToken(String username, String nonceBase64, String created, String digest) {

    public static final String WSSE_NS =
            "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    public static final String WSU_NS =
            "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
    public static final String PASSWORD_DIGEST =
            "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest";
    public static final String BASE64_BINARY =
            "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";

    private static final DateTimeFormatter CREATED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A token for this moment (camera clock: the hub's clock corrected by the camera's offset). */
    public static UsernameToken create(String username, String password, Instant now) {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String created = CREATED.format(now.truncatedTo(ChronoUnit.SECONDS));
        return new UsernameToken(
                username, Base64.getEncoder().encodeToString(nonce), created, digest(nonce, created, password));
    }

    /** Base64(SHA1(nonce + created + password)), the nonce as raw bytes (not its Base64 text). */
    public static String digest(byte[] nonce, String created, String password) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            sha1.update(nonce);
            sha1.update(created.getBytes(StandardCharsets.UTF_8));
            sha1.update(password.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(sha1.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    /** The same digest from the nonce as it travels (Base64 text), for a receiver that checks a token. */
    public static String digest(String nonceBase64, String created, String password) {
        return digest(Base64.getDecoder().decode(nonceBase64), created, password);
    }

    /** The wsse:Security header element. */
    public String toXml() {
        return "<wsse:Security s:mustUnderstand=\"true\" xmlns:wsse=\"" + WSSE_NS + "\" xmlns:wsu=\"" + WSU_NS + "\">"
                + "<wsse:UsernameToken><wsse:Username>" + SoapXml.escape(username) + "</wsse:Username>"
                + "<wsse:Password Type=\"" + PASSWORD_DIGEST + "\">" + digest + "</wsse:Password>"
                + "<wsse:Nonce EncodingType=\"" + BASE64_BINARY + "\">" + nonceBase64 + "</wsse:Nonce>"
                + "<wsu:Created>" + created + "</wsu:Created></wsse:UsernameToken></wsse:Security>";
    }

    @Override
    public String toString() {
        return "UsernameToken[" + username + ", created " + created + "]";
    }
}
