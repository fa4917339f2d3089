package io.visionhub.ledger.cli;

import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.audit.AuditSelection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LedgerCommandTest {

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = LedgerCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void verifyPassesOnAnIntactLogAndNamesTheRecordAfterTampering() throws Exception {
        Path cert = dir.resolve("ledger.pem");
        byte[] zip;
        try (LedgerFixture f = new LedgerFixture(dir)) {
            f.inspections(15);
            f.ledger.signNow();
            Files.writeString(cert, f.service.certificatePem());
            zip = f.audit.build(AuditSelection.of("PO-1001", null, null, null), "auditor");
            LedgerTestSupport.removeProtection(f.ds);
        }
        String[] verify = {"verify", "--db", LedgerTestSupport.h2Url(dir), "--certificate", cert.toString(),
                "--heads-file", dir.resolve("heads.jsonl").toString(), "--images", dir.resolve("images").toString()};
        Run ok = run(verify);
        assertThat(ok.code()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.out()).contains("LEDGER VERIFIED", "Checked 15 records", "15 images");

        Path pkg = dir.resolve("audit.zip");
        Files.write(pkg, zip);
        Run p = run("verify-package", pkg.toString());
        assertThat(p.code()).as(p.out()).isZero();
        assertThat(p.out()).contains("AUDIT PACKAGE VERIFIED", "15 records");

        try (var ds = LedgerTestSupport.h2(dir)) {
            new JdbcTemplate(ds).update("UPDATE inspection SET result = 'OK' WHERE ledger_seq = 9");
        }
        Run bad = run(verify);
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.out()).contains("LEDGER FAILED VERIFICATION", "ALTERED seq 9");
    }

    @Test
    void badUsageIsExplained() {
        assertThat(run().code()).isEqualTo(2);
        Run r = run("frobnicate");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown command", "usage");
        assertThat(run("verify-package").err()).contains("needs the zip");
        assertThat(run("verify", "--certificate").err()).contains("needs a value");
        assertThat(run("verify", "--keystore", dir.resolve("none.p12").toString()).err()).contains("no keystore");
        assertThat(run("verify-package", dir.resolve("missing.zip").toString()).code()).isEqualTo(2);
    }
}
