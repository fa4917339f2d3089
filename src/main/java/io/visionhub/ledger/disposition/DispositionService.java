package io.visionhub.ledger.disposition;

import io.visionhub.event.EventIds;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.LedgerReceipt;
import io.visionhub.ledger.LedgerWrite;
import io.visionhub.ledger.LedgerWrite.SqlRow;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.merkle.MerkleTree;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.core.userdetails.UsernameNotFoundException;
import org.springframework.security.crypto.password.PasswordEncoder;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Dispositions with electronic signatures (21 CFR 11.50, 11.70, 11.200): the signer enters the password again,
 * it is checked against Spring Security's UserDetailsService and PasswordEncoder, and the disposition becomes a
 * new ledger record bound to the hash of what it disposes. A wrong password is refused and the refusal is
 * itself recorded in the ledger; after {@code maxFailures} refusals in a row the user cannot sign for
 * {@code lockout} (11.300(d): attempted misuse reported at once).
 */
public class DispositionService {

    public static final String TYPE = "DISPOSITION";
    public static final String TYPE_REFUSED = "SIGNATURE_REFUSED";
    private static final Logger LOG = LoggerFactory.getLogger(DispositionService.class);
    private static final String INSERT = "INSERT INTO disposition (id, ledger_seq, target_type, target_id, "
            + "target_hash, target_count, disposition, reason, meaning, user_name, printed_name, signed_at, "
            + "signature_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)";

    private final JdbcInspectionLedger ledger;
    private final DataSource dataSource;
    private final Supplier<UserDetailsService> users;
    private final Supplier<PasswordEncoder> encoder;
    private final Clock clock;
    private final int maxFailures;
    private final Duration lockout;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    private record Failures(int count, Instant lockedUntil) {
    }

    public DispositionService(JdbcInspectionLedger ledger, DataSource dataSource, Supplier<UserDetailsService> users,
                              Supplier<PasswordEncoder> encoder, Clock clock, int maxFailures, Duration lockout) {
        this.ledger = ledger;
        this.dataSource = dataSource;
        this.users = users;
        this.encoder = encoder;
        this.clock = clock;
        this.maxFailures = maxFailures;
        this.lockout = lockout;
    }

    /**
     * Signs a disposition for the authenticated user.
     *
     * @throws IllegalArgumentException  bad request (field named) or unknown target
     * @throws SignatureRefusedException wrong password, unknown, disabled or locked user (recorded in the ledger)
     */
    public SignedDisposition sign(String user, DispositionRequest req) {
        Validated v = validate(user, req);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        checkPassword(user, req, v, now);
        Target target = resolve(v.type(), req.targetId().trim());
        String id = EventIds.newId();
        String printed = req.printedName() == null || req.printedName().isBlank() ? user : req.printedName().trim();
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("kind", "e-signature/v1");
        manifest.put("dispositionId", id);
        manifest.put("targetType", v.type().name());
        manifest.put("targetId", req.targetId().trim());
        manifest.put("targetHash", target.hash());
        manifest.put("targetCount", target.seqs().size());
        manifest.put("targetSeqs", target.seqs());
        manifest.put("disposition", v.disposition().name());
        manifest.put("reason", req.reason().trim());
        manifest.put("meaning", req.meaning().trim());
        manifest.put("user", user);
        manifest.put("printedName", printed);
        manifest.put("signedAt", now.toString());
        String manifestJson = CanonicalJson.write(manifest);
        String signatureHash = MerkleHash.hex(MerkleHash.sha256(manifestJson.getBytes(StandardCharsets.UTF_8)));
        String body = "{\"manifest\":" + manifestJson + ",\"signatureHash\":\"" + signatureHash + "\"}";
        LedgerReceipt r = ledger.append(new LedgerWrite(TYPE, id, body, List.of(SqlRow.of(INSERT, id, SqlRow.SEQUENCE,
                v.type().name(), req.targetId().trim(), target.hash(), target.seqs().size(), v.disposition().name(),
                req.reason().trim(), req.meaning().trim(), user, printed, OffsetDateTime.ofInstant(now, ZoneOffset.UTC),
                signatureHash))));
        LOG.info("Disposition {} {} of {} {} signed by {} ({}), ledger seq {}", id, v.disposition(), v.type(),
                req.targetId(), user, req.meaning(), r.sequence());
        return new SignedDisposition(id, r.sequence(), v.type().name(), req.targetId().trim(), target.hash(),
                target.seqs().size(), v.disposition().name(), req.reason().trim(), req.meaning().trim(), user, printed,
                now, signatureHash, r.leafHash());
    }

