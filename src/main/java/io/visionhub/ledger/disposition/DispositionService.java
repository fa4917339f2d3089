package io.visionhub.ledger.disposition;

import io.visionhub.event.EventIds;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.LedgerProperties;
import io.visionhub.ledger.LedgerReceipt;
import io.visionhub.ledger.LedgerWrite;
import io.visionhub.ledger.LedgerWrite.SqlRow;
import io.visionhub.ledger.merkle.MerkleHash;
import io.visionhub.ledger.merkle.MerkleTree;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Dispositions with electronic signatures (21 CFR 11.50, 11.70, 11.200): the signer enters the password again,
 * it is checked against Spring Security's UserDetailsService and PasswordEncoder, and the disposition becomes a
 * new ledger record bound to the hash of what it disposes. The printed name comes from the signer's account and
 * the meaning from a configured list, never from free text. A wrong password is refused and the refusal is
 * itself recorded in the ledger; after {@code maxFailures} refusals in a row the user cannot sign for
 * {@code lockout} (11.300(d): attempted misuse reported at once), kept in the database across restarts.
 * <p>
 * A target has one current disposition. Another one must name it in {@code supersedes}, with a reason; without
 * that it is refused (409) naming the current one. A replayed request (same request id, or the same decision and
 * meaning by the same user on the current disposition) returns the signature it already made instead of a second
 * one.
 */
public class DispositionService {

    public static final String TYPE = "DISPOSITION";
    public static final String TYPE_REFUSED = ESignatures.TYPE_REFUSED;
    private static final Logger LOG = LoggerFactory.getLogger(DispositionService.class);
    private static final String INSERT = "INSERT INTO disposition (id, ledger_seq, target_type, target_id, "
            + "target_hash, target_count, disposition, reason, meaning, user_name, printed_name, signed_at, "
            + "signature_hash, meaning_code, revision, supersedes_id, supersede_reason, request_id) "
            + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";

    private final JdbcInspectionLedger ledger;
    private final DataSource dataSource;
    private final ESignatures signatures;
    private final DispositionQueries queries;
    /** Signing of one target is serialised in this hub; across hubs the UNIQUE revision does it. */
    private final Object[] targetLocks = new Object[64];

    private final List<Consumer<SignedDisposition>> listeners = new CopyOnWriteArrayList<>();

    /** The outcome of a signing request: the disposition, and whether this request made it (false: a replay). */
    public record Signed(SignedDisposition disposition, boolean created) {}

    /**
     * @param printedNames the printed name of each user id (from the account configuration), empty when none
     * @param settings     meanings, max failures and lock-out time ({@code visionhub.ledger.signatures})
     */
    public DispositionService(
            JdbcInspectionLedger ledger,
            DataSource dataSource,
            Supplier<UserDetailsService> users,
            Supplier<PasswordEncoder> encoder,
            Function<String, Optional<String>> printedNames,
            LedgerProperties.Signatures settings,
            Clock clock) {
        this(ledger, dataSource, new ESignatures(ledger, dataSource, users, encoder, printedNames, settings, clock));
    }

    /** With the hub's shared signature checks (the same ones model approvals use). */
    public DispositionService(JdbcInspectionLedger ledger, DataSource dataSource, ESignatures signatures) {
        this.ledger = ledger;
        this.dataSource = dataSource;
        this.signatures = signatures;
        this.queries = new DispositionQueries(dataSource);
        for (int i = 0; i < targetLocks.length; i++) {
            targetLocks[i] = new Object();
        }
    }

    /** The e-signature checks this service signs with. */
    public ESignatures signatures() {
        return signatures;
    }

    /**
     * The signer of another e-signed act (closing a non-conformance ...), checked as a disposition's: logged-in
     * user, password entered again (wrong ones counted, locking signing out, and recorded in the ledger as
     * SIGNATURE_REFUSED), meaning from the configured list, printed name from the account.
     *
     * @param printedName from the signer's account
     * @param meaningCode the controlled meaning chosen
     * @param meaning     its configured text, as printed
     */
    public record Signer(String user, String printedName, String meaningCode, String meaning) {}

