package io.visionhub.images.retention;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.LedgerTestSupport;
import io.visionhub.ledger.verify.Finding;
import io.visionhub.ledger.verify.VerificationReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention: frames past their verdict's policy are removed, one IMAGES_PRUNED ledger record per run, and the
 * verifier tells a frame pruned by policy from one deleted or swapped by someone else. Frames are captured at
 * 2026-11-25T01:00Z (LedgerTestSupport.event); the pruner's clock is set 35 days later.
 */
class ImagePrunerTest {

    @TempDir
    Path dir;

    LedgerFixture f;
    String okOnly;
    String ngOnly;
    String shared;
    String okAnnotated;

    /** The database the ledger is on: H2 here, PostgreSQL in {@link PostgresImagePrunerTest}. */
    protected HikariDataSource openDatabase(Path dir) {
        return LedgerTestSupport.h2(dir);
    }

    protected void dropDatabase() {}

    @BeforeEach
    void setUp() {
        f = new LedgerFixture(dir, openDatabase(dir));
        okOnly = f.images.put(bytes("ok frame"));
        ngOnly = f.images.put(bytes("ng frame"));
        shared = f.images.put(bytes("the same frame twice"));
        append(InspectionEvent.Verdict.OK, okOnly); // seq 0
        append(InspectionEvent.Verdict.NG, ngOnly); // seq 1
        append(InspectionEvent.Verdict.OK, shared); // seq 2: OK, but the same bytes as seq 3
        append(InspectionEvent.Verdict.NG, shared); // seq 3: NG, kept for ever
    }

    @AfterEach
    void tearDown() {
        f.ledger.close();
        dropDatabase();
        f.ds.close();
    }

    private void append(InspectionEvent.Verdict v, String sha) {
        f.ledger.append(LedgerTestSupport.event(UUID.randomUUID().toString(), v, sha), List.of());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private ImagePruner pruner(int okDays, int ngDays, String at) {
        RetentionProperties p = new RetentionProperties(true, okDays, ngDays, 0, 0, null, null, null, null, null);
        return new ImagePruner(f.ds, f.ledger, f.images, p, Clock.fixed(Instant.parse(at), ZoneOffset.UTC));
    }

    @Test
    void okFramesPastPolicyArePrunedAndRecordedAndTheVerifierSaysSo() {
        assertThat(pruner(30, 0, "2026-12-20T00:00:00Z").pruneOnce().images())
                .as("25 days: nothing due")
                .isZero();

        ImagePruner.Run run = pruner(30, 0, "2026-12-30T00:00:00Z").pruneOnce();

        assertThat(run.images()).isEqualTo(1);
        assertThat(run.recordSeqs()).containsExactly(4L);
        assertThat(f.images.get(okOnly)).isEmpty();
        assertThat(f.images.get(ngOnly)).as("NG kept for ever").isPresent();
        assertThat(f.images.get(shared)).as("shared with an NG frame").isPresent();
        VerificationReport r = f.service.verify();
        assertThat(r.ok()).as(r.summary()).isTrue();
        assertThat(r.summary()).contains("1 images pruned by policy (record seq 4");
        assertThat(pruner(30, 0, "2026-12-30T00:00:00Z").pruneOnce().recordSeqs())
                .as("nothing twice")
                .isEmpty();
    }

    @Test
    void aFrameDeletedOrSwappedOutsideThePolicyIsStillNamed() throws Exception {
        pruner(30, 0, "2026-12-30T00:00:00Z").pruneOnce();
        Path store = f.images.root();
        Files.delete(store.resolve(ngOnly.substring(0, 2))
                .resolve(ngOnly.substring(2, 4))
                .resolve(ngOnly));
        Files.write(
                store.resolve(shared.substring(0, 2))
                        .resolve(shared.substring(2, 4))
                        .resolve(shared),
                bytes("another frame"));

        VerificationReport r = f.service.verify();

        assertThat(r.ok()).isFalse();
        assertThat(r.findings())
                .extracting(Finding::kind, Finding::seq)
                .contains(
                        Tuple.tuple(Finding.Kind.IMAGE_MISSING, 1L),
                        Tuple.tuple(Finding.Kind.IMAGE_SWAPPED, 2L),
                        Tuple.tuple(Finding.Kind.IMAGE_SWAPPED, 3L));
        assertThat(r.findings()).noneMatch(x -> x.seq() == 0).as("seq 0's frame was pruned by policy");
        assertThat(r.summary()).contains("pruned by policy (record seq 4");
    }

    @Test
    void aPrunedRecordDoesNotExcuseAnImageOfALaterInspection() {
        pruner(30, 0, "2026-12-30T00:00:00Z").pruneOnce(); // record seq 4 names okOnly
        f.images.put(bytes("ok frame")); // the same bytes come back
        append(InspectionEvent.Verdict.OK, okOnly); // seq 5 references them
        f.images.delete(okOnly); // and someone deletes them
        VerificationReport r = f.service.verify();
        assertThat(r.findings())
                .extracting(Finding::kind, Finding::seq)
                .containsExactly(Tuple.tuple(Finding.Kind.IMAGE_MISSING, 5L));
    }
}
