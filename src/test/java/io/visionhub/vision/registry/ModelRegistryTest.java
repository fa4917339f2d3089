package io.visionhub.vision.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.visionhub.event.InspectionEvent;
import io.visionhub.ledger.LedgerFixture;
import io.visionhub.ledger.disposition.ESignatures;
import io.visionhub.ledger.disposition.SignatureRefusedException;
import io.visionhub.vision.TestModels;
import io.visionhub.vision.component.VisionComponent;
import io.visionhub.vision.model.ModelLoader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The model registry without Spring: uploads checked by loading the model (bad ones refused naming the problem,
 * nothing stored), e-signed approval (a wrong password refused and counted toward the lock-out), promotion only of
 * approved versions, the station's next frame on the promoted model, rollback, and the ledger records verified.
 */
class ModelRegistryTest {

    @TempDir
    static Path models;

    static Path v1;
    static Path v2;
    static final List<BufferedImage> GOOD = TestModels.goodParts(5, 12);

    @TempDir
    Path dir;

    LedgerFixture fx;
    ModelRegistry registry;
    JdbcTemplate jdbc;

    @BeforeAll
    static void build() throws Exception {
        v1 = TestModels.classifier(models.resolve("v1"), GOOD);
        // version 2: taught from other good parts, so another file (another sha256)
        v2 = TestModels.classifier(models.resolve("v2"), TestModels.goodParts(77, 12));
        Path card = v2.resolve("model.yaml");
        Files.writeString(card, Files.readString(card).replaceAll("(?m)^version: .*$", "version: '2'"));
    }

    @BeforeEach
    void open() {
        fx = new LedgerFixture(dir);
        jdbc = new JdbcTemplate(fx.ds);
        registry = registry(new ModelRegistry.Limits(50_000_000, 65_536));
    }

    ModelRegistry registry(ModelRegistry.Limits limits) {
        return new ModelRegistry(dir.resolve("registry"), fx.ledger, fx.ds, signatures(), new ModelLoader(), limits);
    }

    ESignatures signatures() {
        return fx.dispositions.signatures();
    }

    @AfterEach
    void close() {
        fx.close();
    }

    static InputStream onnx(Path folder) throws Exception {
        return Files.newInputStream(folder.resolve("model.onnx"));
    }

    static byte[] card(Path folder) throws Exception {
        return Files.readAllBytes(folder.resolve("model.yaml"));
    }

