package io.visionhub.ledger.disposition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.api.LotTrace;
import io.visionhub.api.QualityQueries;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.JdbcLedgerReader;
import io.visionhub.ledger.LedgerProperties;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.heads.HeadsFile;
import io.visionhub.ledger.verify.LedgerVerifier;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * Issue 13 item 8, on H2 and PostgreSQL: the printed name comes from the account and the meaning from the
 * configured list; a replayed request makes no second signature; a different disposition of the same target must
 * supersede the current one with a reason, and every view shows the current one; the signing lock-out survives a
 * restart.
 */
class DispositionControlsTest {

    @TempDir
    Path dir;

    HikariDataSource ds;
    String schema;
    LedgerProperties props;
    JdbcInspectionLedger ledger;
    JdbcTemplate jdbc;
    final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();
    final InMemoryUserDetailsManager users = new InMemoryUserDetailsManager(
            User.withUsername("quality")
                    .password(encoder.encode("quality-demo"))
                    .roles("QUALITY")
                    .build(),
            User.withUsername("qa.kim")
                    .password(encoder.encode("kim-pw"))
                    .roles("QUALITY")
                    .build(),
            User.withUsername("nameless")
                    .password(encoder.encode("pw"))
                    .roles("QUALITY")
                    .build());
    final Map<String, String> printedNames = Map.of("quality", "Quinn Quality", "qa.kim", "Kim Checker");
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-05T01:00:00Z"));
    InspectionEvent inspected;

    void open(String db) {
        if ("h2".equals(db)) {
            ds = LedgerTestSupport.h2(dir);
        } else {
            assumeTrue(LedgerTestSupport.postgresAvailable(), "PostgreSQL not reachable on 127.0.0.1:5432");
            schema = LedgerTestSupport.uniqueSchema();
            ds = LedgerTestSupport.postgres(schema);
        }
        props = LedgerTestSupport.props(dir);
        ledger = LedgerTestSupport.ledger(ds, props);
        jdbc = new JdbcTemplate(ds);
        inspected = LedgerTestSupport.event();
        ledger.append(inspected, List.of());
        ledger.append(LedgerTestSupport.event(), List.of());
    }

    /** A service as the hub makes it at start; a new one over the same database is a restart. */
    DispositionService service() {
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        return new DispositionService(
                ledger,
                ds,
                () -> users,
                () -> encoder,
                u -> Optional.ofNullable(printedNames.get(u)),
                LedgerProperties.Signatures.defaults(),
                clock);
    }

    @AfterEach
    void close() {
        if (ledger != null) {
            ledger.close();
        }
        if (schema != null) {
            LedgerTestSupport.dropSchema(ds, schema);
        }
        if (ds != null) {
            ds.close();
        }
    }

    DispositionRequest accept() {
        return DispositionRequest.of(
                "INSPECTION", inspected.id(), "ACCEPT", "scratch within spec S-3", "APPROVED", "quality-demo");
    }

