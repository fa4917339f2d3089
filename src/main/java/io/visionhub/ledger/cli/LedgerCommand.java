package io.visionhub.ledger.cli;

import io.visionhub.HubLogging;
import io.visionhub.images.FileImageStore;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.JdbcLedgerReader;
import io.visionhub.ledger.LedgerProperties;
import io.visionhub.ledger.audit.AuditPackageVerifier;
import io.visionhub.ledger.audit.AuditTrust;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.heads.KeyRotation;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.heads.SignedTreeHead;
import io.visionhub.ledger.verify.Finding;
import io.visionhub.ledger.verify.LedgerVerifier;
import io.visionhub.ledger.verify.VerificationReport;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The ledger command (no Spring context, reads only):
 * <pre>
 *   verify          [--db URL] [--db-user U] [--db-password P] [--heads-file F] [--images DIR]
 *                   [--certificate PEM] [--keystore P12 --keystore-password PW [--key-alias A]] [--since FILE]
 *                   (--since: verify only what was added after the head FILE holds, then write the new verified
 *                   head to FILE; a missing FILE means a full verification)
 *                   (heads are checked against the pinned certificate when given, else the keystore's key; record
 *                   MACs need the keystore)
 *   verify-package  ZIP [--certificate PEM | --key-id ID]
 *   rotate-key      [--db URL] [--db-user U] [--db-password P] [--heads-file F]
 *                   --keystore P12 --keystore-password PW [--key-alias A] --by NAME --reason TEXT
 *   public-key      --keystore P12 --keystore-password PW [--key-alias A]
 * </pre>
 * Run from the packaged hub: {@code java -cp vision-hub.jar -Dloader.main=io.visionhub.ledger.cli.LedgerCommand
 * org.springframework.boot.loader.launch.PropertiesLauncher verify ...}. Exit code 0 verified, 1 problems found,
 * 2 usage or access error. {@code rotate-key} writes (the hub must be stopped on H2): see docs/ledger.md.
 */
public final class LedgerCommand {

    public static final String DEFAULT_DB = "jdbc:h2:file:./data/visionhub;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
            + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE";

    /** problems verify-package prints (a forged head fails every record; the first ones say enough) */
    private static final int MAX_PRINTED = 100;

    private LedgerCommand() {}