    private record Validated(DispositionRequest.TargetType type, DispositionRequest.Disposition disposition) {
    }

    private static Validated validate(String user, DispositionRequest req) {
        if (user == null || user.isBlank()) {
            throw new SignatureRefusedException("no authenticated user: sign in before signing");
        }
        if (req == null) {
            throw new IllegalArgumentException("no disposition in the request body");
        }
        DispositionRequest.TargetType type = parse(DispositionRequest.TargetType.class, req.targetType(), "targetType");
        DispositionRequest.Disposition d = parse(DispositionRequest.Disposition.class, req.disposition(), "disposition");
        require(req.targetId(), "targetId", 200);
        require(req.reason(), "reason", 2000);
        require(req.meaning(), "meaning", 200);
        if (req.printedName() != null && req.printedName().length() > 200) {
            throw new IllegalArgumentException("printedName longer than 200 characters");
        }
        if (req.password() == null || req.password().isEmpty()) {
            throw new IllegalArgumentException("password is required: signing asks for the password again");
        }
        return new Validated(type, d);
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String field) {
        try {
            return Enum.valueOf(type, value == null ? "" : value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " '" + value + "' is not one of "
                    + java.util.Arrays.toString(type.getEnumConstants()));
        }
    }

    private static void require(String v, String field, int max) {
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (v.length() > max) {
            throw new IllegalArgumentException(field + " longer than " + max + " characters");
        }
    }

    private void checkPassword(String user, DispositionRequest req, Validated v, Instant now) {
        Failures f = failures.get(user);
        if (f != null && f.lockedUntil() != null && now.isBefore(f.lockedUntil())) {
            refuse(user, req, v, now, "signing locked until " + f.lockedUntil() + " after " + f.count()
                    + " wrong passwords");
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
            refuse(user, req, v, now, "unknown user");
            return;
        }
        if (!details.isEnabled() || !details.isAccountNonLocked() || !details.isCredentialsNonExpired()
                || !details.isAccountNonExpired()) {
            refuse(user, req, v, now, "account disabled, locked or expired");
        }
        if (!pe.matches(req.password(), details.getPassword())) {
            int count = f == null ? 1 : f.count() + 1;
            Instant lockedUntil = count >= maxFailures ? now.plus(lockout) : null;
            failures.put(user, new Failures(count, lockedUntil));
            refuse(user, req, v, now, "wrong password (" + count + " in a row"
                    + (lockedUntil != null ? "; signing locked until " + lockedUntil : "") + ")");
        }
        failures.remove(user);
    }

    private void refuse(String user, DispositionRequest req, Validated v, Instant now, String why) {
        String id = EventIds.newId();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", user);
        body.put("targetType", v.type().name());
        body.put("targetId", req.targetId());
        body.put("disposition", v.disposition().name());
        body.put("refusedAt", now.toString());
        body.put("why", why);
        try {
            LedgerReceipt r = ledger.append(new LedgerWrite(TYPE_REFUSED, id, CanonicalJson.write(body), List.of()));
            LOG.warn("SECURITY: signature by {} for {} {} refused: {} (recorded in the ledger at seq {})", user,
                    v.type(), req.targetId(), why, r.sequence());
        } catch (LedgerException e) {
            LOG.error("SECURITY: signature by {} refused ({}) and the refusal could not be recorded: {}", user, why,
                    e.getMessage());
        }
        throw new SignatureRefusedException("signature refused: " + why);
    }

    private record Target(String hash, List<Long> seqs) {
    }

    private Target resolve(DispositionRequest.TargetType type, String id) {
        String sql = type == DispositionRequest.TargetType.INSPECTION
                ? "SELECT l.seq, l.leaf_hash FROM inspection i JOIN ledger_leaf l ON l.seq = i.ledger_seq WHERE i.id = ?"
                : "SELECT l.seq, l.leaf_hash FROM inspection i JOIN ledger_leaf l ON l.seq = i.ledger_seq "
                        + "WHERE i.batch = ? ORDER BY l.seq";
        List<Long> seqs = new ArrayList<>();
        List<byte[]> hashes = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seqs.add(rs.getLong(1));
                    hashes.add(MerkleHash.unhex(rs.getString(2)));
                }
            }
        } catch (SQLException e) {
            throw new LedgerException("cannot look up " + type + " " + id + ": " + e.getMessage(), e);
        }
        if (seqs.isEmpty()) {
            throw new IllegalArgumentException("no recorded " + (type == DispositionRequest.TargetType.LOT
                    ? "inspection in lot " : "inspection ") + id);
        }
        return new Target(MerkleHash.hex(MerkleTree.root(hashes)), seqs);
    }
}
