package io.visionhub.web.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.disposition.SignedDisposition;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The e-signature dialog's signing over the real DispositionService and ledger (H2 file). */
class ReviewSigningTest {

    @TempDir
    Path dir;

    LedgerFixture f;
    ReviewSigning signing;
    List<InspectionEvent> parts;

    static final ReasonCodeProperties REASONS = new ReasonCodeProperties(List.of(
            new ReasonCodeProperties.ReasonCode("cosmetic", "Cosmetic only"),
            new ReasonCodeProperties.ReasonCode("SURFACE", "Surface defect confirmed")));

    @BeforeEach
    void start() {
        f = new LedgerFixture(dir);
        parts = f.inspections(3);
        signing = new ReviewSigning(f.dispositions, REASONS);
    }

    @AfterEach
    void stop() {
        f.close();
    }

    SignForm form(List<String> ids, String reason, String meaning, String password, String requestId) {
        return new SignForm(
                "INSPECTION", ids, null, "REJECT", meaning, reason, "seen at the bench", password, requestId);
    }

    List<String> ids(int n) {
        return parts.subList(0, n).stream().map(InspectionEvent::id).toList();
    }

    @Test
    void aSelectionSignsOneDispositionPerPartWithTheCodeAndTextAsReason() {
        ReviewSigning.Outcome o = signing.sign("qa.lee", form(ids(3), "surface", "reviewed", "s3cret!", "dlg-1"));
        assertThat(o.signed()).hasSize(3);
        assertThat(o.problems()).isEmpty();
        assertThat(o.signed()).extracting(SignedDisposition::targetId).containsExactlyElementsOf(ids(3));
        SignedDisposition d = o.signed().get(0);
        assertThat(d.reason()).isEqualTo("SURFACE: Surface defect confirmed; seen at the bench");
        assertThat(d.printedName()).isEqualTo("Lee Quality");
        assertThat(d.meaningCode()).isEqualTo("REVIEWED");
        assertThat(d.requestId()).startsWith("dlg-1/INSPECTION:");
        assertThat(f.dispositionQueries.currentForTarget(ids(3).get(2))).hasSize(1);
    }

    @Test
    void theSameDialogPostedTwiceSignsOnce() {
        long before = f.ledger.size();
        signing.sign("qa.lee", form(ids(2), "COSMETIC", "REVIEWED", "s3cret!", "dlg-2"));
        long after = f.ledger.size();
        ReviewSigning.Outcome again = signing.sign("qa.lee", form(ids(2), "COSMETIC", "REVIEWED", "s3cret!", "dlg-2"));
        assertThat(after - before).isEqualTo(2);
        assertThat(f.ledger.size()).as("no second signature").isEqualTo(after);
        assertThat(again.replayed()).isEqualTo(2);
    }

    @Test
    void aWrongPasswordSignsNothingOfTheSelectionAndIsRecordedAsARefusal() {
        long before = f.ledger.size();
        assertThatThrownBy(() -> signing.sign("qa.lee", form(ids(3), "COSMETIC", "REVIEWED", "wrong", "dlg-3")))
                .isInstanceOfSatisfying(SignFormException.class, e -> {
                    assertThat(e.field()).isEqualTo("password");
                    assertThat(e.getMessage()).contains("signature refused", "wrong password");
                });
        for (String id : ids(3)) {
            assertThat(f.dispositionQueries.forTarget(id)).as(id).isEmpty();
        }
        assertThat(f.ledger.size()).as("one SIGNATURE_REFUSED record").isEqualTo(before + 1);
    }

    @Test
    void badFieldsAreRefusedNamingTheFieldAndSignNothing() {
        long before = f.ledger.size();
        record Case(SignForm form, String field, String says) {}
        List<Case> cases = List.of(
                new Case(form(ids(1), null, "REVIEWED", "s3cret!", "d"), "reasonCode", "reasonCode is required"),
                new Case(
                        form(ids(1), "NOPE", "REVIEWED", "s3cret!", "d"),
                        "reasonCode",
                        "visionhub.quality.reason-codes"),
                new Case(form(ids(1), "COSMETIC", "", "s3cret!", "d"), "meaning", "meaning is required"),
                new Case(
                        form(ids(1), "COSMETIC", "BLESSED", "s3cret!", "d"),
                        "meaning",
                        "visionhub.ledger.signatures.meanings"),
                new Case(form(ids(1), "COSMETIC", "REVIEWED", "", "d"), "password", "password is required"),
                new Case(form(List.of(), "COSMETIC", "REVIEWED", "s3cret!", "d"), "ids", "select at least one part"),
                new Case(form(ids(1), "COSMETIC", "REVIEWED", "s3cret!", null), "requestId", "open the dialog again"),
                new Case(
                        new SignForm("INSPECTION", ids(1), null, "SHRUG", "REVIEWED", "COSMETIC", null, "s3cret!", "d"),
                        "disposition",
                        "is not ACCEPT, REJECT, REWORK or USE_AS_IS"),
                new Case(
                        new SignForm("LOT", List.of(), " ", "ACCEPT", "REVIEWED", "COSMETIC", null, "s3cret!", "d"),
                        "lot",
                        "lot is required"));
        for (Case c : cases) {
            assertThatThrownBy(() -> signing.sign("qa.lee", c.form()))
                    .as(c.field())
                    .isInstanceOfSatisfying(SignFormException.class, e -> {
                        assertThat(e.field()).isEqualTo(c.field());
                        assertThat(e.getMessage()).contains(c.says());
                    });
        }
        assertThat(f.ledger.size())
                .as("nothing signed, nothing refused: the password was never checked")
                .isEqualTo(before);
    }

