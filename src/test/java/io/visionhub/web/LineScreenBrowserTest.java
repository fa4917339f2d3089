package io.visionhub.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.BrowserScript;
import io.visionhub.api.HubHttpClient;
import io.visionhub.event.Defect;
import io.visionhub.event.EventIds;
import io.visionhub.event.ImageRef;
import io.visionhub.event.InspectionEvent;
import io.visionhub.event.Latency;
import io.visionhub.event.ModelRef;
import io.visionhub.event.ProductionContext;
import io.visionhub.images.ImageStore;
import io.visionhub.quality.oee.QualityRates;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * The line screen in a real browser (Debian's Chromium driven by playwright-core, src/test/browser/line-screen.js):
 * a wrong password is refused at the login page; the operator logs in, lands on line-1's screen, and an inspection
 * recorded afterwards (through {@code ledger:record} and {@code quality:inspection}, as the inspection route does)
 * appears on it live, with its annotated frame, without a reload; a disposition signed through the REST API shows on
 * its row and, where the quality-rate service runs, changes the quality rate. Screenshots in target/screenshots/.
 * Skipped, with the reason, where Chromium, node or playwright-core is missing (.ci/run installs them).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"visionhub.routes.dir=target/line-screen-browser-test-no-routes"})
@ActiveProfiles({"isolated", "api-only"})
@DirtiesContext
class LineScreenBrowserTest {

