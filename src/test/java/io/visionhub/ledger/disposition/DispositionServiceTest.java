package io.visionhub.ledger.disposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.JdbcLedgerReader;
import io.visionhub.ledger.LedgerProperties;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.verify.LedgerVerifier;
import io.visionhub.ledger.verify.VerificationReport;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

class DispositionServiceTest {

    @TempDir
    Path dir;

    HikariDataSource ds;
    LedgerProperties props;
    JdbcInspectionLedger ledger;
    JdbcTemplate jdbc;
    DispositionService service;
    InspectionEvent inspected;

    @BeforeEach
    void open() {
        ds = LedgerTestSupport.h2(dir);
        props = LedgerTestSupport.props(dir);
        ledger = LedgerTestSupport.ledger(ds, props);
        jdbc = new JdbcTemplate(ds);
        // fallback user directory for tests; the application uses the api concern's beans
        PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
        InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(User.withUsername("qa.lee")
                .password(encoder.encode("s3cret!"))
                .roles("QUALITY")
                .build());
        service = new DispositionService(
                ledger,
                ds,
                () -> users,
                () -> encoder,
                user -> "qa.lee".equals(user) ? Optional.of("Lee Quality") : Optional.empty(),
                LedgerProperties.Signatures.defaults(),
                Clock.systemUTC());
        inspected = LedgerTestSupport.event();
        ledger.append(inspected, List.of());
        ledger.append(LedgerTestSupport.event(), List.of());
    }

    @AfterEach
    void close() {
        ledger.close();
        ds.close();
    }

    DispositionRequest request(String type, String id, String password) {
        return DispositionRequest.of(
                type, id, "use-as-is", "scratch is cosmetic, within spec S-3", "approved", password);
    }

    @Test
    void aDispositionIsANewRecordBoundToTheInspectionsHashAndTheOriginalStays() {
        String before = jdbc.queryForObject(
                "SELECT event_json FROM inspection_event WHERE id = ?", String.class, inspected.id());
        SignedDisposition d = service.sign("qa.lee", request("INSPECTION", inspected.id(), "s3cret!"));

        assertThat(d.sequence()).isEqualTo(2);
        assertThat(d.disposition()).isEqualTo("USE_AS_IS");
        assertThat(d.targetHash())
                .isEqualTo(jdbc.queryForObject("SELECT leaf_hash FROM ledger_leaf WHERE seq = 0", String.class));
        assertThat(d.manifestation()).contains("Lee Quality", "qa.lee", "Approved: I approve this disposition", "UTC");
        assertThat(d.meaningCode()).isEqualTo("APPROVED");
        assertThat(d.revision()).isEqualTo(1);
        assertThat(jdbc.queryForObject(
                        "SELECT event_json FROM inspection_event WHERE id = ?", String.class, inspected.id()))
                .isEqualTo(before);
        assertThat(jdbc.queryForMap("SELECT * FROM disposition WHERE id = ?", d.id()))
                .containsEntry("target_id", inspected.id())
                .containsEntry("user_name", "qa.lee")
                .containsEntry("printed_name", "Lee Quality")
                .containsEntry("signature_hash", d.signatureHash());
        String entry = jdbc.queryForObject("SELECT entry FROM ledger_leaf WHERE seq = 2", String.class);
        assertThat(entry)
                .contains(
                        d.signatureHash(),
                        "\"meaning\":\"Approved: I approve this disposition\"",
                        "\"meaningCode\":\"APPROVED\"",
                        "\"printedName\":\"Lee Quality\"");
        assertThat(verify().ok()).isTrue();
    }

    @Test
    void aLotDispositionCoversEveryInspectionOfTheLot() {
        SignedDisposition d = service.sign("qa.lee", request("LOT", "LOT-7", "s3cret!"));
        assertThat(d.targetCount()).isEqualTo(2);
        assertThat(d.targetHash()).hasSize(64);
    }

    @Test
    void aWrongPasswordIsRefusedAndTheRefusalIsInTheLedger() {
        assertThatThrownBy(() -> service.sign("qa.lee", request("INSPECTION", inspected.id(), "guess")))
                .isInstanceOf(SignatureRefusedException.class)
                .hasMessageContaining("wrong password");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM disposition", Long.class))
                .isZero();
        String refusal = jdbc.queryForObject(
                "SELECT entry FROM ledger_leaf WHERE record_type = 'SIGNATURE_REFUSED'", String.class);
        assertThat(refusal).contains("qa.lee", "wrong password", inspected.id());
        assertThat(verify().ok()).isTrue();
    }

    @Test
    void repeatedWrongPasswordsLockSigningEvenWithTheRightPassword() {
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> service.sign("qa.lee", request("INSPECTION", inspected.id(), "nope")))
                    .isInstanceOf(SignatureRefusedException.class);
        }
        assertThatThrownBy(() -> service.sign("qa.lee", request("INSPECTION", inspected.id(), "s3cret!")))
                .hasMessageContaining("locked");
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM ledger_leaf WHERE record_type = 'SIGNATURE_REFUSED'", Long.class))
                .isEqualTo(4);
    }

    @Test
    void anUnknownUserIsRefused() {
        assertThatThrownBy(() -> service.sign("mallory", request("INSPECTION", inspected.id(), "x")))
                .isInstanceOf(SignatureRefusedException.class)
                .hasMessageContaining("unknown user");
    }

    @Test
    void badRequestsNameTheField() {
        assertThatThrownBy(() -> service.sign(
                        "qa.lee",
                        DispositionRequest.of("INSPECTION", inspected.id(), "DESTROY", "r", "APPROVED", "s3cret!")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("disposition 'DESTROY'");
        assertThatThrownBy(() -> service.sign(
                        "qa.lee",
                        DispositionRequest.of("INSPECTION", inspected.id(), "ACCEPT", " ", "APPROVED", "s3cret!")))
                .hasMessageContaining("reason");
        assertThatThrownBy(() -> service.sign(
                        "qa.lee", DispositionRequest.of("INSPECTION", inspected.id(), "ACCEPT", "r", "APPROVED", "")))
                .hasMessageContaining("password");
        assertThatThrownBy(() -> service.sign(
                        "qa.lee", request("INSPECTION", UUID.randomUUID().toString(), "s3cret!")))
                .hasMessageContaining("no recorded inspection");
        assertThatThrownBy(() -> service.sign("qa.lee", null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM disposition", Long.class))
                .isZero();
    }

    /** As the hub verifies (record MACs checked): the log here is younger than its first signed head. */
    VerificationReport verify() {
        var signer = LedgerTestSupport.signer(props);
        Path heads = Path.of(props.heads().file());
        return new LedgerVerifier(
                        new JdbcLedgerReader(ds),
                        signer.keyHistory(),
                        () -> HeadsFile.read(heads),
                        null,
                        Clock.systemUTC(),
                        signer.recordMac(),
                        heads)
                .verify();
    }

    @Test
    void anEditedDispositionRowIsNamedByTheVerifier() {
        SignedDisposition d = service.sign("qa.lee", request("INSPECTION", inspected.id(), "s3cret!"));
        LedgerTestSupport.removeProtection(ds);
        jdbc.update("UPDATE disposition SET disposition = 'ACCEPT' WHERE id = ?", d.id());
        var f = verify().firstProblem();
        assertThat(f.seq()).isEqualTo(d.sequence());
        assertThat(f.message()).contains("disposition");
    }
}