    long dispositionRows() {
        return jdbc.queryForObject("SELECT COUNT(*) FROM disposition", Long.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void thePrintedNameComesFromTheAccountAndAFreeTextOneIsRefused(String db) {
        open(db);
        DispositionService service = service();
        DispositionRequest forged = new DispositionRequest(
                "INSPECTION",
                inspected.id(),
                "ACCEPT",
                "ok",
                "APPROVED",
                "Dr. Alice Admin (QA Director)",
                "quality-demo",
                null,
                null,
                null);
        assertThatThrownBy(() -> service.sign("quality", forged))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("printedName is not accepted")
                .hasMessageContaining("printed-name");
        assertThat(dispositionRows()).isZero();

        SignedDisposition d = service.sign("quality", accept());
        assertThat(d.printedName()).isEqualTo("Quinn Quality");
        assertThat(jdbc.queryForObject("SELECT printed_name FROM disposition WHERE id = ?", String.class, d.id()))
                .isEqualTo("Quinn Quality");
        assertThat(d.manifestation()).contains("Signed by Quinn Quality (quality)");

        // an account without a printed name cannot sign
        assertThatThrownBy(() -> service.sign(
                        "nameless", DispositionRequest.of("LOT", "LOT-7", "ACCEPT", "ok", "APPROVED", "pw")))
                .isInstanceOf(SignatureRefusedException.class)
                .hasMessageContaining("no printed name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void theMeaningIsOneOfTheConfiguredListAndItsTextIsPrinted(String db) {
        open(db);
        DispositionService service = service();
        DispositionRequest freeText =
                DispositionRequest.of("INSPECTION", inspected.id(), "ACCEPT", "ok", "I say so", "quality-demo");
        assertThatThrownBy(() -> service.sign("quality", freeText))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("meaning 'I say so' is not one of [APPROVED, RESPONSIBILITY, REVIEWED]");
        SignedDisposition d = service.sign(
                "quality",
                DispositionRequest.of("INSPECTION", inspected.id(), "ACCEPT", "ok", "reviewed", "quality-demo"));
        assertThat(d.meaningCode()).isEqualTo("REVIEWED");
        assertThat(d.meaning()).startsWith("Reviewed: I have reviewed");
        assertThat(jdbc.queryForMap("SELECT meaning, meaning_code FROM disposition WHERE id = ?", d.id()))
                .containsEntry("meaning_code", "REVIEWED")
                .containsEntry("meaning", d.meaning());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aReplayedRequestReturnsTheFirstSignatureInsteadOfASecondOne(String db) {
        open(db);
        DispositionService service = service();
        DispositionService.Signed first = service.signOrReplay("quality", accept().withRequestId("req-1"));
        assertThat(first.created()).isTrue();
        // the same request again (a double click, a proxy resending it)
        DispositionService.Signed again = service.signOrReplay("quality", accept().withRequestId("req-1"));
        assertThat(again.created()).isFalse();
        assertThat(again.disposition().id()).isEqualTo(first.disposition().id());
        // without a request id: the same decision by the same user on the current disposition is the same one
        DispositionService.Signed noId = service.signOrReplay("quality", accept());
        assertThat(noId.created()).isFalse();
        assertThat(noId.disposition().id()).isEqualTo(first.disposition().id());
        assertThat(dispositionRows()).isEqualTo(1);
        // another meaning is another signature: it must supersede
        assertThatThrownBy(() -> service.sign(
                        "quality",
                        DispositionRequest.of(
                                "INSPECTION",
                                inspected.id(),
                                "ACCEPT",
                                "scratch within spec S-3",
                                "RESPONSIBILITY",
                                "quality-demo")))
                .isInstanceOf(DispositionConflictException.class)
                .hasMessageContaining(first.disposition().id());
        // a request id reused for something else is refused
        assertThatThrownBy(() -> service.sign(
                        "quality",
                        DispositionRequest.of("LOT", "LOT-7", "ACCEPT", "ok", "APPROVED", "quality-demo")
                                .withRequestId("req-1")))
                .isInstanceOf(DispositionConflictException.class)
                .hasMessageContaining("req-1")
                .hasMessageContaining(first.disposition().id());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aDifferentDispositionMustSupersedeTheCurrentOneWithAReasonAndViewsShowTheCurrentOne(String db) {
        open(db);
        DispositionService service = service();
        SignedDisposition accepted = service.sign("quality", accept());
        DispositionRequest reject = DispositionRequest.of(
                "INSPECTION", inspected.id(), "REJECT", "crack found on " + "re-inspection", "APPROVED", "kim-pw");

        assertThatThrownBy(() -> service.sign("qa.kim", reject))
                .isInstanceOf(DispositionConflictException.class)
                .hasMessageContaining("already has disposition " + accepted.id())
                .hasMessageContaining("supersedes");
        assertThatThrownBy(() -> service.sign("qa.kim", reject.superseding(accepted.id(), " ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("supersedeReason");
        assertThatThrownBy(() ->
                        service.sign("qa.kim", reject.superseding("0193a1b2-0000-7000-8000-000000000000", "wrong one")))
                .isInstanceOf(DispositionConflictException.class)
                .hasMessageContaining("the current one is " + accepted.id());
        assertThat(dispositionRows()).isEqualTo(1);

        SignedDisposition rejected =
                service.sign("qa.kim", reject.superseding(accepted.id(), "crack missed at first review"));
        assertThat(rejected.supersedes()).isEqualTo(accepted.id());
        assertThat(rejected.revision()).isEqualTo(2);
        String entry =
                jdbc.queryForObject("SELECT entry FROM ledger_leaf WHERE seq = ?", String.class, rejected.sequence());
        assertThat(entry).contains("\"supersedes\":\"" + accepted.id() + "\"", "crack missed at first review");
        // replaying the superseding request returns it; the first one can no longer be signed again silently
        assertThat(service.signOrReplay("qa.kim", reject.superseding(accepted.id(), "crack missed at first review"))
                        .created())
                .isFalse();
        assertThatThrownBy(() -> service.sign("quality", accept()))
                .isInstanceOf(DispositionConflictException.class)
                .hasMessageContaining(rejected.id());

        DispositionQueries queries = new DispositionQueries(ds);
        assertThat(queries.currentForTarget(inspected.id()))
                .singleElement()
                .satisfies(c -> assertThat(c.id()).isEqualTo(rejected.id()));
        assertThat(queries.forTarget(inspected.id()))
                .extracting(SignedDisposition::id, SignedDisposition::supersededBy)
                .containsExactly(Tuple.tuple(accepted.id(), rejected.id()), Tuple.tuple(rejected.id(), null));
        LotTrace trace = new QualityQueries(new NamedParameterJdbcTemplate(ds))
                .lotTrace("LOT-7", 100)
                .orElseThrow();
        assertThat(trace.entries().stream().filter(e -> e.kind() == LotTrace.Kind.DISPOSITION))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.result()).isEqualTo("REJECT");
                    assertThat(e.detail())
                            .contains("Kim Checker (qa.kim)", "Approved: I approve", "supersedes " + accepted.id());
                });
        // verified as the hub does (record MACs checked with the keystore): this young log may have no head yet
        var signer = LedgerTestSupport.signer(props);
        Path heads = Path.of(props.heads().file());
        var report = new LedgerVerifier(
                        new JdbcLedgerReader(ds),
                        signer.keyHistory(),
                        () -> HeadsFile.read(heads),
                        null,
                        Clock.systemUTC(),
                        signer.recordMac(),
                        heads)
                .verify();
        assertThat(report.ok()).as(report.toString()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void twoSignersRacingForOneTargetLeaveOneDispositionAndTheOtherIsToldWhich(String db) throws Exception {
        open(db);
        // two service instances (no shared in-process lock): only the database's UNIQUE revision stops the second
        DispositionService one = service();
        DispositionService two = service();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> {
                go.await();
                return one.signOrReplay("quality", accept());
            });
            var b = pool.submit(() -> {
                go.await();
                return two.signOrReplay(
                        "qa.kim",
                        DispositionRequest.of("INSPECTION", inspected.id(), "REJECT", "crack", "APPROVED", "kim-pw"));
            });
            go.countDown();
            List<Object> outcomes = new ArrayList<>();
            for (var f : List.of(a, b)) {
                try {
                    outcomes.add(f.get(30, TimeUnit.SECONDS));
                } catch (ExecutionException e) {
                    outcomes.add(e.getCause());
                }
            }
            assertThat(outcomes)
                    .filteredOn(o -> o instanceof DispositionService.Signed)
                    .hasSize(1);
            assertThat(outcomes)
                    .filteredOn(o -> o instanceof DispositionConflictException)
                    .singleElement()
                    .satisfies(c -> assertThat(((DispositionConflictException) c).currentId())
                            .isNotNull());
        } finally {
            pool.shutdownNow();
        }
        assertThat(dispositionRows()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void theSigningLockOutSurvivesARestart(String db) {
        open(db);
        DispositionService before = service();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> before.sign(
                            "quality",
                            DispositionRequest.of("INSPECTION", inspected.id(), "ACCEPT", "ok", "APPROVED", "guess")))
                    .isInstanceOf(SignatureRefusedException.class);
        }
        // the hub restarts: a new service (and a new ledger writer) over the same database
        ledger.close();
        ledger = LedgerTestSupport.ledger(ds, props);
        DispositionService after = service();
        now.set(now.get().plus(Duration.ofMinutes(14)));
        assertThatThrownBy(() -> after.sign("quality", accept()))
                .isInstanceOf(SignatureRefusedException.class)
                .hasMessageContaining("locked until 2026-12-05T01:15:00Z");
        assertThat(dispositionRows()).isZero();
        // the lock ends after visionhub.ledger.signatures.lockout; a correct password then resets the count
        now.set(now.get().plus(Duration.ofMinutes(2)));
        assertThat(after.sign("quality", accept()).printedName()).isEqualTo("Quinn Quality");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM signature_lockout", Long.class))
                .isZero();
    }
}