    @TestConfiguration
    static class RecordAndFeed {
        /** What the inspection route does after its enrichers: the durable record, then the quality screens. */
        @Bean
        RouteBuilder webTestInspectionRoute() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:web-test-inspection").to("ledger:record").to("quality:inspection");
                }
            };
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    ProducerTemplate template;

    @Autowired
    ImageStore images;

    @Autowired
    ObjectProvider<QualityRates> rates;

    @Test
    void anOperatorLogsInAndSeesANewResultArriveLive() throws Exception {
        String chromium = BrowserScript.chromium();
        String shots = BrowserScript.shots();

        // the MES's context of line-1 (the quality rate is that of its current order and shift)
        HubHttpClient api = new HubHttpClient("127.0.0.1", () -> port);
        var pushed = api.send(
                "PUT", "/api/context/line-1", """
                {"productionOrder": "000001000001", "product": "DEMO-PART-A", "batch": "B-4711", "shift": "early",
                 "specVersion": "A", "version": 1}
                """, "X-API-Key", "demo-mes-key", "Content-Type", "application/json");
        assertThat(pushed.statusCode()).as(pushed.body()).isBetween(200, 201);
        // the line has a station and a few results before the screen opens
        for (int i = 0; i < 3; i++) {
            template.requestBody("direct:web-test-inspection", event("station-1", i == 1 ? "NG" : "OK", 100 + i));
        }
        template.requestBody("direct:web-test-inspection", event("station-2", "OK", 200));

        BrowserScript.Session browser =
                BrowserScript.open(240, "line-screen.js", "http://127.0.0.1:" + port, chromium, shots);
        Process p = browser.process();
        try {
            JsonNode refused = browser.step("refused");
            assertThat(refused.path("message").asText()).isEqualTo("Wrong user name or password.");
            assertThat(refused.path("url").asText()).endsWith("/login?error");

            JsonNode ready = browser.step("ready");
            assertThat(ready.path("url").asText()).endsWith("/ui/line/line-1");
            assertThat(ready.path("results").asInt())
                    .as("results listed at load")
                    .isEqualTo(4);

            // a new NG result, recorded now: on screen without a reload
            InspectionEvent ng = event("station-1", "NG", 300);
            template.requestBody("direct:web-test-inspection", ng);
            browser.send("expect " + ng.id());
            JsonNode seen = browser.step("seen");
            assertThat(seen.path("reloaded").asBoolean())
                    .as("arrived over the live stream")
                    .isFalse();
            assertThat(seen.path("latest").asText()).isEqualTo("NG");
            assertThat(seen.path("counts").asText()).contains("OK 2").contains("NG 2");

            browser.send("rate");
            String rateBefore = browser.step("rate").path("text").asText();
            var signed = api.sendAs("POST", "/api/ledger/dispositions", """
                    {"targetType": "INSPECTION", "targetId": "%s", "disposition": "USE_AS_IS",
                     "reason": "cosmetic scratch within limits", "meaning": "APPROVED", "password": "quality-demo"}
                    """.formatted(ng.id()), "quality");
            assertThat(signed.statusCode()).as(signed.body()).isBetween(200, 201);
            browser.send("disposition " + ng.id());
            assertThat(browser.step("disposed").path("text").asText()).isEqualTo("USE_AS_IS");
            if (rates.getIfAvailable() != null) {
                // an NG part accepted as is: good now, so the line's quality rate goes up
                browser.send("rate-change " + rateBefore);
                String after = browser.step("rate-changed").path("text").asText();
                assertThat(after).isNotEqualTo(rateBefore).endsWith("%");
            } else {
                assertThat(rateBefore)
                        .as("no quality-rate service: shown as unknown")
                        .isEqualTo("—");
            }
            browser.send("tablet");
            browser.step("tablet");
            browser.send("end");
            JsonNode end = browser.step("end");
            assertThat(end.path("errors")).as("page errors").isEmpty();
        } finally {
            p.destroy();
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(BrowserScript.SHOTS.resolve("line-screen.png")).exists();
        assertThat(BrowserScript.SHOTS.resolve("login-refused.png")).exists();
    }

    private InspectionEvent event(String station, String verdict, int part) throws Exception {
        Instant at = Instant.now();
        String frame = images.put(png(station, verdict, false));
        String annotated = "OK".equals(verdict) ? null : images.put(png(station, verdict, true));
        ProductionContext ctx = new ProductionContext(
                "line-1",
                "000001000001",
                "DEMO-PART-A",
                "A",
                null,
                "B-4711",
                "WC-10",
                "early",
                null,
                null,
                1,
                at.minusSeconds(3600));
        return new InspectionEvent(
                InspectionEvent.SCHEMA_VERSION,
                EventIds.newId(),
                station,
                "cam-" + station,
                "line-1",
                at,
                at.plusMillis(40),
                new ModelRef("demo-anomaly", "1.0.0", "ab".repeat(32), "anomaly"),
                InspectionEvent.Verdict.valueOf(verdict),
                "OK".equals(verdict) ? List.of() : List.of(new Defect("scratch", 0.91, new Defect.Box(90, 60, 80, 50))),
                "OK".equals(verdict) ? 0.12 : 0.87,
                new ImageRef(
                        frame,
                        "/api/images/" + frame,
                        annotated,
                        annotated == null ? null : "/api/images/" + annotated,
                        320,
                        240),
                ctx,
                InspectionEvent.ContextStatus.APPLIED,
                "P-" + part,
                new Latency(1, 2, 30, 3, 36));
    }

    /** A grey part on a dark belt; the annotated copy has the defect's box drawn in red. */
    private static byte[] png(String station, String verdict, boolean annotated) throws Exception {
        BufferedImage img = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(30, 30, 34));
        g.fillRect(0, 0, 320, 240);
        g.setColor(new Color(170, 170, 175));
        g.fillRoundRect(60, 40, 200, 160, 30, 30);
        if (!"OK".equals(verdict)) {
            g.setColor(new Color(90, 90, 95));
            g.drawLine(110, 80, 150, 95);
        }
        if (annotated) {
            g.setColor(Color.RED);
            g.setStroke(new BasicStroke(3));
            g.drawRect(90, 60, 80, 50);
            g.drawString("scratch 0.91", 92, 56);
        }
        g.setColor(Color.WHITE);
        g.drawString(station, 8, 230);
        g.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(img, "png", bytes);
        return bytes.toByteArray();
    }
}
