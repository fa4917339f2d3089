package io.visionhub.vision.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visionhub.event.EventIds;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerException;
import io.visionhub.ledger.LedgerReceipt;
import io.visionhub.ledger.LedgerWrite;
import io.visionhub.ledger.LedgerWrite.SqlRow;
import io.visionhub.ledger.disposition.ESignatures;
import io.visionhub.vision.component.StationModels;
import io.visionhub.vision.model.InspectionModel;
import io.visionhub.vision.model.ModelCard;
import io.visionhub.vision.model.ModelException;
import io.visionhub.vision.model.ModelLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The model registry: uploaded model versions (an .onnx file and its card, checked by loading and running the model
 * before anything is stored), their e-signed approvals, and the e-signed promotions and rollbacks of each station's
 * champion (21 CFR 11.10(k), change control). Every step is a ledger record written with its table row in one
 * transaction ({@value #UPLOADED}, {@value #APPROVED}, {@value #PROMOTED}, {@value #ROLLED_BACK}); the signature checks
 * are the hub's ({@link ESignatures}: password again, lock-out, meaning, printed name, refusals recorded).
 * <p>
 * As {@link StationModels} it tells the vision component each station's champion, which the component asks per
 * frame: a promotion takes effect at the next frame. A version's files live in {@code <dir>/<name>/<version>/}.
 */
public class ModelRegistry implements StationModels {

    public static final String UPLOADED = "MODEL_UPLOADED";
    public static final String APPROVED = "MODEL_APPROVED";
    public static final String PROMOTED = "MODEL_PROMOTED";
    public static final String ROLLED_BACK = "MODEL_ROLLED_BACK";

    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final String STAGING = ".staging";

    /**
     * @param maxModelBytes largest .onnx file accepted (visionhub.vision.registry.max-model-size)
     * @param maxCardBytes  largest card accepted
     */
    public record Limits(long maxModelBytes, long maxCardBytes) {}

    /** Who approved a version, when, with which meaning, and the signature's hash. */
    public record Approval(
            String id,
            long sequence,
            String user,
            String printedName,
            String meaning,
            String meaningCode,
            String reason,
            Instant signedAt,
            String signatureHash) {}

    /**
     * One model version.
     *
     * @param card       the model card as stored
     * @param metrics    the figures the card carries (a taught model's held-out AUROC, precision, recall ...)
     * @param approval   the e-signed approval, or null (not approved: it cannot be promoted)
     * @param championAt the stations where this version is the champion now
     */
    public record Version(
            String name,
            String version,
            String kind,
            String sha256,
            long sizeBytes,
            String location,
            String uploadedBy,
            Instant uploadedAt,
            long sequence,
            Map<String, Object> card,
            Map<String, Object> metrics,
            Approval approval,
            List<String> championAt) {}

    /** A model and its versions, oldest first. */
    public record Model(String name, List<Version> versions) {}

    /**
     * A signed change of a station's champion.
     *
     * @param action          PROMOTED or ROLLED_BACK
     * @param name            the champion from now on (null: the route's own model)
     * @param replacedName    the champion it replaced (null: the route's own model)
     */
    public record Promotion(
            String id,
            long sequence,
            String station,
            String action,
            String name,
            String version,
            String sha256,
            String replacedName,
            String replacedVersion,
            String user,
            String printedName,
            String meaning,
            String reason,
            Instant signedAt,
            String signatureHash) {}

    /**
     * A station's champion now.
     *
     * @param name    null: the route's own model (nothing promoted, or rolled back to it)
     * @param history the station's promotions and rollbacks, oldest first
     */
    public record Champion(
            String station, String name, String version, String sha256, String location, List<Promotion> history) {}

    /** A station's champion (or the route's own model: null name) in the promotion stack. */
    private record Entry(String name, String version, String sha256, String location) {}

    private final Path dir;
    private final JdbcInspectionLedger ledger;
    private final JdbcTemplate jdbc;
    private final ESignatures signatures;
    private final ModelLoader validator;
    private final Limits limits;
    private volatile Consumer<Path> preparer = p -> {};
    /** Per station: the champions promoted, the route's own model at the bottom; the top is the champion. */
    private final Map<String, Deque<Entry>> stacks = new ConcurrentHashMap<>();
    /** Per station: the challenger's model folder set through the registry. */
    private final Map<String, String> challengers = new ConcurrentHashMap<>();

    /**
     * @param validator loads an uploaded model to check it (card and graph agree, it runs); then closed
     */
    public ModelRegistry(
            Path dir,
            JdbcInspectionLedger ledger,
            DataSource dataSource,
            ESignatures signatures,
            ModelLoader validator,
            Limits limits) {
        this.dir = dir.toAbsolutePath().normalize();
        this.ledger = ledger;
        this.jdbc = new JdbcTemplate(dataSource);
        this.signatures = signatures;
        this.validator = validator;
        this.limits = limits;
        loadPromotions();
        loadChallengers();
    }

    /** Loads a model into the vision component before a station switches to it (so the switch costs nothing). */
    public void preparer(Consumer<Path> preparer) {
        this.preparer = preparer == null ? p -> {} : preparer;
    }

    public Path dir() {
        return dir;
    }

    // ---- StationModels: asked by the vision component per frame

    @Override
    public String championOf(String station) {
        Deque<Entry> stack = stacks.get(station);
        Entry top = stack == null ? null : stack.peek();
        return top == null ? null : top.location();
    }

    @Override
    public String challengerOf(String station) {
        return challengers.get(station);
    }

    /** Runs this version as the station's challenger (replacing the route's challenger option); not a decision. */
    public Version setChallenger(String station, String name, String version) {
        requireSafe(station, "station", 200);
        Version v = version(name, version)
                .orElseThrow(() -> new NoSuchElementException("no model " + name + " version " + version));
        // kept across restarts (V72 model_challenger): the challenger's figures resume with it
        java.sql.Timestamp now = java.sql.Timestamp.from(Instant.now());
        if (jdbc.update(
                        "UPDATE model_challenger SET name = ?, version = ?, location = ?, set_at = ? WHERE station = ?",
                        name,
                        version,
                        v.location(),
                        now,
                        station)
                == 0) {
            jdbc.update(
                    "INSERT INTO model_challenger (station, name, version, location, set_at) VALUES (?,?,?,?,?)",
                    station,
                    name,
                    version,
                    v.location(),
                    now);
        }
        challengers.put(station, v.location());
        LOG.info("vision:{}: challenger set to model {} {} ({})", station, name, version, v.location());
        return v;
    }

    /** Stops the registry's challenger of a station (the route's challenger option, if any, applies again). */
    public boolean clearChallenger(String station) {
        jdbc.update("DELETE FROM model_challenger WHERE station = ?", station);
        return challengers.remove(station) != null;
    }

    /** The challengers set through the registry before a restart (V72 model_challenger). */
    private void loadChallengers() {
        jdbc.query("SELECT station, name, version, location FROM model_challenger", rs -> {
            challengers.put(rs.getString(1), rs.getString(4));
            LOG.info(
                    "vision:{}: challenger {} {} (set before the restart, from the registry)",
                    rs.getString(1),
                    rs.getString(2),
                    rs.getString(3));
        });
    }

    // ---- upload

    /**
     * Stores a new model version after checking it: the card is valid, names and versions are plain, the .onnx
     * file is within the size limit, and the model loads with the hub's ModelLoader and runs on a blank frame (so
     * its input agrees with the card). Nothing is stored when a check fails.
     *
     * @throws IllegalArgumentException naming the problem (400)
     * @throws IllegalStateException    the version exists already (409)
     */
    public Version upload(String user, InputStream onnx, byte[] card) {
        if (onnx == null) {
            throw new IllegalArgumentException("the upload has no model file: send the .onnx file as field 'model'");
        }
        if (card == null || card.length == 0) {
            throw new IllegalArgumentException("the upload has no model card: send model.yaml as field 'card'");
        }
        if (card.length > limits.maxCardBytes()) {
            throw new IllegalArgumentException("card: larger than " + limits.maxCardBytes() + " bytes");
        }
        Path staging = dir.resolve(STAGING).resolve(EventIds.newId());
        try {
            Files.createDirectories(staging);
            Path cardFile = staging.resolve(ModelCard.CARD_FILE);
            Files.write(cardFile, card);
            ModelCard c;
            try {
                c = ModelCard.read(cardFile);
            } catch (ModelException e) {
                throw new IllegalArgumentException("card: " + clean(e.getMessage(), staging), e);
            }
            requireSafe(c.name(), "card: name", 100);
            requireSafe(c.version(), "card: version", 100);
            String file = c.fileOrDefault();
            if (!SAFE.matcher(file).matches() || !file.endsWith(".onnx")) {
                throw new IllegalArgumentException(
                        "card: file '" + file + "' must be a plain .onnx file name (the model beside the card)");
            }
            if (version(c.name(), c.version()).isPresent()) {
                throw new IllegalStateException("model " + c.name() + " version " + c.version()
                        + " is already registered: give the new model another version in its card");
            }
            Path onnxFile = staging.resolve(file);
            long size;
            String sha;
            try (DigestInputStream in = new DigestInputStream(onnx, sha256());
                    OutputStream out = Files.newOutputStream(onnxFile)) {
                size = copyAtMost(in, out, limits.maxModelBytes());
                sha = HexFormat.of().formatHex(in.getMessageDigest().digest());
            }
            if (size == 0) {
                throw new IllegalArgumentException("model: the .onnx file is empty (0 bytes)");
            }
            check(staging, c);
            Path target = dir.resolve(c.name()).resolve(c.version());
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
                // no row names it (checked above): left by an upload whose record failed, or by another database
                Path aside =
                        dir.resolve(STAGING).resolve("orphan-" + c.name() + "-" + c.version() + "-" + EventIds.newId());
                LOG.warn("Model folder {} is not in the registry's database: moved aside to {}", target, aside);
                Files.move(target, aside);
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new IllegalStateException(
                        "model " + c.name() + " version " + c.version() + " cannot be stored at " + target + " (" + e
                                + "); is the folder there already?",
                        e);
            }
            return recordUpload(user, c, sha, size, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the uploaded model under " + dir + ": " + e.getMessage(), e);
        } finally {
            deleteTree(staging);
        }
    }

    /** Loads and runs the staged model; the loader's message says what disagrees. */
    private void check(Path staging, ModelCard c) {
        InspectionModel m;
        try {
            m = validator.load(staging);
        } catch (ModelException e) {
            String why = clean(e.getMessage(), staging);
            if (why.contains("ONNX Runtime cannot load")) {
                throw new IllegalArgumentException(
                        "model: " + c.fileOrDefault() + " is not a loadable ONNX model: " + why, e);
            }
            throw new IllegalArgumentException("model and card disagree: " + why, e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "model: " + c.fileOrDefault() + " cannot run: " + clean(e.getMessage(), staging), e);
        }
        m.close();
    }

    private Version recordUpload(String user, ModelCard c, String sha, long size, Path target) {
        Instant now = signatures.now();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", c.name());
        body.put("version", c.version());
        body.put("kind", c.kind());
        body.put("sha256", sha);
        body.put("sizeBytes", size);
        body.put("uploadedBy", user);
        body.put("uploadedAt", now.toString());
        try {
            LedgerReceipt r = ledger.append(new LedgerWrite(
                    UPLOADED,
                    EventIds.newId(),
                    CanonicalJson.write(body),
                    List.of(SqlRow.of(
                            "INSERT INTO model_version (name, version, kind, sha256, size_bytes, location, ledger_seq, "
                                    + "uploaded_by, uploaded_at) VALUES (?,?,?,?,?,?,?,?,?)",
                            c.name(),
                            c.version(),
                            c.kind(),
                            sha,
                            size,
                            target.toString(),
                            SqlRow.SEQUENCE,
                            user,
                            OffsetDateTime.ofInstant(now, ZoneOffset.UTC)))));
            LOG.info(
                    "Model {} {} ({}, sha256 {}, {} bytes) uploaded by {} to {} (ledger seq {})",
                    c.name(),
                    c.version(),
                    c.kind(),
                    sha.substring(0, 12),
                    size,
                    user,
                    target,
                    r.sequence());
        } catch (RuntimeException e) {
            // not recorded: the files go too, so nothing is half-stored
            deleteTree(target);
            if (uniqueViolation(e)) {
                throw new IllegalStateException(
                        "model " + c.name() + " version " + c.version() + " was registered meanwhile", e);
            }
            throw e;
        }
        return version(c.name(), c.version()).orElseThrow();
    }

    // ---- reading

    /** Every model with its versions (oldest first), by name. */
    public List<Model> models() {
        Map<String, List<Version>> byName = new TreeMap<>();
        for (Version v : versions("", List.of())) {
            byName.computeIfAbsent(v.name(), k -> new ArrayList<>()).add(v);
        }
        return byName.entrySet().stream()
                .map(e -> new Model(e.getKey(), List.copyOf(e.getValue())))
                .toList();
    }

    public Optional<Version> version(String name, String version) {
        if (name == null || version == null) {
            return Optional.empty();
        }
        return versions("WHERE v.name = ? AND v.version = ? ", List.of(name, version)).stream()
                .findFirst();
    }

    private List<Version> versions(String where, List<Object> args) {
        try {
            return jdbc.query(
                    "SELECT v.name, v.version, v.kind, v.sha256, v.size_bytes, v.location, v.uploaded_by, v.uploaded_at, "
                            + "v.ledger_seq, a.id, a.ledger_seq, a.user_name, a.printed_name, a.meaning, a.meaning_code, "
                            + "a.reason, a.signed_at, a.signature_hash FROM model_version v "
                            + "LEFT JOIN model_approval a ON a.name = v.name AND a.version = v.version "
                            + where + "ORDER BY v.ledger_seq",
                    (rs, n) -> {
                        Approval a = rs.getString(10) == null
                                ? null
                                : new Approval(
                                        rs.getString(10),
                                        rs.getLong(11),
                                        rs.getString(12),
                                        rs.getString(13),
                                        rs.getString(14),
                                        rs.getString(15),
                                        rs.getString(16),
                                        rs.getObject(17, OffsetDateTime.class).toInstant(),
                                        rs.getString(18));
                        String location = rs.getString(6);
                        Map<String, Object> card = cardOf(location);
                        @SuppressWarnings("unchecked")
                        Map<String, Object> metrics =
                                card.get("taught") instanceof Map<?, ?> t ? (Map<String, Object>) t : Map.of();
                        return new Version(
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                rs.getString(4),
                                rs.getLong(5),
                                location,
                                rs.getString(7),
                                rs.getObject(8, OffsetDateTime.class).toInstant(),
                                rs.getLong(9),
                                card,
                                metrics,
                                a,
                                stationsWith(location));
                    },
                    args.toArray());
        } catch (DataAccessException e) {
            throw new LedgerException("cannot read the model registry: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> cardOf(String location) {
        try {
            ModelCard c = ModelCard.read(Path.of(location).resolve(ModelCard.CARD_FILE));
            return JSON.convertValue(c, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (RuntimeException e) {
            return Map.of("error", "the card cannot be read: " + e.getMessage());
        }
    }

    private List<String> stationsWith(String location) {
        return stacks.entrySet().stream()
                .filter(e -> e.getValue().peek() != null
                        && location.equals(e.getValue().peek().location()))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    // ---- approval

    /**
     * Approves a version with an e-signature (password again, meaning from the configured list): a MODEL_APPROVED
     * record binding name, version and the file's SHA-256, checked again against the stored file.
     *
     * @throws NoSuchElementException    no such version (404)
     * @throws IllegalStateException     already approved, or the stored file changed since upload (409)
     * @throws IllegalArgumentException  bad input (400)
     * @throws io.visionhub.ledger.disposition.SignatureRefusedException wrong password, locked ... (403, recorded)
     */
    public synchronized Approval approve(
            String user, String name, String version, String password, String meaning, String reason) {
        String why = requireReason(reason);
        Version v = version(name, version)
                .orElseThrow(() -> new NoSuchElementException("no model " + name + " version " + version));
        if (v.approval() != null) {
            throw new IllegalStateException("model " + name + " version " + version + " was already approved by "
                    + v.approval().printedName() + " at " + v.approval().signedAt() + " UTC");
        }
        requireIntact(v);
        ESignatures.Signer s = signatures.check(
                user, password, meaning, new ESignatures.Act("MODEL", name + ":" + version, "APPROVE"));
        String id = EventIds.newId();
        Map<String, Object> act = new LinkedHashMap<>();
        act.put("act", "MODEL_APPROVAL");
        act.put("approvalId", id);
        act.put("model", name);
        act.put("version", version);
        act.put("kind", v.kind());
        act.put("sha256", v.sha256());
        act.put("reason", why);
        ESignatures.Manifest m = ESignatures.manifest(s, act);
        LedgerReceipt r = append(
                new LedgerWrite(
                        APPROVED,
                        id,
                        m.body(),
                        List.of(SqlRow.of(
                                "INSERT INTO model_approval (id, ledger_seq, name, version, sha256, user_name, printed_name, "
                                        + "meaning, meaning_code, reason, signed_at, signature_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                                id,
                                SqlRow.SEQUENCE,
                                name,
                                version,
                                v.sha256(),
                                s.user(),
                                s.printedName(),
                                s.meaning(),
                                s.meaningCode(),
                                why,
                                OffsetDateTime.ofInstant(s.signedAt(), ZoneOffset.UTC),
                                m.hash()))),
                "model " + name + " version " + version + " was approved meanwhile");
        LOG.info(
                "Model {} {} (sha256 {}) approved by {} ({}), ledger seq {}",
                name,
                version,
                v.sha256().substring(0, 12),
                s.user(),
                s.meaningCode(),
                r.sequence());
        return new Approval(
                id, r.sequence(), s.user(), s.printedName(), s.meaning(), s.meaningCode(), why, s.signedAt(), m.hash());
    }

    // ---- promotion and rollback

    /**
     * Makes an approved version a station's champion, with an e-signature: the model is loaded first (so the switch
     * costs nothing on the line and a model that cannot load is never promoted), then the MODEL_PROMOTED record is
     * written, then the station's next frame uses it.
     *
     * @throws NoSuchElementException   no such version (404)
     * @throws IllegalStateException    not approved, already the champion, or the file changed (409)
     */
    public synchronized Promotion promote(
            String user, String station, String name, String version, String password, String meaning, String reason) {
        requireSafe(station, "station", 200);
        String why = requireReason(reason);
        Version v = version(name, version)
                .orElseThrow(() -> new NoSuchElementException("no model " + name + " version " + version));
        if (v.approval() == null) {
            throw new IllegalStateException("model " + name + " version " + version + " is not approved: approve it "
                    + "(POST /api/models/" + name + "/" + version + "/approve, e-signed) before promoting it");
        }
        if (!approvedSha(v).equals(v.sha256())) {
            throw new IllegalStateException(
                    "model " + name + " version " + version + ": the approval is of another file");
        }
        Deque<Entry> stack = stacks.computeIfAbsent(station, s -> newStack());
        Entry current = stack.peek();
        if (v.location().equals(current.location())) {
            throw new IllegalStateException(
                    "model " + name + " version " + version + " is already the champion of station " + station);
        }
        requireIntact(v);
        ESignatures.Signer s = signatures.check(
                user, password, meaning, new ESignatures.Act("STATION", station, "PROMOTE " + name + ":" + version));
        prepare(v.location(), name, version);
        Entry next = new Entry(v.name(), v.version(), v.sha256(), v.location());
        Promotion p = recordChange(
                PROMOTED,
                "MODEL_PROMOTION",
                station,
                next,
                current,
                s,
                why,
                v.approval().id());
        stack.push(next);
        return p;
    }

    /**
     * Puts back the station's champion before the current one (or the route's own model), with an e-signature: a
     * MODEL_ROLLED_BACK record; the station's next frame uses it.
     *
     * @throws IllegalStateException nothing promoted to roll back (409)
     */
    public synchronized Promotion rollback(
            String user, String station, String password, String meaning, String reason) {
        requireSafe(station, "station", 200);
        String why = requireReason(reason);
        Deque<Entry> stack = stacks.computeIfAbsent(station, s -> newStack());
        if (stack.size() < 2) {
            throw new IllegalStateException(
                    "station " + station + " runs its route's own model: no promotion to roll back");
        }
        Entry current = stack.peek();
        Entry back = stack.stream().skip(1).findFirst().orElseThrow();
        ESignatures.Signer s =
                signatures.check(user, password, meaning, new ESignatures.Act("STATION", station, "ROLLBACK"));
        if (back.location() != null) {
            prepare(back.location(), back.name(), back.version());
        }
        Promotion p = recordChange(ROLLED_BACK, "MODEL_ROLLBACK", station, back, current, s, why, null);
        stack.pop();
        return p;
    }

    /** Each station's champion now and its history. */
    public List<Champion> champions() {
        Map<String, List<Promotion>> history = new TreeMap<>();
        for (Promotion p : promotions()) {
            history.computeIfAbsent(p.station(), k -> new ArrayList<>()).add(p);
        }
        return history.entrySet().stream()
                .map(e -> {
                    Entry top = stacks.getOrDefault(e.getKey(), newStack()).peek();
                    return new Champion(
                            e.getKey(),
                            top.name(),
                            top.version(),
                            top.sha256(),
                            top.location(),
                            List.copyOf(e.getValue()));
                })
                .toList();
    }

    private Promotion recordChange(
            String type,
            String actName,
            String station,
            Entry to,
            Entry from,
            ESignatures.Signer s,
            String why,
            String approvalId) {
        String id = EventIds.newId();
        Map<String, Object> act = new LinkedHashMap<>();
        act.put("act", actName);
        act.put("changeId", id);
        act.put("station", station);
        act.put("model", to.name());
        act.put("version", to.version());
        act.put("sha256", to.sha256());
        act.put("replacedModel", from.name());
        act.put("replacedVersion", from.version());
        act.put("replacedSha256", from.sha256());
        if (approvalId != null) {
            act.put("approvalId", approvalId);
        }
        act.put("reason", why);
        ESignatures.Manifest m = ESignatures.manifest(s, act);
        String action = PROMOTED.equals(type) ? "PROMOTED" : "ROLLED_BACK";
        LedgerReceipt r = append(
                new LedgerWrite(
                        type,
                        id,
                        m.body(),
                        List.of(SqlRow.of(
                                "INSERT INTO model_promotion (id, ledger_seq, station, action, name, version, sha256, "
                                        + "replaced_name, replaced_version, user_name, printed_name, meaning, meaning_code, "
                                        + "reason, signed_at, signature_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                id,
                                SqlRow.SEQUENCE,
                                station,
                                action,
                                to.name(),
                                to.version(),
                                to.sha256(),
                                from.name(),
                                from.version(),
                                s.user(),
                                s.printedName(),
                                s.meaning(),
                                s.meaningCode(),
                                why,
                                OffsetDateTime.ofInstant(s.signedAt(), ZoneOffset.UTC),
                                m.hash()))),
                "station " + station + " changed meanwhile");
        LOG.info(
                "vision:{}: champion {} -> {} ({} by {}, {}), ledger seq {}; the next frame uses it",
                station,
                from.name() == null ? "the route's model" : from.name() + " " + from.version(),
                to.name() == null ? "the route's model" : to.name() + " " + to.version(),
                action,
                s.user(),
                s.meaningCode(),
                r.sequence());
        return new Promotion(
                id,
                r.sequence(),
                station,
                action,
                to.name(),
                to.version(),
                to.sha256(),
                from.name(),
                from.version(),
                s.user(),
                s.printedName(),
                s.meaning(),
                why,
                s.signedAt(),
                m.hash());
    }

    private List<Promotion> promotions() {
        try {
            return jdbc.query(
                    "SELECT id, ledger_seq, station, action, name, version, sha256, replaced_name, replaced_version, "
                            + "user_name, printed_name, meaning, reason, signed_at, signature_hash FROM model_promotion "
                            + "ORDER BY ledger_seq",
                    (rs, n) -> new Promotion(
                            rs.getString(1),
                            rs.getLong(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7),
                            rs.getString(8),
                            rs.getString(9),
                            rs.getString(10),
                            rs.getString(11),
                            rs.getString(12),
                            rs.getString(13),
                            rs.getObject(14, OffsetDateTime.class).toInstant(),
                            rs.getString(15)));
        } catch (DataAccessException e) {
            throw new LedgerException("cannot read the model promotions: " + e.getMessage(), e);
        }
    }

    /** Replays the recorded promotions and rollbacks into each station's stack (at start). */
    private void loadPromotions() {
        for (Promotion p : promotions()) {
            Deque<Entry> stack = stacks.computeIfAbsent(p.station(), s -> newStack());
            if ("PROMOTED".equals(p.action())) {
                String location =
                        version(p.name(), p.version()).map(Version::location).orElse(null);
                stack.push(new Entry(p.name(), p.version(), p.sha256(), location));
            } else if (stack.size() > 1) {
                stack.pop();
            }
        }
        stacks.forEach((station, stack) -> {
            if (stack.peek().name() != null) {
                LOG.info(
                        "vision:{}: champion {} {} (promoted, from the registry)",
                        station,
                        stack.peek().name(),
                        stack.peek().version());
            }
        });
    }

    private static Deque<Entry> newStack() {
        Deque<Entry> d = new ArrayDeque<>();
        d.push(new Entry(null, null, null, null));
        return d;
    }

    private void prepare(String location, String name, String version) {
        try {
            preparer.accept(Path.of(location));
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "model " + name + " version " + version + " cannot be loaded: " + e.getMessage(), e);
        }
    }

    private String approvedSha(Version v) {
        try {
            return jdbc.queryForObject(
                    "SELECT sha256 FROM model_approval WHERE name = ? AND version = ?",
                    String.class,
                    v.name(),
                    v.version());
        } catch (DataAccessException e) {
            throw new LedgerException("cannot read the approval of " + v.name() + " " + v.version(), e);
        }
    }

    /** The stored .onnx file still has the SHA-256 recorded at upload (nobody replaced it on disk). */
    private void requireIntact(Version v) {
        Path onnx = Path.of(v.location())
                .resolve(String.valueOf(v.card().getOrDefault("file", ModelCard.DEFAULT_MODEL_FILE)));
        String now;
        try (InputStream in = new DigestInputStream(Files.newInputStream(onnx), sha256())) {
            DigestInputStream d = (DigestInputStream) in;
            d.transferTo(OutputStream.nullOutputStream());
            now = HexFormat.of().formatHex(d.getMessageDigest().digest());
        } catch (IOException e) {
            throw new IllegalStateException(
                    "model " + v.name() + " version " + v.version() + ": " + onnx + " cannot be read (" + e.getMessage()
                            + ")",
                    e);
        }
        if (!now.equals(v.sha256())) {
            throw new IllegalStateException("model " + v.name() + " version " + v.version() + ": " + onnx
                    + " has changed since it was uploaded (sha256 " + now.substring(0, 12) + ", recorded "
                    + v.sha256().substring(0, 12) + "); upload it as a new version");
        }
    }

    private LedgerReceipt append(LedgerWrite write, String raced) {
        try {
            return ledger.append(write);
        } catch (LedgerException e) {
            if (uniqueViolation(e)) {
                throw new IllegalStateException(raced, e);
            }
            throw e;
        }
    }

    private static String requireReason(String reason) {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("reason is required: say why (change control)");
        }
        if (reason.length() > 2000) {
            throw new IllegalArgumentException("reason longer than 2000 characters");
        }
        return reason.trim();
    }

    private static void requireSafe(String value, String field, int max) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required");
        }
        if (value.length() > max || !SAFE.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " '" + value
                    + "' must be letters, digits, '.', '_' or '-' (starting with a letter or digit), at most " + max);
        }
    }

    private static long copyAtMost(InputStream in, OutputStream out, long max) throws IOException {
        byte[] buf = new byte[65536];
        long size = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            size += n;
            if (size > max) {
                throw new IllegalArgumentException("model: the .onnx file is larger than " + max
                        + " bytes (visionhub.vision.registry.max-model-size)");
            }
            out.write(buf, 0, n);
        }
        return size;
    }

    /** The message without the staging folder's path (it means nothing to the uploader). */
    private static String clean(String message, Path staging) {
        if (message == null) {
            return "unknown error";
        }
        return message.replace(staging.toAbsolutePath() + "/", "uploaded ")
                .replace(staging.toAbsolutePath().toString(), "the upload");
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    private static boolean uniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            all.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    LOG.warn("cannot delete {}: {}", f, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warn("cannot delete {}: {}", p, e.getMessage());
        }
    }
}
