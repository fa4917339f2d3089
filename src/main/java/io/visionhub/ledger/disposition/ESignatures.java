package io.visionhub.ledger.disposition;

import io.visionhub.event.EventIds;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.LedgerProperties;
import io.visionhub.ledger.LedgerReceipt;
import io.visionhub.ledger.LedgerWrite;
import io.visionhub.ledger.merkle.MerkleHash;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * The e-signature checks every signed act shares (a disposition, an NCR closure, a model approval or promotion;
 * 21 CFR 11.50, 11.200, 11.300): the logged-in signer enters the password again, checked against Spring Security's
 * UserDetailsService and PasswordEncoder; wrong passwords are counted and lock signing out ({@link SigningLockout});
 * every refusal is itself a ledger record ({@value #TYPE_REFUSED}); the meaning comes from the configured list and
 * the printed name from the signer's account. {@link #manifest} turns what was signed into the canonical signature
 * manifest and its hash, which the act's own ledger record carries.
 */
public class ESignatures {

    public static final String TYPE_REFUSED = "SIGNATURE_REFUSED";
    private static final Logger LOG = LoggerFactory.getLogger(ESignatures.class);

    private final JdbcInspectionLedger ledger;
    private final Supplier<UserDetailsService> users;
    private final Supplier<PasswordEncoder> encoder;
    private final Function<String, Optional<String>> printedNames;
    private final Map<String, String> meanings;
    private final Clock clock;
    private final SigningLockout lockout;

    /** What a signature is for, as a refusal records it: target type and id, and the act (ACCEPT, APPROVE ...). */
    public record Act(String targetType, String targetId, String action) {}

    /**
     * A checked signer.
     *
     * @param printedName from the signer's account
     * @param meaningCode the controlled meaning chosen
     * @param meaning     its configured text, as printed
     * @param signedAt    when the signature was checked (UTC, milliseconds)
     */
    public record Signer(String user, String printedName, String meaningCode, String meaning, Instant signedAt) {}

    /** A signature manifest in canonical JSON and its SHA-256 (hex): the record body is {@link #body()}. */
    public record Manifest(String json, String hash) {
        public String body() {
            return "{\"manifest\":" + json + ",\"signatureHash\":\"" + hash + "\"}";
        }
    }

    /**
     * @param printedNames the printed name of each user id (from the account configuration), empty when none
     * @param settings     meanings, max failures and lock-out time ({@code visionhub.ledger.signatures})
     */
    public ESignatures(
            JdbcInspectionLedger ledger,
            DataSource dataSource,
            Supplier<UserDetailsService> users,
            Supplier<PasswordEncoder> encoder,
            Function<String, Optional<String>> printedNames,
            LedgerProperties.Signatures settings,
            Clock clock) {
        this.ledger = ledger;
        this.users = users;
        this.encoder = encoder;
        this.printedNames = printedNames;
        this.clock = clock;
        Map<String, String> m = new LinkedHashMap<>();
        for (LedgerProperties.Meaning meaning : settings.meanings()) {
            if (meaning.code() == null
                    || meaning.code().isBlank()
                    || meaning.text() == null
                    || meaning.text().isBlank()) {
                throw new IllegalArgumentException(
                        "visionhub.ledger.signatures.meanings: every entry needs a code " + "and a text");
            }
            m.put(meaning.code().trim().toUpperCase(Locale.ROOT), meaning.text().trim());
        }
        if (m.isEmpty()) {
            throw new IllegalArgumentException("visionhub.ledger.signatures.meanings is empty: configure the meanings "
                    + "a signer may choose (e.g. REVIEWED, APPROVED, RESPONSIBILITY)");
        }
        this.meanings = Map.copyOf(m);
        this.lockout = new SigningLockout(dataSource, settings.maxFailures(), settings.lockout());
    }

    /** The meaning codes a signer may choose, as configured. */
    public List<String> meaningCodes() {
        return meanings.keySet().stream().sorted().toList();
    }

    /**
     * The code of a configured meaning (trimmed, upper case).
     *
     * @throws IllegalArgumentException missing, too long or not configured
     */
    public String meaningCode(String meaning) {
        if (meaning == null || meaning.isBlank()) {
            throw new IllegalArgumentException("meaning is required");
        }
        if (meaning.length() > 64) {
            throw new IllegalArgumentException("meaning longer than 64 characters");
        }
        String code = meaning.trim().toUpperCase(Locale.ROOT);
        if (!meanings.containsKey(code)) {
            throw new IllegalArgumentException("meaning '" + meaning + "' is not one of " + meaningCodes()
                    + " (visionhub.ledger.signatures.meanings)");
        }
        return code;
    }

    /** The printed text of a configured meaning code. */
    public String meaningText(String code) {
        return meanings.get(code);
    }

    /** The signing clock's now, to the millisecond. */
    public Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * Checks a signature for an act: logged-in user, meaning from the configured list, password entered again
     * (wrong ones counted toward the lock-out), account usable and with a printed name.
     *
     * @throws IllegalArgumentException  no password, or a meaning that is not configured
     * @throws SignatureRefusedException wrong password, unknown, disabled or locked user (recorded in the ledger)
     */
    public Signer check(String user, String password, String meaning, Act act) {
        if (user == null || user.isBlank()) {
            throw new SignatureRefusedException("no authenticated user: sign in before signing");
        }
        String code = meaningCode(meaning);
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("password is required: signing asks for the password again");
        }
        Instant now = now();
        checkPassword(user, password, act, now);
        return new Signer(user, printedName(user, act, now), code, meanings.get(code), now);
    }

    /**
     * The password check alone (lock-out, user directory, account state, password); a refusal is recorded and
     * thrown as {@link SignatureRefusedException}.
     */
    public void checkPassword(String user, String password, Act act, Instant now) {
        Optional<SigningLockout.State> f = lockout.state(user);
        if (f.isPresent() && f.get().lockedAt(now)) {
            refuse(
                    user,
                    act,
                    now,
                    "signing locked until " + f.get().lockedUntil() + " after "
                            + f.get().failures() + " wrong passwords");
        }
        UserDetailsService uds = users.get();
        PasswordEncoder pe = encoder.get();
        if (uds == null || pe == null) {
            throw new SignatureRefusedException("no user directory (UserDetailsService and PasswordEncoder beans) is "
                    + "configured: signatures cannot be checked");
        }
        UserDetails details;
        try {
            details = uds.loadUserByUsername(user);
        } catch (UsernameNotFoundException e) {
            refuse(user, act, now, "unknown user");
            return;
        }
        if (!details.isEnabled()
                || !details.isAccountNonLocked()
                || !details.isCredentialsNonExpired()
                || !details.isAccountNonExpired()) {
            refuse(user, act, now, "account disabled, locked or expired");
        }
        if (!pe.matches(password, details.getPassword())) {
            SigningLockout.State after = lockout.failed(user, now);
            refuse(
                    user,
                    act,
                    now,
                    "wrong password (" + after.failures() + " in a row"
                            + (after.lockedUntil() != null ? "; signing locked until " + after.lockedUntil() : "")
                            + ")");
        }
        if (f.isPresent()) {
            lockout.succeeded(user);
        }
    }

    /** The signer's printed name; an account without one cannot sign (refused and recorded). */
    public String printedName(String user, Act act, Instant now) {
        String printed = printedNames
                .apply(user)
                .filter(n -> !n.isBlank())
                .map(String::trim)
                .orElse(null);
        if (printed == null) {
            refuse(
                    user,
                    act,
                    now,
                    "account " + user + " has no printed name: an administrator sets "
                            + "visionhub.api.users[].printed-name before " + user + " can sign");
        }
        return printed;
    }

    /** A user's lock-out state (wrong passwords in a row, locked until), if any. */
    public Optional<SigningLockout.State> lockoutState(String user) {
        return lockout.state(user);
    }

    /** The canonical manifest of a signed act and its SHA-256: what the act's ledger record binds. */
    public static Manifest manifest(Map<String, Object> manifest) {
        String json = CanonicalJson.write(manifest);
        return new Manifest(json, MerkleHash.hex(MerkleHash.sha256(json.getBytes(StandardCharsets.UTF_8))));
    }

    /**
     * The manifest of a signer's signature of an act, with the fields every signature shows (11.50: printed name,
     * date and time, meaning), then the act's own fields.
     */
    public static Manifest manifest(Signer signer, Map<String, Object> act) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "e-signature/v1");
        m.putAll(act);
        m.put("meaning", signer.meaning());
        m.put("meaningCode", signer.meaningCode());
        m.put("user", signer.user());
        m.put("printedName", signer.printedName());
        m.put("signedAt", signer.signedAt().toString());
        return manifest(m);
    }

    private void refuse(String user, Act act, Instant now, String why) {
        String id = EventIds.newId();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", user);
        body.put("targetType", act.targetType());
        body.put("targetId", act.targetId());
        body.put("disposition", act.action());
        body.put("refusedAt", now.toString());
        body.put("why", why);
        try {
            LedgerReceipt r = ledger.append(new LedgerWrite(TYPE_REFUSED, id, CanonicalJson.write(body), List.of()));
            LOG.warn(
                    "SECURITY: signature by {} for {} {} refused: {} (recorded in the ledger at seq {})",
                    user,
                    act.targetType(),
                    act.targetId(),
                    why,
                    r.sequence());
        } catch (LedgerException e) {
            LOG.error(
                    "SECURITY: signature by {} refused ({}) and the refusal could not be recorded: {}",
                    user,
                    why,
                    e.getMessage());
        }
        throw new SignatureRefusedException("signature refused: " + why);
    }
}