    /**
     * Checks a signature for another act than a disposition with the same rules ({@link Signer}).
     *
     * @throws IllegalArgumentException  no password, or a meaning that is not configured
     * @throws SignatureRefusedException wrong password, unknown, disabled or locked user (recorded in the ledger)
     */
    public Signer checkSigner(
            String user, String password, String meaning, String targetType, String targetId, String action) {
        ESignatures.Signer s =
                signatures.check(user, password, meaning, new ESignatures.Act(targetType, targetId, action));
        return new Signer(s.user(), s.printedName(), s.meaningCode(), s.meaning());
    }

    /** The meaning codes a signer may choose, as configured. */
    public List<String> meaningCodes() {
        return signatures.meaningCodes();
    }

    /**
     * Signs a disposition for the authenticated user; a replay returns the disposition the first request made.
     *
     * @throws IllegalArgumentException      bad request (field named) or unknown target
     * @throws SignatureRefusedException     wrong password, unknown, disabled or locked user (recorded in the ledger)
     * @throws DispositionConflictException  the target has a current disposition that the request does not
     *                                       supersede (or supersedes another one)
     */
    public SignedDisposition sign(String user, DispositionRequest req) {
        return signOrReplay(user, req).disposition();
    }

    /** {@link #sign}, saying whether this request made the disposition or replayed an earlier one. */
    public Signed signOrReplay(String user, DispositionRequest req) {
        Validated v = validate(user, req, signatures);
        Instant now = signatures.now();
        ESignatures.Act act = new ESignatures.Act(
                v.type().name(), req.targetId(), v.disposition().name());
        signatures.checkPassword(user, req.password(), act, now);
        String printed = signatures.printedName(user, act, now);
        String targetId = req.targetId().trim();
        Signed signed = signLockedOrDecideAgain(user, req, v, targetId, printed, now);
        if (signed.created()) {
            tell(signed.disposition());
        }
        return signed;
    }

    private void tell(SignedDisposition d) {
        for (Consumer<SignedDisposition> l : listeners) {
            try {
                l.accept(d);
            } catch (RuntimeException e) {
                // the signature is recorded; a screen or report that failed to hear of it must not undo that
                LOG.warn("Disposition listener failed for {}: {}", d.id(), e.toString());
            }
        }
    }

    /**
     * Called after each new signed disposition (not on replays), on the signing thread: keep it short (the quality
     * screens, the quality rate and the NCRs hear of dispositions this way). A disposition whose record commits only
     * after the append timeout (the signer was answered with an error saying it may still commit) is told when it
     * commits, on another thread.
     */
    public void addListener(Consumer<SignedDisposition> listener) {
        listeners.add(listener);
    }

    private Signed signLockedOrDecideAgain(
            String user, DispositionRequest req, Validated v, String targetId, String printed, Instant now) {
        synchronized (targetLocks[Math.floorMod((v.type() + "|" + targetId).hashCode(), targetLocks.length)]) {
            try {
                return signLocked(user, req, v, targetId, printed, now);
            } catch (LedgerException e) {
                if (!uniqueViolation(e)) {
                    throw e;
                }
                // another hub signed this target (or used this request id) at the same moment: decide again
                // against what it recorded (a replay, or a conflict naming its disposition)
                LOG.info(
                        "Disposition of {} {} by {} raced another signature: deciding again", v.type(), targetId, user);
                return signLocked(user, req, v, targetId, printed, now);
            }
        }
    }

