package io.visionhub.quality.ncr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.visionhub.enterprise.TestEvents;
import io.visionhub.enterprise.outbox.OutboxRepository;
import io.visionhub.enterprise.outbox.OutboxRow;
import io.visionhub.event.Defect;
import io.visionhub.event.EventIds;
import io.visionhub.event.EventJson;
import io.visionhub.event.ImageRef;
import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.CanonicalJson;
import io.visionhub.ledger.JdbcInspectionLedger;
import io.visionhub.ledger.LedgerService;
import io.visionhub.ledger.audit.AuditPackageFiles;
import io.visionhub.ledger.audit.AuditPackageVerifier;
import io.visionhub.ledger.audit.AuditTrust;
import io.visionhub.ledger.cli.LedgerCommand;
import io.visionhub.ledger.disposition.DispositionRequest;
import io.visionhub.ledger.disposition.DispositionService;
import io.visionhub.simulators.EnterpriseSimulators;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * The NCR register in the whole hub: NG parts recorded by the ledger and heard as {@code quality:inspection} hands
 * them over → one NCR per order and defect class (rule: 3 within 10 minutes, or a signed REJECT) → the SAP QM
 * simulator gets ONE quality notification per NCR with one item per part, exactly once; REST with roles and bad
 * input; the CAPA evidence package verifies, and a tampered copy does not.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "visionhub.routes.dir=target/ncr-test-no-routes",
            "visionhub.broker.enabled=false",
            "visionhub.mqtt.enabled=false",
            "visionhub.opcua.enabled=false",
            "visionhub.vision.demo-model.enabled=false",
            "visionhub.enterprise.sync.enabled=false",
            "visionhub.enterprise.outbox.poll-interval=50ms",
            "visionhub.enterprise.outbox.initial-backoff=100ms",
            "visionhub.quality.ncr.targets=sap-qm",
            "visionhub.quality.ncr.threshold=3",
            "visionhub.quality.ncr.window=10m",
            "visionhub.quality.ncr.link-base=https://hub.plant.local",
        })
@ActiveProfiles("isolated")
@DirtiesContext
class NcrFlowTest {

    static final AtomicInteger ORDERS = new AtomicInteger(100);

    @LocalServerPort
    int port;

    @Autowired
    JdbcInspectionLedger ledger;

    @Autowired
    LedgerService ledgerService;

    @Autowired
    NcrService ncrs;

    @Autowired
    DispositionService dispositions;

    @Autowired
    EnterpriseSimulators sims;

    @Autowired
    OutboxRepository outbox;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    NcrProperties props;

    @Autowired
    io.visionhub.enterprise.DeliveryService delivery;

    final HttpClient http = HttpClient.newHttpClient();
    final Instant t0 = Instant.parse("2026-12-05T06:00:00Z");

    static String newOrder() {
        return String.format("%012d", 1_000_000 + ORDERS.incrementAndGet());
    }

    /** An NG part of this order and class, with a real image in the hub's store, recorded and heard. */
    InspectionEvent ng(String order, String defectClass, int second) throws Exception {
        InspectionEvent base = TestEvents.ng(EventIds.newId(), "station-1", defectClass, t0.plusSeconds(second), order);
        BufferedImage img = new BufferedImage(32, 24, BufferedImage.TYPE_INT_RGB);
        img.setRGB(second % 32, 3, 0xFF0000 + second);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        String sha = ledgerService.images().put(png.toByteArray());
        InspectionEvent e = new InspectionEvent(
                base.schemaVersion(),
                base.id(),
                base.station(),
                base.camera(),
                base.line(),
                base.captureTime(),
                base.inferenceTime(),
                base.model(),
                InspectionEvent.Verdict.NG,
                List.of(new Defect(defectClass, 0.91, new Defect.Box(1, 2, 3, 4))),
                base.anomalyScore(),
                new ImageRef(sha, "/api/images/" + sha, null, null, 32, 24),
                base.context(),
                base.contextStatus(),
                base.partId(),
                base.latency());
        ledger.append(e, List.of());
        ncrs.onInspection(e); // what quality:inspection does after ledger:record
        return e;
    }

