package io.visionhub.web.review;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.InspectionEvent.Verdict;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.disposition.DispositionQueries;
import io.visionhub.web.QualityTestData;
import io.visionhub.web.WebSession;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * The review queue, the e-signature dialog and the order and lot pages over real HTTP with a browser's session:
 * roles, CSRF, each bad field of the dialog named with nothing signed, a wrong password refused, a signature
 * taking the part out of the queue and showing on the order page, and a double post signing once.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "visionhub.routes.dir=target/review-pages-no-routes",
            // audit packages need signed heads
            "visionhub.ledger.heads.enabled=true",
        })
@ActiveProfiles({"isolated", "api-only"})
@DirtiesContext
class ReviewPagesHttpTest {

    private static final Pattern REQUEST_ID = Pattern.compile("name=\"requestId\" value=\"([^\"]+)\"");

    @LocalServerPort
    int port;

    @Autowired
    JdbcInspectionLedger ledger;

    @Autowired
    DispositionQueries dispositions;

    String order;
    String lot;
    String ng;
    String uncertain;
    String ok;
    String otherStation;

    @BeforeEach
    void data() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        order = "PO-RV-" + tag;
        lot = "LOT-RV-" + tag;
        QualityTestData d = new QualityTestData(ledger);
        Instant t = Instant.now().minusSeconds(120);
        ok = d.record("line-1", "st-rv", order, lot, Verdict.OK, null, 0.1, t);
        ng = d.record("line-1", "st-rv", order, lot, Verdict.NG, "scratch", 0.93, t.plusSeconds(1));
        uncertain = d.record("line-1", "st-rv", order, lot, Verdict.UNCERTAIN, null, 0.55, t.plusSeconds(2));
        otherStation = d.record("line-1", "st-other-" + tag, order, lot, Verdict.NG, "dent", 0.8, t.plusSeconds(3));
    }

    WebSession as(String user) throws Exception {
        WebSession s = new WebSession(() -> port);
        assertThat(s.login(user, user + "-demo").statusCode()).isEqualTo(302);
        return s;
    }

    static String requestId(HttpResponse<String> dialog) {
        Matcher m = REQUEST_ID.matcher(dialog.body());
        assertThat(m.find()).as("a requestId in the dialog").isTrue();
        return m.group(1);
    }

    Map<String, String> form(String id, String requestId) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("targetType", "INSPECTION");
        f.put("ids", id);
        f.put("requestId", requestId);
        f.put("disposition", "REJECT");
        f.put("reasonCode", "SURFACE");
        f.put("comment", "deep scratch");
        f.put("meaning", "REVIEWED");
        f.put("password", "quality-demo");
        return f;
    }

    @Test
    void theQueueListsUndecidedNgAndUncertainPartsWithContextAndFilters() throws Exception {
        WebSession q = as("quality");
        HttpResponse<String> page = q.get("/ui/review?order=" + order);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains(ng, uncertain, otherStation)
                .doesNotContain("data-inspection=\"" + ok + "\"")
                .contains("/ui/frames/" + ng, "/ui/frames/" + ng + "/annotated")
                .contains(lot, "P-42", "0.930", "scratch 0.91")
                .contains("sse-connect=\"/ui/stream?line=line-1\"")
                .contains("3 awaiting disposition");
        HttpResponse<String> station = q.get("/ui/review/items?order=" + order + "&station=st-rv");
        assertThat(station.body()).contains(ng, uncertain).doesNotContain(otherStation);
        assertThat(station.body()).doesNotContain("<html").contains("id=\"review-items\"");
    }

    @Test
    void aLongQueueShowsAPageAndShowMoreAddsTheNextOnes() throws Exception {
        String bigOrder = order + "-BIG";
        QualityTestData d = new QualityTestData(ledger);
        Instant t = Instant.now().minusSeconds(600);
        List<String> newestFirst = new ArrayList<>();
        for (int i = 0; i < ReviewController.PAGE_SIZE + 5; i++) {
            newestFirst.add(0, d.record("line-1", "st-big", bigOrder, lot, Verdict.NG, "dent", 0.9, t.plusSeconds(i)));
        }
        WebSession q = as("quality");
        String first = q.get("/ui/review?order=" + bigOrder).body();
        assertThat(first.split("data-inspection=", -1)).hasSize(ReviewController.PAGE_SIZE + 1);
        assertThat(first)
                .contains((ReviewController.PAGE_SIZE + 5) + " awaiting disposition")
                .contains("name=\"shown\" value=\"" + ReviewController.PAGE_SIZE + "\"")
                .contains("Show 5 more")
                .contains(newestFirst.get(ReviewController.PAGE_SIZE - 1))
                .doesNotContain(newestFirst.get(ReviewController.PAGE_SIZE));
        // what the button asks for: the list with the next ones, and no button left
        String more = q.get(
                        "/ui/review/items?order=" + bigOrder + "&shown=" + ReviewController.PAGE_SIZE + "&more=true")
                .body();
        assertThat(more.split("data-inspection=", -1)).hasSize(ReviewController.PAGE_SIZE + 5 + 1);
        assertThat(more)
                .contains(newestFirst.get(ReviewController.PAGE_SIZE + 4))
                .doesNotContain("id=\"show-more\"");
        // a live refresh keeps as many as were shown
        assertThat(q.get("/ui/review/items?order=" + bigOrder + "&shown=25")
                        .body()
                        .split("data-inspection=", -1))
                .hasSize(ReviewController.PAGE_SIZE + 5 + 1);
    }

    @Test
    void onlyQualityAndAdminReviewAndAuditorsSeeOrders() throws Exception {
        assertThat(as("operator").get("/ui/review").statusCode()).isEqualTo(403);
        assertThat(as("auditor").get("/ui/review").statusCode()).isEqualTo(403);
        assertThat(as("operator").get("/ui/orders/" + order).statusCode()).isEqualTo(403);
        WebSession auditor = as("auditor");
        HttpResponse<String> orderPage = auditor.get("/ui/orders/" + order);
        assertThat(orderPage.statusCode()).isEqualTo(200);
        assertThat(orderPage.body()).contains("Order " + order).doesNotContain("Review queue of this order");
        assertThat(auditor.get("/ui/lots/" + lot).body()).doesNotContain("Disposition the whole lot");
        assertThat(new WebSession(() -> port).get("/ui/review").statusCode())
                .as("not logged in: to the login page")
                .isEqualTo(302);
    }

    @Test
    void theDialogShowsThePrintedNameControlledMeaningsAndReasonCodes() throws Exception {
        HttpResponse<String> dialog = as("quality").get("/ui/review/dialog?ids=" + ng);
        assertThat(dialog.statusCode()).isEqualTo(200);
        assertThat(dialog.body())
                .contains("Quinn Quality (demo)")
                .contains("value=\"REVIEWED\"", "value=\"APPROVED\"")
                .contains("value=\"SURFACE\"", "value=\"WITHIN-SPEC\"")
                .contains("value=\"USE_AS_IS\"")
                .contains("type=\"password\"")
                .doesNotContain("name=\"printedName\"");
        assertThat(requestId(dialog)).isNotBlank();
        assertThat(requestId(as("quality").get("/ui/review/dialog?ids=" + ng)))
                .as("a new request id per opening")
                .isNotEqualTo(requestId(dialog));
    }

    @Test
    void withoutTheCsrfTokenNothingIsSigned() throws Exception {
        WebSession q = as("quality");
        String rid = requestId(q.get("/ui/review/dialog?ids=" + ng));
        HttpResponse<String> r = q.post("/ui/review/sign", form(ng, rid), false);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(dispositions.forTarget(ng)).isEmpty();
    }

    @Test
    void badFieldsAreNamedAndSignNothing() throws Exception {
        WebSession q = as("quality");
        String rid = requestId(q.get("/ui/review/dialog?ids=" + ng));
        Map<String, String[]> cases = new LinkedHashMap<>();
        cases.put("reasonCode", new String[] {"", "reasonCode is required"});
        cases.put("meaning", new String[] {"BLESSED", "meaning &#39;BLESSED&#39; is not one of"});
        cases.put("disposition", new String[] {"", "disposition is required"});
        Map<String, String> unknownReason = form(ng, rid);
        unknownReason.put("reasonCode", "BECAUSE");
        HttpResponse<String> r0 = q.post("/ui/review/sign", unknownReason, true);
        assertThat(r0.statusCode()).isEqualTo(422);
        assertThat(r0.body()).contains("data-field=\"reasonCode\"", "visionhub.quality.reason-codes");
        for (var c : cases.entrySet()) {
            Map<String, String> f = form(ng, rid);
            f.put(c.getKey(), c.getValue()[0]);
            HttpResponse<String> r = q.post("/ui/review/sign", f, true);
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(422);
            assertThat(r.body())
                    .as(c.getKey())
                    .contains("data-field=\"" + c.getKey() + "\"")
                    .contains(c.getValue()[1])
                    .contains("value=\"" + rid + "\"")
                    .doesNotContain("quality-demo");
        }
        assertThat(dispositions.forTarget(ng)).isEmpty();
    }

    @Test
    void aWrongPasswordIsRefusedAndNothingIsSigned() throws Exception {
        WebSession q = as("quality");
        String rid = requestId(q.get("/ui/review/dialog?ids=" + uncertain));
        Map<String, String> f = form(uncertain, rid);
        f.put("password", "not-my-password");
        HttpResponse<String> r = q.post("/ui/review/sign", f, true);
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("signature refused: wrong password", "data-field=\"password\"");
        assertThat(dispositions.forTarget(uncertain)).isEmpty();
        assertThat(q.get("/ui/review/items?order=" + order).body()).contains(uncertain);
    }

    @Test
    void aSignedPartLeavesTheQueueShowsOnTheOrderPageAndADoublePostSignsOnce() throws Exception {
        WebSession q = as("quality");
        String rid = requestId(q.get("/ui/review/dialog?ids=" + ng));
        HttpResponse<String> r = q.post("/ui/review/sign", form(ng, rid), true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("HX-Trigger")).hasValue("review-signed");
        assertThat(r.body()).contains("Signed 1 disposition", "REJECT", "Quinn Quality (demo)");
        HttpResponse<String> again = q.post("/ui/review/sign", form(ng, rid), true);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).contains("already been signed by this dialog");
        assertThat(dispositions.forTarget(ng)).singleElement().satisfies(d -> {
            assertThat(d.reason())
                    .isEqualTo("SURFACE: Surface defect confirmed (scratch, dent, contamination); deep scratch");
            assertThat(d.printedName()).isEqualTo("Quinn Quality (demo)");
        });

        assertThat(q.get("/ui/review/items?order=" + order).body())
                .doesNotContain(ng)
                .contains(uncertain);
        HttpResponse<String> orderPage = q.get("/ui/orders/" + order);
        assertThat(orderPage.body())
                .contains("data-target=\"" + ng + "\"")
                .contains("REJECT")
                .contains("Quinn Quality (demo) (quality)")
                // 4 inspected: 1 OK good, 1 scrap, 2 awaiting (1 NG, 1 UNCERTAIN): 25 %
                .contains("25.0 %");
        assertThat(q.get("/ui/orders").body()).contains(order);
    }

    @Test
    void aWholeLotIsSignedOnceAndItsPartsLeaveTheQueue() throws Exception {
        WebSession q = as("quality");
        HttpResponse<String> dialog = q.get("/ui/review/dialog?lot=" + lot);
        assertThat(dialog.body()).contains("Disposition of the whole lot " + lot);
        Map<String, String> f = form(null, requestId(dialog));
        f.remove("ids");
        f.put("targetType", "LOT");
        f.put("lot", lot);
        f.put("disposition", "ACCEPT");
        f.put("reasonCode", "CUSTOMER-DEVIATION");
        HttpResponse<String> r = q.post("/ui/review/sign", f, true);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(dispositions.forTarget(lot)).singleElement().satisfies(d -> {
            assertThat(d.targetType()).isEqualTo("LOT");
            assertThat(d.targetCount()).isEqualTo(4);
        });
        assertThat(q.get("/ui/review/items?order=" + order).body()).contains("0 awaiting disposition");
        HttpResponse<String> lotPage = q.get("/ui/lots/" + lot);
        assertThat(lotPage.statusCode()).isEqualTo(200);
        assertThat(lotPage.body()).contains("Whole-lot disposition:", "ACCEPT", "whole lot " + lot, ng);
    }

    @Test
    void aCurrentDispositionIsReplacedOnlyWithAReasonAndTheNewOneShowsEverywhere() throws Exception {
        WebSession q = as("quality");
        String rid = requestId(q.get("/ui/review/dialog?ids=" + otherStation));
        assertThat(q.post("/ui/review/sign", form(otherStation, rid), true).statusCode())
                .isEqualTo(200);
        String first = dispositions.forTarget(otherStation).get(0).id();
        HttpResponse<String> orderPage = q.get("/ui/orders/" + order);
        assertThat(orderPage.body()).contains("supersedes=" + first);

        HttpResponse<String> dialog = q.get("/ui/review/dialog?ids=" + otherStation + "&supersedes=" + first);
        assertThat(dialog.body())
                .contains("Replaces the current disposition REJECT by Quinn Quality (demo)")
                .contains("name=\"supersedeReason\"");
        Map<String, String> f = form(otherStation, requestId(dialog));
        f.put("supersedes", first);
        f.put("disposition", "USE_AS_IS");
        f.put("reasonCode", "CUSTOMER-DEVIATION");
        HttpResponse<String> noWhy = q.post("/ui/review/sign", f, true);
        assertThat(noWhy.statusCode()).isEqualTo(422);
        assertThat(noWhy.body()).contains("data-field=\"supersedeReason\"", "supersedeReason is required");
        assertThat(dispositions.forTarget(otherStation)).hasSize(1);

        f.put("supersedeReason", "customer deviation CD-7 approved");
        HttpResponse<String> replaced = q.post("/ui/review/sign", f, true);
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        assertThat(dispositions.currentForTarget(otherStation)).singleElement().satisfies(d -> {
            assertThat(d.disposition()).isEqualTo("USE_AS_IS");
            assertThat(d.supersedes()).isEqualTo(first);
        });
        String page = q.get("/ui/orders/" + order).body();
        String marker = "data-target=\"" + otherStation + "\"";
        assertThat(page.split(marker, -1))
                .as("one current disposition row for the part")
                .hasSize(2);
        String row = page.substring(page.indexOf(marker), page.indexOf("</tr>", page.indexOf(marker)));
        assertThat(row).contains("USE_AS_IS").doesNotContain("REJECT");
    }

    @Test
    void theAuditPackageDownloadsWithTheSession() throws Exception {
        ledger.signNow();
        WebSession a = as("auditor");
        HttpResponse<String> zip = a.get("/ui/orders/" + order + "/audit-package");
        assertThat(zip.statusCode()).as(zip.body()).isEqualTo(200);
        assertThat(zip.headers().firstValue("Content-Type")).hasValue("application/zip");
        assertThat(zip.headers().firstValue("Content-Disposition").orElseThrow())
                .contains("audit-order-" + order + ".zip");
        assertThat(zip.body()).startsWith("PK");
        assertThat(a.get("/ui/lots/" + lot + "/audit-package").statusCode()).isEqualTo(200);
        assertThat(a.get("/ui/orders/PO-NOTHING-HERE").statusCode()).isEqualTo(404);
    }
}
