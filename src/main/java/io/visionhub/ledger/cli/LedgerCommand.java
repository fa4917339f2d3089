package io.visionhub.ledger.cli;

import io.visionhub.images.FileImageStore;
import io.visionhub.ledger.JdbcLedgerReader;
import io.visionhub.ledger.audit.AuditPackageVerifier;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.heads.KeystoreTreeHeadSigner;
import io.visionhub.ledger.verify.Finding;
import io.visionhub.ledger.verify.LedgerVerifier;
import io.visionhub.ledger.verify.VerificationReport;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * The ledger command (no Spring context, reads only):
 * <pre>
 *   verify          [--db URL] [--db-user U] [--db-password P] [--heads-file F] [--images DIR]
 *                   (--certificate PEM | --keystore P12 --keystore-password PW [--key-alias A])
 *   verify-package  ZIP [--key-id ID]
 *   public-key      --keystore P12 --keystore-password PW [--key-alias A]
 * </pre>
 * Run from the packaged hub: {@code java -cp vision-hub.jar -Dloader.main=io.visionhub.ledger.cli.LedgerCommand
 * org.springframework.boot.loader.launch.PropertiesLauncher verify ...}. Exit code 0 verified, 1 problems found,
 * 2 usage or access error.
 */
public final class LedgerCommand {

    public static final String DEFAULT_DB = "jdbc:h2:file:./data/visionhub;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;"
            + "DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE";

    private LedgerCommand() {
    }

    public static void main(String[] args) {
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
                case "public-key" -> {
                    KeystoreTreeHeadSigner s = keystore(opts);
                    out.println("key id " + s.keyId());
                    out.println("-----BEGIN CERTIFICATE-----");
                    out.println(java.util.Base64.getMimeEncoder(64, "\n".getBytes())
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
        DriverManagerDataSource ds = new DriverManagerDataSource(o.getOrDefault("db", DEFAULT_DB),
                o.getOrDefault("db-user", "sa"), o.getOrDefault("db-password", ""));
        PublicKey key = o.containsKey("certificate") ? certificate(Path.of(o.get("certificate")))
                : keystore(o).publicKey();
        Path heads = Path.of(o.getOrDefault("heads-file", "./data/ledger-heads.jsonl"));
        FileImageStore images = o.containsKey("images") ? new FileImageStore(Path.of(o.get("images"))) : null;
        VerificationReport r = new LedgerVerifier(new JdbcLedgerReader(ds), key, () -> HeadsFile.read(heads), images,
                Clock.systemUTC()).verify();
        out.println(r.ok() ? "LEDGER VERIFIED" : "LEDGER FAILED VERIFICATION");
        out.println(r.summary());
        for (Finding f : r.findings()) {
            out.println("  " + f);
        }
        if (images == null) {
            out.println("(images not checked: add --images <image store folder>)");
        }
        return r.ok() ? 0 : 1;
    }

    private static int verifyPackage(Map<String, String> o, PrintStream out) throws Exception {
        String zip = o.get("_1");
        if (zip == null) {
            throw new IllegalArgumentException("verify-package needs the zip file");
        }
        try (InputStream in = Files.newInputStream(Path.of(zip))) {
            AuditPackageVerifier.Result r = AuditPackageVerifier.verify(in, o.get("key-id"));
            out.println(r.summary());
            r.problems().forEach(p -> out.println("  " + p));
            if (o.get("key-id") == null) {
                out.println("(trusting the certificate inside the package: pass --key-id <the hub's key id> to check "
                        + "the package came from the hub)");
            }
            return r.ok() ? 0 : 1;
        }
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
        return KeystoreTreeHeadSigner.openOrCreate(Path.of(path), pw.toCharArray(),
                o.getOrDefault("key-alias", "ledger-head"));
    }

    private static PublicKey certificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in).getPublicKey();
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
                + "(--certificate PEM | --keystore P12 --keystore-password PW)");
        err.println("       verify-package ZIP [--key-id ID]");
        err.println("       public-key --keystore P12 --keystore-password PW");
        return 2;
    }
}