    @Test
    void aLotSignsOneLotDispositionAndAPartDecidedMeanwhileIsReportedNotFatal() {
        ReviewSigning.Outcome lot = signing.sign(
                "qa.lee", new SignForm("LOT", null, "LOT-7", "ACCEPT", "APPROVED", "COSMETIC", null, "s3cret!", "L1"));
        assertThat(lot.signed()).singleElement().satisfies(d -> {
            assertThat(d.targetType()).isEqualTo("LOT");
            assertThat(d.targetId()).isEqualTo("LOT-7");
            assertThat(d.targetCount()).isEqualTo(3);
        });
        signing.sign("qa.lee", form(ids(1), "COSMETIC", "REVIEWED", "s3cret!", "other-dialog"));
        ReviewSigning.Outcome o = signing.sign(
                "qa.lee",
                new SignForm("INSPECTION", ids(2), null, "REWORK", "REVIEWED", "COSMETIC", null, "s3cret!", "dlg-5"));
        assertThat(o.signed())
                .singleElement()
                .satisfies(d -> assertThat(d.targetId()).isEqualTo(ids(2).get(1)));
        assertThat(o.problems()).singleElement().asString().contains(ids(1).get(0), "already has disposition");
    }

    @Test
    void aReplacementNeedsOneTargetAndAReasonAndSupersedesTheCurrentOne() {
        SignedDisposition first = signing.sign("qa.lee", form(ids(1), "SURFACE", "REVIEWED", "s3cret!", "r1"))
                .signed()
                .get(0);
        SignForm two = new SignForm(
                "INSPECTION", ids(2), null, "ACCEPT", "REVIEWED", "COSMETIC", null, "s3cret!", "r2", first.id(), "why");
        assertThatThrownBy(() -> signing.sign("qa.lee", two))
                .isInstanceOfSatisfying(
                        SignFormException.class, e -> assertThat(e.field()).isEqualTo("supersedes"));
        SignForm noWhy = new SignForm(
                "INSPECTION", ids(1), null, "ACCEPT", "REVIEWED", "COSMETIC", null, "s3cret!", "r3", first.id(), " ");
        assertThatThrownBy(() -> signing.sign("qa.lee", noWhy))
                .isInstanceOfSatisfying(
                        SignFormException.class, e -> assertThat(e.field()).isEqualTo("supersedeReason"));
        SignForm ok = new SignForm(
                "INSPECTION",
                ids(1),
                null,
                "ACCEPT",
                "REVIEWED",
                "COSMETIC",
                null,
                "s3cret!",
                "r4",
                first.id(),
                "second look under the microscope");
        ReviewSigning.Outcome o = signing.sign("qa.lee", ok);
        assertThat(o.signed()).singleElement().satisfies(d -> {
            assertThat(d.supersedes()).isEqualTo(first.id());
            assertThat(d.supersedeReason()).isEqualTo("second look under the microscope");
        });
        assertThat(f.dispositionQueries.currentForTarget(ids(1).get(0)))
                .singleElement()
                .satisfies(d -> assertThat(d.disposition()).isEqualTo("ACCEPT"));
    }

    @Test
    void requestIdsStayWithinTheServiceLimit() {
        String dialog = UUID.randomUUID().toString();
        assertThat(ReviewSigning.requestId(dialog, "LOT", "L".repeat(200))).hasSizeLessThanOrEqualTo(100);
        assertThat(ReviewSigning.requestId(dialog, "LOT", "L".repeat(200)))
                .isNotEqualTo(ReviewSigning.requestId(dialog, "LOT", "L".repeat(199) + "M"));
        assertThat(ReviewSigning.requestId(dialog, "INSPECTION", dialog)).isEqualTo(dialog + "/INSPECTION:" + dialog);
    }
}