    /** The same part recorded, but heard by another register than the hub's. */
    InspectionEvent ngHeardBy(NcrService register, String order, String defectClass, int second) throws Exception {
        NcrService hubs = ncrs;
        ncrs = register;
        try {
            return ng(order, defectClass, second);
        } finally {
            ncrs = hubs;
        }
    }

    List<Ncr> ncrsOf(String order) {
        ncrs.flush();
        return ncrs.repository().list(null, order, null, 100);
    }

    HttpResponse<String> call(String method, String path, String user, String body) throws Exception {
        return http.send(request(method, path, user, body), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest request(String method, String path, String user, String body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString((user + ":" + user + "-demo").getBytes(StandardCharsets.UTF_8)))
                .build();
    }

    @Test
    void manyNgOfOneClassInOneOrderAreOneNcrWithAnItemEachAndOneSapNotificationWithThoseItemsExactlyOnce()
            throws Exception {
        String order = newOrder();
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            parts.add(ng(order, "crack", i * 10).id());
        }
        List<Ncr> list = ncrsOf(order);
        assertThat(list).singleElement().satisfies(n -> {
            assertThat(n.defectClass()).isEqualTo("crack");
            assertThat(n.itemCount()).isEqualTo(9);
            assertThat(n.trigger()).isEqualTo("RULE");
            assertThat(n.status()).isEqualTo(Ncr.OPEN);
        });
        String id = list.get(0).id();
        assertThat(ncrs.repository().items(id))
                .extracting(Ncr.Item::inspectionId)
                .as("the parts in the order they came, the 3 that fired the rule first")
                .containsExactlyElementsOf(parts);
        // one item by its number (what each item's delivery reads), the same as in the full list; none beyond them
        assertThat(ncrs.repository().item(id, 4))
                .contains(ncrs.repository().items(id).get(3));
        assertThat(ncrs.repository().item(id, parts.size() + 1)).isEmpty();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> ncrs.repository().documents(id).stream()
                        .anyMatch(d -> "DELIVERED".equals(d.status()) && d.itemsDelivered() == 9));
        Ncr.Document doc = ncrs.repository().documents(id).get(0);
        assertThat(doc.target()).isEqualTo("sap-qm");
        assertThat(doc.items()).isEqualTo(9);
        assertThat(sims.sap().qualityNotifications().findBy("ManufacturingOrder", order))
                .as("one SAP notification for the order and class, not one per part")
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.number()).isEqualTo(doc.documentNumber());
                    assertThat(d.fields().get("NotificationText")).asString().contains("crack");
                    assertThat(d.fields().get("NotificationLongText"))
                            .asString()
                            .contains("https://hub.plant.local/api/quality/ncrs/" + id + "/evidence")
                            .contains("of order " + order + " show crack");
                });
        List<Map<String, Object>> items = sims.sap().qualityNotificationItems(doc.documentNumber());
        assertThat(items).hasSize(9);
        assertThat(items.stream().map(i -> i.get("DefectText")).distinct()).hasSize(9);
        assertThat(items).extracting(i -> i.get("QualityNotificationItem")).contains("0001", "0009");
        // every row of the NCR delivered once, in order: the document's row before its items'
        List<OutboxRow> rows = outbox.list("DELIVERED", 10_000).stream()
                .filter(r -> r.deliveryKey().startsWith(NcrService.documentKey(id)))
                .toList();
        assertThat(rows).hasSize(10);
        assertThat(rows.get(0).documentType()).isEqualTo(NcrRepository.DOCUMENT);
        assertThat(rows.get(0).attempts()).isEqualTo(1);

        // more parts later still go to the same NCR and the same notification
        ng(order, "crack", 200);
        assertThat(ncrsOf(order))
                .singleElement()
                .satisfies(n -> assertThat(n.itemCount()).isEqualTo(10));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> sims.sap()
                                .qualityNotificationItems(doc.documentNumber())
                                .size()
                        == 10);
        assertThat(sims.sap().qualityNotifications().findBy("ManufacturingOrder", order))
                .hasSize(1);
    }

    @Test
    void twoClassesAreTwoNcrsANewOrderIsANewNcrAndTooFewPartsOpenNone() throws Exception {
        String a = newOrder();
        String b = newOrder();
        String c = newOrder();
        for (int i = 0; i < 3; i++) {
            ng(a, "crack", i);
            ng(a, "dent", i);
            ng(b, "crack", i);
        }
        ng(c, "crack", 0);
        ng(c, "crack", 1);
        ng(c, "crack", 900); // 15 minutes later: the first two are out of the 10 minute window
        assertThat(ncrsOf(a)).extracting(Ncr::defectClass).containsExactlyInAnyOrder("crack", "dent");
        assertThat(ncrsOf(a)).allSatisfy(n -> assertThat(n.itemCount()).isEqualTo(3));
        assertThat(ncrsOf(b))
                .singleElement()
                .satisfies(n -> assertThat(n.defectClass()).isEqualTo("crack"));
        assertThat(ncrsOf(c)).as("3 NG, but never 3 within the window").isEmpty();
    }

    @Test
    void afterARestartThePartsOfAnOpenNcrStillGoToItNotToANewOne() throws Exception {
        String order = newOrder();
        for (int i = 0; i < 3; i++) {
            ng(order, "burr", i);
        }
        String id = ncrsOf(order).get(0).id();
        // a new register on the same database, as after a restart of the hub (its memory starts empty)
        try (NcrService restarted = new NcrService(
                props,
                ncrs.repository(),
                ledger,
                delivery,
                dispositions,
                java.time.Clock.systemUTC(),
                Executors.newSingleThreadExecutor())) {
            ngHeardBy(restarted, order, "burr", 100);
            restarted.flush();
            assertThat(ncrs.repository().list(null, order, null, 10))
                    .singleElement()
                    .satisfies(n -> {
                        assertThat(n.id()).isEqualTo(id);
                        assertThat(n.itemCount()).isEqualTo(4);
                    });
        } finally {
            delivery.setGroupDocuments(ncrs);
        }
    }

    @Test
    void aSignedRejectOpensAnNcrAtOnceAndTheRecordsAreInTheLedger() throws Exception {
        String order = newOrder();
        InspectionEvent part = ng(order, "scratch", 0);
        assertThat(ncrsOf(order)).isEmpty();
        dispositions.sign(
                "quality",
                DispositionRequest.of(
                        "INSPECTION", part.id(), "REJECT", "scratch across the label", "APPROVED", "quality-demo"));
        List<Ncr> list = ncrsOf(order);
        assertThat(list).singleElement().satisfies(n -> {
            assertThat(n.trigger()).isEqualTo("DISPOSITION");
            assertThat(n.triggerDetail()).contains("REJECT").contains("Quinn Quality");
            assertThat(n.itemCount()).isEqualTo(1);
        });
        Ncr n = list.get(0);
        assertThat(ledgerService.leaf(n.ledgerSeq()).type()).isEqualTo(NcrService.OPENED);
        assertThat(ledgerService
                        .leaf(ncrs.repository().items(n.id()).get(0).ledgerSeq())
                        .type())
                .isEqualTo(NcrService.ITEM_ADDED);
        // the register is append-only like the ledger's tables (Flyway V56): a closure cannot be undone in SQL
        assertThatThrownBy(() -> jdbc.update("UPDATE ncr SET defect_class = 'dent' WHERE id = ?", n.id()))
                .hasStackTraceContaining("append-only");
        assertThatThrownBy(() -> jdbc.update("DELETE FROM ncr_item WHERE ncr_id = ?", n.id()))
                .hasStackTraceContaining("append-only");
    }

    @Test
    void theRestApiListsFiltersAndClosesWithAnESignatureAndRefusesBadInputAndWrongRoles() throws Exception {
        String order = newOrder();
        for (int i = 0; i < 3; i++) {
            ng(order, "dent", i);
        }
        String id = ncrsOf(order).get(0).id();

        HttpResponse<String> list =
                call("GET", "/api/quality/ncrs?order=" + order + "&status=OPEN", "integrator", null);
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(EventJson.mapper().readTree(list.body())).hasSize(1);
        HttpResponse<String> bad = call("GET", "/api/quality/ncrs?status=HALF_OPEN", "quality", null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("status").contains("HALF_OPEN");
        // an id that is not a UUID is a 400 naming id (as for alarms); a well-formed unknown one a 404
        for (String path :
                List.of("/api/quality/ncrs/nope", "/api/quality/ncrs/nope/evidence", "/api/quality/ncrs/" + id + "0")) {
            HttpResponse<String> malformed = call("GET", path, "quality", null);
            assertThat(malformed.statusCode())
                    .as(path + ": " + malformed.body())
                    .isEqualTo(400);
            assertThat(EventJson.mapper()
                            .readTree(malformed.body())
                            .path("field")
                            .asText())
                    .as(path)
                    .isEqualTo("id");
        }
        HttpResponse<String> malformedClose = call(
                "POST",
                "/api/quality/ncrs/nope/close",
                "quality",
                "{\"reason\":\"r\",\"meaning\":\"APPROVED\",\"password\":\"quality-demo\"}");
        assertThat(malformedClose.statusCode()).as(malformedClose.body()).isEqualTo(400);
        assertThat(EventJson.mapper()
                        .readTree(malformedClose.body())
                        .path("field")
                        .asText())
                .isEqualTo("id");
        HttpResponse<String> unknownNcr = call("GET", "/api/quality/ncrs/" + UUID.randomUUID(), "quality", null);
        assertThat(unknownNcr.statusCode()).as(unknownNcr.body()).isEqualTo(404);
        assertThat(EventJson.mapper().readTree(unknownNcr.body()).path("code").asText())
                .isEqualTo("unknown_ncr");
        JsonNode one = EventJson.mapper()
                .readTree(
                        call("GET", "/api/quality/ncrs/" + id, "auditor", null).body());
        assertThat(one.path("items")).hasSize(3);
        assertThat(one.path("items").get(0).path("imageUri").asText()).startsWith("/api/images/");
        assertThat(one.path("documents").get(0).path("target").asText()).isEqualTo("sap-qm");

        String close = "/api/quality/ncrs/" + id + "/close";
        assertThat(call("POST", close, "operator", "{}").statusCode()).isEqualTo(403);
        assertThat(call("POST", close, "auditor", "{}").statusCode()).isEqualTo(403);
        HttpResponse<String> noReason =
                call("POST", close, "quality", "{\"meaning\":\"APPROVED\",\"password\":\"quality-demo\"}");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("reason is required");
        HttpResponse<String> unknownField = call(
                "POST",
                close,
                "quality",
                "{\"reason\":\"x\",\"meaning\":\"APPROVED\",\"password\":\"quality-demo\",\"printedName\":\"Me\"}");
        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(unknownField.body()).contains("printedName");
        HttpResponse<String> badMeaning = call(
                "POST", close, "quality", "{\"reason\":\"x\",\"meaning\":\"LIKED\",\"password\":\"quality-demo\"}");
        assertThat(badMeaning.statusCode()).isEqualTo(400);
        assertThat(badMeaning.body()).contains("meaning 'LIKED' is not one of");
        HttpResponse<String> wrong = call(
                "POST", close, "quality", "{\"reason\":\"fixed\",\"meaning\":\"APPROVED\",\"password\":\"guess\"}");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).contains("signature refused").contains("wrong password");

        HttpResponse<String> ok = call(
                "POST",
                close,
                "quality",
                "{\"reason\":\"die insert replaced, 50 parts re-inspected\",\"meaning\":\"APPROVED\","
                        + "\"password\":\"quality-demo\"}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        JsonNode closed = EventJson.mapper().readTree(ok.body());
        assertThat(closed.path("status").asText()).isEqualTo("CLOSED");
        assertThat(closed.path("closure").path("printedName").asText()).isEqualTo("Quinn Quality (demo)");
        assertThat(ledgerService
                        .leaf(closed.path("closure").path("ledgerSeq").asLong())
                        .type())
                .isEqualTo(NcrService.CLOSED);
        assertThat(call(
                                "POST",
                                close,
                                "quality",
                                "{\"reason\":\"again\",\"meaning\":\"APPROVED\",\"password\":\"quality-demo\"}")
                        .statusCode())
                .isEqualTo(409);

        // after the closure the class counts anew: 3 more NG open a second NCR of the order
        for (int i = 10; i < 13; i++) {
            ng(order, "dent", i);
        }
        assertThat(ncrsOf(order)).hasSize(2);
        assertThat(ncrs.ofLine("line-1", Instant.EPOCH, Instant.now().plusSeconds(60)))
                .extracting(NcrRegister.NcrSummary::id)
                .contains(id);
    }

    @Test
    void theEvidencePackageVerifiesAndATamperedCopyFails() throws Exception {
        String order = newOrder();
        for (int i = 0; i < 4; i++) {
            ng(order, "crack", i);
        }
        ng(order, "dent", 5);
        Ncr n = ncrsOf(order).stream()
                .filter(x -> x.defectClass().equals("crack"))
                .findFirst()
                .orElseThrow();
        long last = ncrs.repository().items(n.id()).get(3).ledgerSeq();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> ledgerService.latestHead() != null
                        && ledgerService.latestHead().treeSize() > last);

        String path = "/api/quality/ncrs/" + n.id() + "/evidence";
        assertThat(call("GET", path, "operator", null).statusCode()).isEqualTo(403);
        assertThat(call("GET", "/api/quality/ncrs/" + UUID.randomUUID() + "/evidence", "auditor", null)
                        .statusCode())
                .isEqualTo(404);
        HttpResponse<byte[]> r =
                http.send(request("GET", path, "auditor", null), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).contains("application/zip"));
        byte[] zip = r.body();
        AuditTrust trust = AuditTrust.pinnedCertificate(ledgerService.signer().certificate(), "the hub's certificate");
        AuditPackageVerifier.Result ok = AuditPackageVerifier.verify(zip, trust);
        assertThat(ok.ok()).as(ok.summary()).isTrue();
        assertThat(ok.images()).isEqualTo(4);
        // the ledger command line checks it as it checks any audit package (exit 0: verified)
        Path dir = Files.createTempDirectory("capa-");
        Path zipFile = Files.write(dir.resolve("capa.zip"), zip);
        Path pem = Files.writeString(dir.resolve("hub.pem"), ledgerService.certificatePem());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = LedgerCommand.run(
                new String[] {"verify-package", zipFile.toString(), "--certificate", pem.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();

        Map<String, byte[]> files = AuditPackageFiles.unzip(zip);
        assertThat(files).containsKeys(NcrEvidencePackage.REPORT, NcrEvidencePackage.NCR_JSON, "summary.pdf");
        assertThat(new String(files.get(NcrEvidencePackage.REPORT), 0, 5, StandardCharsets.US_ASCII))
                .isEqualTo("%PDF-");
        JsonNode claimed = CanonicalJson.read(AuditPackageFiles.text(files, "manifest.json"))
                .path("records");
        assertThat(claimed.path("inspectionSeqs")).hasSize(4);
        assertThat(claimed.path("otherRecords"))
                .extracting(o -> o.path("type").asText())
                .containsExactly(
                        NcrService.OPENED,
                        NcrService.ITEM_ADDED,
                        NcrService.ITEM_ADDED,
                        NcrService.ITEM_ADDED,
                        NcrService.ITEM_ADDED);

        // a changed CAPA report: its SHA-256 no longer matches the signed manifest
        Map<String, byte[]> edited = AuditPackageFiles.unzip(zip);
        byte[] pdf = edited.get(NcrEvidencePackage.REPORT).clone();
        pdf[pdf.length / 2] ^= 1;
        edited.put(NcrEvidencePackage.REPORT, pdf);
        AuditPackageVerifier.Result bad = AuditPackageVerifier.verify(AuditPackageFiles.zip(edited), trust);
        assertThat(bad.ok()).isFalse();
        assertThat(bad.problems()).anySatisfy(p -> assertThat(p).contains(NcrEvidencePackage.REPORT));

        // an NCR record dropped from records.json, the manifest's sums recomputed (but not re-signed)
        Map<String, byte[]> dropped = AuditPackageFiles.unzip(zip);
        ArrayNode records = (ArrayNode) CanonicalJson.read(AuditPackageFiles.text(dropped, "records.json"));
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i).path("recordType").asText().equals(NcrService.OPENED)) {
                records.remove(i);
                break;
            }
        }
        dropped.put("records.json", CanonicalJson.mapper().writeValueAsBytes(records));
        AuditPackageFiles.recomputeManifest(dropped);
        AuditPackageVerifier.Result gone = AuditPackageVerifier.verify(AuditPackageFiles.zip(dropped), trust);
        assertThat(gone.ok()).isFalse();
        assertThat(String.join("\n", gone.problems())).contains(NcrService.OPENED);
    }
}
