package io.visionhub.web.review;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.BrowserScript;
import io.visionhub.ledger.disposition.DispositionQueries;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The review queue in a real browser (Debian's Chromium driven by playwright-core, src/test/browser/review-queue.js)
 * on the running demo: quality logs in, parts made by the demo camera arrive in the queue live (faster than its 15 s
 * fallback poll, so through the line stream), a part's e-signature dialog
 * refuses a wrong password (nothing signed, the refusal recorded), then signs REJECT; the part leaves the queue and
 * the disposition shows on its order page. Screenshots under target/screenshots/. Skipped, with the reason, where
 * Chromium, node or playwright-core is missing (.ci/run installs them).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("isolated")
@DirtiesContext
class ReviewQueueBrowserTest {

    @DynamicPropertySource
    static void demo(DynamicPropertyRegistry r) {
        r.add("visionhub.routes.dir", () -> "routes");
        // more parts per second, so that an NG or UNCERTAIN one comes soon
        r.add("visionhub.demo.fps", () -> "5");
    }

    @LocalServerPort
    int port;

    @Autowired
    DispositionQueries dispositions;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aQualityUserDispositionsAPartWithTheESignatureDialogAndAWrongPasswordIsRefused() throws Exception {
        String chromium = BrowserScript.chromium();

        BrowserScript.Finished run = BrowserScript.run(
                300,
                "review-queue.js",
                "http://127.0.0.1:" + port,
                "quality",
                "quality-demo",
                BrowserScript.shots(),
                chromium);
        assertThat(run.ended()).as("the browser ended: %s", run.output()).isTrue();
        assertThat(run.exitValue()).as(run.output()).isZero();
        JsonNode r = run.result();

        String id = r.path("inspection").asText();
        assertThat(r.path("liveRefreshMs").asLong())
                .as(
                        "the queue refreshed itself on a new result: %s -> %s",
                        r.path("awaitingBefore"), r.path("awaitingAfter"))
                .isBetween(0L, 10_000L);
        assertThat(r.path("printedName").asText()).isEqualTo("Quinn Quality (demo)");
        assertThat(r.path("refused").asText()).contains("signature refused: wrong password");
        assertThat(r.path("stillQueuedAfterRefusal").asInt()).isEqualTo(1);
        assertThat(r.path("signed").asText()).contains("Signed 1 disposition", "REJECT");
        assertThat(r.path("leftQueue").asBoolean()).isTrue();
        assertThat(r.path("orderRow").asText()).contains("REJECT", "Quinn Quality (demo) (quality)");
        assertThat(r.path("errors")).as("page errors").isEmpty();
        assertThat(dispositions.forTarget(id))
                .as("one signature despite the double click")
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.disposition()).isEqualTo("REJECT");
                    assertThat(d.user()).isEqualTo("quality");
                    assertThat(d.reason()).startsWith("SURFACE: ");
                });
        Integer refusals = jdbc.queryForObject(
                "SELECT COUNT(*) FROM ledger_leaf WHERE record_type = 'SIGNATURE_REFUSED'", Integer.class);
        assertThat(refusals).as("the wrong password is recorded").isEqualTo(1);
        for (String shot : new String[] {
            "review-queue.png", "esign-dialog.png", "esign-wrong-password.png", "esign-signed.png", "order-page.png"
        }) {
            assertThat(BrowserScript.SHOTS.resolve(shot)).isNotEmptyFile();
        }
    }
}