    public static void main(String[] args) {
        HubLogging.useHubConfiguration();
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            return usage(err, "no command");
        }
        try {
            Map<String, String> opts = options(args, 1);
            return switch (args[0]) {
                case "verify" -> verify(opts, out);
                case "verify-package" -> verifyPackage(opts, out);
                case "rotate-key" -> rotateKey(opts, out);
                case "public-key" -> {
                    KeystoreTreeHeadSigner s = keystore(opts);
                    out.println("key id " + s.keyId());
                    out.println("-----BEGIN CERTIFICATE-----");
                    out.println(Base64.getMimeEncoder(64, "\n".getBytes())
                            .encodeToString(s.certificate().getEncoded()));
                    out.println("-----END CERTIFICATE-----");
                    yield 0;
                }
                default -> usage(err, "unknown command " + args[0]);
            };
        } catch (IllegalArgumentException e) {
            return usage(err, e.getMessage());
        } catch (Exception e) {
            err.println("ledger " + args[0] + " failed: " + e.getMessage());
            return 2;
        }
    }

    private static int verify(Map<String, String> o, PrintStream out) throws Exception {
        DriverManagerDataSource ds = new DriverManagerDataSource(
                o.getOrDefault("db", DEFAULT_DB), o.getOrDefault("db-user", "sa"), o.getOrDefault("db-password", ""));
        KeystoreTreeHeadSigner keystore =
                !o.containsKey("certificate") || o.containsKey("keystore") ? keystore(o) : null;
        List<PublicKey> key = o.containsKey("certificate")
                ? List.of(certificate(Path.of(o.get("certificate"))))
                : keystore.keyHistory();
        Path heads = Path.of(o.getOrDefault("heads-file", "./data/ledger-heads.jsonl"));
        FileImageStore images = o.containsKey("images") ? new FileImageStore(Path.of(o.get("images"))) : null;
        LedgerVerifier verifier = new LedgerVerifier(
                new JdbcLedgerReader(ds),
                key,
                () -> HeadsFile.read(heads),
                images,
                Clock.systemUTC(),
                keystore == null ? null : keystore.recordMac(),
                heads);
        // --since FILE: the head the last verification found good; only what was added after it is checked
        Path since = o.containsKey("since") ? Path.of(o.get("since")) : null;
        List<SignedTreeHead> checkpoint = since != null && Files.exists(since) ? HeadsFile.read(since) : List.of();
        VerificationReport r =
                checkpoint.isEmpty() ? verifier.verify() : verifier.verifySince(checkpoint.get(checkpoint.size() - 1));
        out.println(r.ok() ? "LEDGER VERIFIED" : "LEDGER FAILED VERIFICATION");
        out.println(r.summary());
        for (Finding f : r.findings()) {
            out.println("  " + f);
        }
        if (since != null && r.ok() && r.latestVerifiedHead() != null) {
            Path tmp = since.resolveSibling(since.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            new HeadsFile(tmp).accept(r.latestVerifiedHead());
            Files.move(tmp, since, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            out.println("Checkpoint: the verified head at size "
                    + r.latestVerifiedHead().treeSize() + " is in " + since
                    + "; the next verify --since checks only what comes after it");
        }
        if (images == null) {
            out.println("(images not checked: add --images <image store folder>)");
        }
        return r.ok() ? 0 : 1;
    }

    /** Records a KEY_ROTATION signed by the current key, covers it with a head of that key, then switches keys. */
    private static int rotateKey(Map<String, String> o, PrintStream out) {
        String by = o.get("by");
        String reason = o.get("reason");
        if (by == null || reason == null) {
            throw new IllegalArgumentException("rotate-key needs --by <who rotates> and --reason <why>");
        }
        KeystoreTreeHeadSigner keys = keystore(o);
        if (keys.recordMac() == null) {
            throw new IllegalArgumentException("the keystore has no record-MAC secret: start the hub once after the "
                    + "upgrade to V6, then rotate");
        }
        LedgerProperties defaults = LedgerProperties.defaults();
        LedgerProperties p = defaults.withHeads(
                defaults.heads().withEveryRecords(Integer.MAX_VALUE).withEvery(Duration.ofDays(365)));
        Path heads = Path.of(o.getOrDefault("heads-file", "./data/ledger-heads.jsonl"));
        DriverManagerDataSource ds = new DriverManagerDataSource(
                o.getOrDefault("db", DEFAULT_DB), o.getOrDefault("db-user", "sa"), o.getOrDefault("db-password", ""));
        JdbcInspectionLedger ledger = new JdbcInspectionLedger(ds, p, keys, Clock.systemUTC());
        ledger.addHeadListener(new HeadsFile(heads));
        ledger.start();
        try {
            KeyRotation r = ledger.rotateKey(by, reason);
            out.println("KEY ROTATED: " + r.previousKeyId() + " -> " + r.newKeyId() + " by " + by + " (" + reason
                    + "), recorded at seq " + (ledger.size() - 1) + " and covered by a head of key "
                    + r.previousKeyId());
            out.println("new certificate (give it to whoever pins the key; the previous one still verifies the log):");
            out.println("-----BEGIN CERTIFICATE-----");
            out.println(Base64.getMimeEncoder(64, "\n".getBytes())
                    .encodeToString(Base64.getDecoder().decode(r.newCertificate())));
            out.println("-----END CERTIFICATE-----");
            return 0;
        } finally {
            ledger.close();
        }
    }

    private static int verifyPackage(Map<String, String> o, PrintStream out) throws Exception {
        // exit 0 verified, 1 checked and found wrong (each problem printed, naming the file or record), 2 nothing
        // could be checked (usage, missing file, not a zip, truncated, no manifest)
        String zip = o.get("_1");
        if (zip == null) {
            throw new IllegalArgumentException("verify-package needs the zip file");
        }
        if (o.containsKey("certificate") && o.containsKey("key-id")) {
            throw new IllegalArgumentException("give --certificate or --key-id, not both");
        }
        Path file = Path.of(zip);
        if (!Files.isRegularFile(file)) {
            out.println("AUDIT PACKAGE UNREADABLE: no file " + file.toAbsolutePath());
            return AuditPackageVerifier.Status.UNREADABLE.exitCode;
        }
        AuditTrust trust = o.containsKey("certificate")
                ? AuditTrust.pinnedCertificate(Path.of(o.get("certificate")))
                : o.containsKey("key-id") ? AuditTrust.pinnedKeyId(o.get("key-id")) : AuditTrust.embeddedCertificate();
        AuditPackageVerifier.Result r = AuditPackageVerifier.verify(file, trust);
        out.println(
                r.status() == AuditPackageVerifier.Status.FAILED
                        ? "AUDIT PACKAGE FAILED: " + r.problems().size() + " problem(s) in " + file.getFileName()
                        : r.summary());
        if (r.status() == AuditPackageVerifier.Status.FAILED) {
            r.problems().stream().limit(MAX_PRINTED).forEach(p -> out.println("  " + p));
            if (r.problems().size() > MAX_PRINTED) {
                out.println("  ... and " + (r.problems().size() - MAX_PRINTED) + " more");
            }
        }
        if (r.trust() != null) {
            out.println("Trust: " + r.trust());
        }
        return r.exitCode();
    }

    private static KeystoreTreeHeadSigner keystore(Map<String, String> o) {
        String path = o.getOrDefault("keystore", "./data/keys/ledger-signing.p12");
        if (!Files.exists(Path.of(path))) {
            throw new IllegalArgumentException("no keystore at " + path + " (give --certificate or --keystore)");
        }
        String pw = o.getOrDefault("keystore-password", System.getenv("VISIONHUB_LEDGER_KEYSTORE_PASSWORD"));
        if (pw == null) {
            throw new IllegalArgumentException("--keystore-password (or VISIONHUB_LEDGER_KEYSTORE_PASSWORD) is needed");
        }
        return KeystoreTreeHeadSigner.open(Path.of(path), pw.toCharArray(), o.getOrDefault("key-alias", "ledger-head"));
    }

    private static PublicKey certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificate(in)
                    .getPublicKey();
        }
    }

    private static Map<String, String> options(String[] args, int from) {
        Map<String, String> o = new HashMap<>();
        int positional = 0;
        for (int i = from; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                o.put(args[i].substring(2), args[++i]);
            } else {
                o.put("_" + (++positional), args[i]);
            }
        }
        return o;
    }

    private static int usage(PrintStream err, String problem) {
        err.println("ledger: " + problem);
        err.println("usage: verify [--db URL --db-user U --db-password P] [--heads-file F] [--images DIR] "
                + "[--certificate PEM] [--keystore P12 --keystore-password PW] [--since CHECKPOINT-FILE]");
        err.println("       verify-package ZIP [--certificate PEM | --key-id ID]");
        err.println("       public-key --keystore P12 --keystore-password PW");
        err.println("       rotate-key [--db URL ...] [--heads-file F] --keystore P12 --keystore-password PW --by NAME "
                + "--reason TEXT");
        return 2;
    }
}