    private Signed signLocked(
            String user, DispositionRequest req, Validated v, String targetId, String printed, Instant now) {
        String requestId = blankToNull(req.requestId());
        String supersedes = blankToNull(req.supersedes());
        if (requestId != null) {
            Optional<SignedDisposition> earlier = queries.byRequestId(user, requestId);
            if (earlier.isPresent()) {
                SignedDisposition e = earlier.get();
                if (e.targetType().equals(v.type().name())
                        && e.targetId().equals(targetId)
                        && sameSignature(e, user, v, supersedes)) {
                    LOG.info(
                            "Disposition request {} of {} replayed: returning disposition {}", requestId, user, e.id());
                    return new Signed(e, false);
                }
                throw new DispositionConflictException(
                        "requestId '" + requestId + "' was already used by " + user
                                + " for disposition " + e.id() + " (" + e.disposition() + " of " + e.targetType() + " "
                                + e.targetId() + "): use a new requestId for a new disposition",
                        e.id());
            }
        }
        Optional<SignedDisposition> current = queries.current(v.type().name(), targetId);
        String what = v.type().name().toLowerCase(Locale.ROOT) + " " + targetId;
        if (current.isPresent()) {
            SignedDisposition c = current.get();
            if (sameSignature(c, user, v, supersedes)) {
                LOG.info(
                        "Disposition {} of {} by {} replayed: returning the current disposition {}",
                        v.disposition(),
                        what,
                        user,
                        c.id());
                return new Signed(c, false);
            }
            if (supersedes == null) {
                throw new DispositionConflictException(
                        what + " already has disposition " + c.id() + " ("
                                + c.disposition() + ", signed by " + c.printedName() + " (" + c.user() + ") on "
                                + c.signedAt()
                                + " UTC): to replace it, send supersedes: \"" + c.id() + "\" and a supersedeReason",
                        c.id());
            }
            if (!supersedes.equals(c.id())) {
                throw new DispositionConflictException(
                        "supersedes " + supersedes + " is not the current disposition of " + what
                                + ": the current one is " + c.id() + " (" + c.disposition() + ")",
                        c.id());
            }
        } else if (supersedes != null) {
            throw new DispositionConflictException(
                    what + " has no disposition to supersede (supersedes " + supersedes
                            + "): send the first one without supersedes",
                    null);
        }
        // from the same read as the current one: a second read could see a racing signature that the first did
        // not, and give a first disposition revision 2, which the UNIQUE revision would then not stop
        int revision = current.map(c -> c.revision() + 1).orElse(1);
        Target target = resolve(v.type(), targetId);
        String id = EventIds.newId();
        String supersedeReason =
                supersedes == null ? null : req.supersedeReason().trim();
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
        manifest.put("meaning", v.meaningText());
        manifest.put("meaningCode", v.meaningCode());
        manifest.put("revision", revision);
        if (supersedes != null) {
            manifest.put("supersedes", supersedes);
            manifest.put("supersedeReason", supersedeReason);
        }
        manifest.put("user", user);
        manifest.put("printedName", printed);
        manifest.put("signedAt", now.toString());
        ESignatures.Manifest signed = ESignatures.manifest(manifest);
        String signatureHash = signed.hash();
        String body = signed.body();
        LedgerWrite write = new LedgerWrite(
                TYPE,
                id,
                body,
                List.of(SqlRow.of(
                        INSERT,
                        id,
                        SqlRow.SEQUENCE,
                        v.type().name(),
                        targetId,
                        target.hash(),
                        target.seqs().size(),
                        v.disposition().name(),
                        req.reason().trim(),
                        v.meaningText(),
                        user,
                        printed,
                        OffsetDateTime.ofInstant(now, ZoneOffset.UTC),
                        signatureHash,
                        v.meaningCode(),
                        revision,
                        supersedes,
                        supersedeReason,
                        requestId)));
        Function<LedgerReceipt, SignedDisposition> made = receipt -> new SignedDisposition(
                id,
                receipt.sequence(),
                v.type().name(),
                targetId,
                target.hash(),
                target.seqs().size(),
                v.disposition().name(),
                req.reason().trim(),
                v.meaningText(),
                user,
                printed,
                now,
                signatureHash,
                receipt.leafHash(),
                v.meaningCode(),
                revision,
                supersedes,
                supersedeReason,
                null,
                requestId);
        LedgerReceipt r = commit(write, made);
        if (supersedes != null) {
            LOG.info(
                    "Disposition {} {} of {} {} signed by {} ({}) supersedes {} ({}), ledger seq {}",
                    id,
                    v.disposition(),
                    v.type(),
                    targetId,
                    user,
                    v.meaningCode(),
                    supersedes,
                    supersedeReason,
                    r.sequence());
        } else {
            LOG.info(
                    "Disposition {} {} of {} {} signed by {} ({}), ledger seq {}",
                    id,
                    v.disposition(),
                    v.type(),
                    targetId,
                    user,
                    v.meaningCode(),
                    r.sequence());
        }
        return new Signed(made.apply(r), true);
    }