    static String sha(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    List<String> recordTypes() {
        return jdbc.queryForList("SELECT record_type FROM ledger_leaf ORDER BY seq", String.class);
    }

    @Test
    void anUploadIsListedWithItsSha256CardAndUploaderAndRecorded() throws Exception {
        ModelRegistry.Version v = registry.upload("integrator", onnx(v1), card(v1));

        assertThat(v.name()).isEqualTo("test-classifier");
        assertThat(v.version()).isEqualTo("1");
        assertThat(v.kind()).isEqualTo("classify");
        assertThat(v.sha256()).isEqualTo(sha(v1.resolve("model.onnx")));
        assertThat(v.sizeBytes()).isEqualTo(Files.size(v1.resolve("model.onnx")));
        assertThat(v.uploadedBy()).isEqualTo("integrator");
        assertThat(v.approval()).isNull();
        assertThat(v.card()).containsEntry("name", "test-classifier");
        assertThat(Path.of(v.location()).resolve("model.onnx")).exists();
        assertThat(registry.models())
                .singleElement()
                .satisfies(m -> assertThat(m.versions())
                        .extracting(ModelRegistry.Version::sha256)
                        .containsExactly(v.sha256()));
        assertThat(recordTypes()).containsExactly(ModelRegistry.UPLOADED);
        assertThatThrownBy(() -> registry.upload("integrator", onnx(v1), card(v1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already registered");
    }

    @Test
    void aChallengerSetThroughTheRegistryIsStillSetAfterARestartUntilStopped() throws Exception {
        ModelRegistry.Version v = registry.upload("integrator", onnx(v1), card(v1));
        registry.setChallenger("station-9", v.name(), v.version());
        assertThat(registry.challengerOf("station-9")).isEqualTo(v.location());

        // the hub restarts: a new registry on the same database
        assertThat(registry(new ModelRegistry.Limits(50_000_000, 65_536)).challengerOf("station-9"))
                .isEqualTo(v.location());

        // set again (another call, same station): one row, the latest choice
        registry.setChallenger("station-9", v.name(), v.version());
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM model_challenger", Integer.class))
                .isEqualTo(1);

        assertThat(registry.clearChallenger("station-9")).isTrue();
        assertThat(registry(new ModelRegistry.Limits(50_000_000, 65_536)).challengerOf("station-9"))
                .isNull();
        // a challenger is not a decision: nothing in the ledger but the upload
        assertThat(recordTypes()).containsExactly(ModelRegistry.UPLOADED);
    }

    @Test
    void aFolderNoRecordNamesIsMovedAsideNotOverwrittenNorInTheWay() throws Exception {
        Path orphan = dir.resolve("registry/test-classifier/1");
        Files.createDirectories(orphan);
        Files.writeString(orphan.resolve("note.txt"), "left by an upload whose record failed");
        ModelRegistry.Version v = registry.upload("integrator", onnx(v1), card(v1));
        assertThat(Path.of(v.location()).resolve("model.onnx")).exists();
        try (Stream<Path> files = Files.walk(dir.resolve("registry/.staging"))) {
            assertThat(files.filter(f -> f.getFileName().toString().equals("note.txt")))
                    .hasSize(1);
        }
    }

    @Test
    void badUploadsAreRefusedNamingTheProblemAndNothingIsStored() throws Exception {
        byte[] notOnnx = "this is a text file, not a model".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> registry.upload("integrator", new ByteArrayInputStream(notOnnx), card(v1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.onnx is not a loadable ONNX model");

        byte[] badYaml = "name: [unclosed\nversion: 1\n".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> registry.upload("integrator", onnx(v1), badYaml))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("card: ")
                .hasMessageContaining("is not valid YAML")
                .hasMessageNotContaining(dir.toString());

        byte[] noKind = new String(card(v1), StandardCharsets.UTF_8)
                .replaceAll("(?m)^kind: .*$", "kind: segment")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> registry.upload("integrator", onnx(v1), noKind))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'kind' must be anomaly, detect or classify");

        // the graph takes 320x320; a card saying 224 disagrees with it
        byte[] wrongShape = new String(card(v1), StandardCharsets.UTF_8)
                .replace("width: 320", "width: 224")
                .replace("height: 320", "height: 224")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(new String(wrongShape, StandardCharsets.UTF_8)).contains("width: 224");
        assertThatThrownBy(() -> registry.upload("integrator", onnx(v1), wrongShape))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model and card disagree")
                .hasMessageContaining("but the card says");

        ModelRegistry small = registry(new ModelRegistry.Limits(1000, 65_536));
        assertThatThrownBy(() -> small.upload("integrator", onnx(v1), card(v1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("larger than 1000 bytes")
                .hasMessageContaining("visionhub.vision.registry.max-model-size");

        assertThatThrownBy(() -> registry.upload("integrator", onnx(v1), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no model card");

        // nothing half-stored: no version row, no ledger record, no files (the staging folder is empty)
        assertThat(registry.models()).isEmpty();
        assertThat(recordTypes()).isEmpty();
        try (Stream<Path> files = Files.walk(dir.resolve("registry"))) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void approvalIsESignedAndAWrongPasswordIsRefusedCountedAndRecorded() throws Exception {
        registry.upload("integrator", onnx(v1), card(v1));

        assertThatThrownBy(() -> registry.approve("qa.lee", "test-classifier", "1", "wrong", "APPROVED", "validated"))
                .isInstanceOf(SignatureRefusedException.class)
                .hasMessageContaining("wrong password (1 in a row");
        assertThat(signatures().lockoutState("qa.lee"))
                .hasValueSatisfying(s -> assertThat(s.failures()).isEqualTo(1));
        assertThat(recordTypes()).containsExactly(ModelRegistry.UPLOADED, ESignatures.TYPE_REFUSED);
        assertThat(registry.version("test-classifier", "1").orElseThrow().approval())
                .isNull();
        assertThatThrownBy(() -> registry.approve("qa.lee", "test-classifier", "1", "s3cret!", "LIKED", "validated"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not one of");

        ModelRegistry.Approval a =
                registry.approve("qa.lee", "test-classifier", "1", "s3cret!", "approved", "validated on line 1");
        assertThat(a.printedName()).isEqualTo("Lee Quality");
        assertThat(a.meaningCode()).isEqualTo("APPROVED");
        assertThat(a.signatureHash()).matches("[0-9a-f]{64}");
        assertThat(signatures().lockoutState("qa.lee")).isEmpty(); // a correct password starts the count again
        ModelRegistry.Version listed = registry.version("test-classifier", "1").orElseThrow();
        assertThat(listed.approval().user()).isEqualTo("qa.lee");
        assertThat(listed.approval().signedAt()).isEqualTo(a.signedAt());
        assertThat(recordTypes()).endsWith(ModelRegistry.APPROVED);
        assertThat(jdbc.queryForObject(
                        "SELECT entry FROM ledger_leaf WHERE record_type = ?", String.class, ModelRegistry.APPROVED))
                .contains(a.signatureHash())
                .contains(listed.sha256())
                .contains("Lee Quality");
        assertThatThrownBy(() -> registry.approve("qa.lee", "test-classifier", "1", "s3cret!", "APPROVED", "again"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already approved by Lee Quality");
    }

    @Test
    void anUnapprovedVersionCannotBePromoted() throws Exception {
        registry.upload("integrator", onnx(v1), card(v1));
        assertThatThrownBy(() -> registry.promote(
                        "qa.lee", "station-1", "test-classifier", "1", "s3cret!", "APPROVED", "better recall"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not approved");
        assertThatThrownBy(() -> registry.promote(
                        "qa.lee", "station-1", "test-classifier", "9", "s3cret!", "APPROVED", "better recall"))
                .isInstanceOf(java.util.NoSuchElementException.class);
        assertThat(registry.championOf("station-1")).isNull();
        assertThat(recordTypes()).doesNotContain(ModelRegistry.PROMOTED);
    }

    @Test
    void promotionSwitchesTheNextFrameAndRollbackRestoresEachARecordThatVerifies() throws Exception {
        registry.upload("integrator", onnx(v2), card(v2));
        registry.approve("qa.lee", "test-classifier", "2", "s3cret!", "APPROVED", "validated");
        String sha1 = sha(v1.resolve("model.onnx"));
        String sha2 = sha(v2.resolve("model.onnx"));

        CamelContext camel = new DefaultCamelContext();
        VisionComponent vision = new VisionComponent();
        vision.setModelWatchSeconds(0);
        camel.addComponent("vision", vision);
        camel.getRegistry().bind("modelRegistry", registry);
        registry.preparer(p -> vision.model(p.toString()));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:frame").to("vision:station-1?storeImages=false&model=" + v1);
            }
        });
        camel.start();
        try {
            ProducerTemplate frames = camel.createProducerTemplate();
            BufferedImage part = GOOD.get(0);
            assertThat(frames.requestBody("direct:frame", part, InspectionEvent.class)
                            .model()
                            .sha256())
                    .isEqualTo(sha1);

            ModelRegistry.Promotion p =
                    registry.promote("qa.lee", "station-1", "test-classifier", "2", "s3cret!", "APPROVED", "recall");
            assertThat(p.action()).isEqualTo("PROMOTED");
            assertThat(p.replacedName()).isNull(); // the route's own model
            InspectionEvent next = frames.requestBody("direct:frame", part, InspectionEvent.class);
            assertThat(next.model().sha256()).isEqualTo(sha2);
            assertThat(next.model().version()).isEqualTo("2");
            assertThat(registry.version("test-classifier", "2").orElseThrow().championAt())
                    .containsExactly("station-1");

            // a restarted registry (same database) keeps the champion
            assertThat(registry(new ModelRegistry.Limits(50_000_000, 65_536)).championOf("station-1"))
                    .isEqualTo(registry.championOf("station-1"));

            assertThatThrownBy(() -> registry.rollback("qa.lee", "station-1", "wrong", "APPROVED", "revert"))
                    .isInstanceOf(SignatureRefusedException.class);
            assertThat(frames.requestBody("direct:frame", part, InspectionEvent.class)
                            .model()
                            .sha256())
                    .isEqualTo(sha2);
            ModelRegistry.Promotion back =
                    registry.rollback("qa.lee", "station-1", "s3cret!", "APPROVED", "false rejects on line 1");
            assertThat(back.action()).isEqualTo("ROLLED_BACK");
            assertThat(back.replacedVersion()).isEqualTo("2");
            assertThat(frames.requestBody("direct:frame", part, InspectionEvent.class)
                            .model()
                            .sha256())
                    .isEqualTo(sha1);
            assertThatThrownBy(() -> registry.rollback("qa.lee", "station-1", "s3cret!", "APPROVED", "again"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no promotion to roll back");
        } finally {
            camel.stop();
        }
        assertThat(registry.champions()).singleElement().satisfies(c -> {
            assertThat(c.name()).isNull();
            assertThat(c.history())
                    .extracting(ModelRegistry.Promotion::action)
                    .containsExactly("PROMOTED", "ROLLED_BACK");
        });
        assertThat(recordTypes())
                .containsSubsequence(
                        ModelRegistry.UPLOADED,
                        ModelRegistry.APPROVED,
                        ModelRegistry.PROMOTED,
                        ModelRegistry.ROLLED_BACK);
        assertThat(fx.service.verify().ok()).isTrue();
        // the registry tables are append-only, as the ledger's own
        assertThatThrownBy(() -> jdbc.update("UPDATE model_approval SET reason = 'edited'"))
                .rootCause()
                .hasMessageContaining("append-only");
    }
}