    /**
     * Appends the disposition and waits up to the append timeout. Not committed by then, it may still commit: the
     * listeners (the NCR register, the screens, the quality rate) then hear of it when it does, as of any new
     * disposition, though the signer was answered with an error (a replay of the request returns it).
     */
    private LedgerReceipt commit(LedgerWrite write, Function<LedgerReceipt, SignedDisposition> made) {
        CompletableFuture<LedgerReceipt> f = ledger.submit(write);
        String what = write.type() + " " + write.recordId();
        try {
            return f.get(ledger.appendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new LedgerException(what + " not recorded: " + e.getCause(), e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            f.thenAcceptAsync(receipt -> {
                LOG.info(
                        "Disposition {} committed late, ledger seq {}: telling its listeners",
                        write.recordId(),
                        receipt.sequence());
                tell(made.apply(receipt));
            });
            throw new LedgerException(what + " not committed within " + ledger.appendTimeout()
                    + " (database slow or down; it may still commit: the same request sent again returns it then)");
        }
    }

    /**
     * Whether a recorded disposition is what this request asks for (so the request is a replay): same decision,
     * signer, meaning and superseded disposition. A changed reason alone does not make a new signature; changing
     * it means superseding.
     */
    private static boolean sameSignature(SignedDisposition d, String user, Validated v, String supersedes) {
        return d.disposition().equals(v.disposition().name())
                && d.user().equals(user)
                && v.meaningCode().equals(d.meaningCode())
                && Objects.equals(d.supersedes(), supersedes);
    }

    private static boolean uniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private record Validated(
            DispositionRequest.TargetType type,
            DispositionRequest.Disposition disposition,
            String meaningCode,
            String meaningText) {}

    private static Validated validate(String user, DispositionRequest req, ESignatures signatures) {
        if (user == null || user.isBlank()) {
            throw new SignatureRefusedException("no authenticated user: sign in before signing");
        }
        if (req == null) {
            throw new IllegalArgumentException("no disposition in the request body");
        }
        DispositionRequest.TargetType type = parse(DispositionRequest.TargetType.class, req.targetType(), "targetType");
        DispositionRequest.Disposition d =
                parse(DispositionRequest.Disposition.class, req.disposition(), "disposition");
        require(req.targetId(), "targetId", 200);
        require(req.reason(), "reason", 2000);
        require(req.meaning(), "meaning", 64);
        String code = signatures.meaningCode(req.meaning());
        if (req.printedName() != null) {
            throw new IllegalArgumentException("printedName is not accepted: the printed name is taken from the "
                    + "signer's account (visionhub.api.users[].printed-name); leave the field out");
        }
        if (req.requestId() != null && req.requestId().length() > 100) {
            throw new IllegalArgumentException("requestId longer than 100 characters");
        }
        if (req.supersedes() != null && !req.supersedes().isBlank()) {
            require(req.supersedeReason(), "supersedeReason (why the current disposition is replaced)", 2000);
        } else if (req.supersedeReason() != null && !req.supersedeReason().isBlank()) {
            throw new IllegalArgumentException("supersedeReason without supersedes: name the disposition it replaces");
        }
        if (req.password() == null || req.password().isEmpty()) {
            throw new IllegalArgumentException("password is required: signing asks for the password again");
        }
        return new Validated(type, d, code, signatures.meaningText(code));
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String field) {
        try {
            return Enum.valueOf(
                    type,
                    value == null ? "" : value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    field + " '" + value + "' is not one of " + Arrays.toString(type.getEnumConstants()));
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

    private record Target(String hash, List<Long> seqs) {}

    private Target resolve(DispositionRequest.TargetType type, String id) {
        String sql = type == DispositionRequest.TargetType.INSPECTION
                ? "SELECT l.seq, l.leaf_hash FROM inspection i JOIN ledger_leaf l ON l.seq = i.ledger_seq WHERE i.id = ?"
                : "SELECT l.seq, l.leaf_hash FROM inspection i JOIN ledger_leaf l ON l.seq = i.ledger_seq "
                        + "WHERE i.batch = ? ORDER BY l.seq";
        List<Long> seqs = new ArrayList<>();
        List<byte[]> hashes = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(sql)) {
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
            throw new IllegalArgumentException("no recorded "
                    + (type == DispositionRequest.TargetType.LOT ? "inspection in lot " : "inspection ") + id);
        }
        return new Target(MerkleHash.hex(MerkleTree.root(hashes)), seqs);
    }
}
