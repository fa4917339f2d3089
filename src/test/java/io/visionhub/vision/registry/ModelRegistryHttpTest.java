package io.visionhub.vision.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.visionhub.api.HubHttpClient;
import io.visionhub.event.EventJson;
import io.visionhub.vision.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The REST wiring of /api/models over real HTTP: a multipart upload (a bad one refused with 400 naming the problem),
 * the list, roles, an e-signed approval (a wrong password refused with 403), promotion and rollback of a station's
 * champion, the champion–challenger figures, and the operations in the OpenAPI document.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({"isolated", "api-only"})
class ModelRegistryHttpTest {

    private static final Path DIR = tempDir();
    private static final Path MODEL = TestModels.classifier(DIR.resolve("built"), TestModels.goodParts(5, 10));
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @DynamicPropertySource
    static void registry(DynamicPropertyRegistry r) {
        r.add("visionhub.vision.registry.dir", () -> DIR.resolve("registry").toString());
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Test
    void theHubsOwnSchemaKeepsTheRegistryTablesAppendOnly() {
        // V71 ran in the hub's Flyway (ModelRegistrySchemaConfiguration), not only in the tests' own migrations
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        assertThat(jdbc.queryForObject(
                        "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"version\" = '71' AND \"success\"",
                        Integer.class))
                .isEqualTo(1);
        for (String table : List.of("model_version", "model_approval", "model_promotion")) {
            assertThatThrownBy(() -> jdbc.update("DELETE FROM " + table))
                    .as(table)
                    .isInstanceOf(DataAccessException.class);
        }
    }

    @Test
    void uploadListApprovePromoteAndRollBackOverHttp() throws Exception {
        HubHttpClient api = new HubHttpClient(() -> port);
        byte[] onnx = Files.readAllBytes(MODEL.resolve("model.onnx"));
        byte[] card = Files.readAllBytes(MODEL.resolve("model.yaml"));

        HttpResponse<String> bad = upload("integrator", "not a model".getBytes(StandardCharsets.UTF_8), card);
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        assertThat(json(bad).path("code").asText()).isEqualTo("invalid_upload");
        assertThat(json(bad).path("message").asText()).contains("is not a loadable ONNX model");
        assertThat(upload("operator", onnx, card).statusCode()).isEqualTo(403);

        HttpResponse<String> up = upload("integrator", onnx, card);
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        assertThat(json(up).path("sha256").asText()).matches("[0-9a-f]{64}");

        HttpResponse<String> list = api.sendAs("GET", "/api/models", null, "auditor");
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        JsonNode version = json(list).get(0).path("versions").get(0);
        assertThat(version.path("name").asText()).isEqualTo("test-classifier");
        assertThat(version.path("card").path("kind").asText()).isEqualTo("classify");
        assertThat(version.path("uploadedBy").asText()).isEqualTo("integrator");

        String approve = "/api/models/test-classifier/versions/1/approve";
        assertThat(api.sendAs("POST", approve, sign("integrator-demo"), "integrator")
                        .statusCode())
                .isEqualTo(403);
        HttpResponse<String> wrong = api.sendAs("POST", approve, sign("not-my-password"), "quality");
        assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(403);
        assertThat(json(wrong).path("code").asText()).isEqualTo("signature_refused");
        HttpResponse<String> unapproved =
                api.sendAs("POST", "/api/models/champions/station-9/promote", promote("quality-demo"), "quality");
        assertThat(unapproved.statusCode()).as(unapproved.body()).isEqualTo(409);
        assertThat(json(unapproved).path("message").asText()).contains("is not approved");

        HttpResponse<String> approved = api.sendAs("POST", approve, sign("quality-demo"), "quality");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(201);
        assertThat(json(approved).path("printedName").asText()).isEqualTo("Quinn Quality (demo)");

        HttpResponse<String> promoted =
                api.sendAs("POST", "/api/models/champions/station-9/promote", promote("quality-demo"), "quality");
        assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(201);
        HttpResponse<String> champions = api.sendAs("GET", "/api/models/champions", null, "operator");
        assertThat(json(champions).get(0).path("version").asText()).isEqualTo("1");
        HttpResponse<String> back =
                api.sendAs("POST", "/api/models/champions/station-9/rollback", sign("quality-demo"), "quality");
        assertThat(back.statusCode()).as(back.body()).isEqualTo(201);
        assertThat(json(back).path("action").asText()).isEqualTo("ROLLED_BACK");

        HttpResponse<String> challengers = api.sendAs("GET", "/api/models/challengers", null, "operator");
        assertThat(challengers.statusCode()).as(challengers.body()).isEqualTo(200);
        assertThat(json(challengers).isArray()).isTrue();

        String openapi = api.send("GET", "/api/openapi.json", null).body();
        assertThat(openapi)
                .contains("/models/{name}/versions/{version}/approve")
                .contains("/models/champions/{station}/promote")
                .contains("/models/challengers");
    }

    private static String sign(String password) {
        return "{\"password\":\"" + password + "\",\"meaning\":\"APPROVED\",\"reason\":\"validated on line 1\"}";
    }

    private static String promote(String password) {
        return "{\"name\":\"test-classifier\",\"version\":\"1\",\"password\":\"" + password
                + "\",\"meaning\":\"APPROVED\",\"reason\":\"fewer false rejects\"}";
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return EventJson.mapper().readTree(r.body());
    }

    /** A multipart/form-data request as curl -F sends it: the model and its card. */
    private HttpResponse<String> upload(String user, byte[] onnx, byte[] card) throws Exception {
        String boundary = "----visionhub" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Object[] file :
                List.of(new Object[] {"model", "model.onnx", onnx}, new Object[] {"card", "model.yaml", card})) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + file[0] + "\"; filename=\""
                            + file[1] + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            body.write((byte[]) file[2]);
            body.write("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest req = HttpRequest.newBuilder(new HubHttpClient(() -> port).uri("/api/models"))
                .header("Authorization", HubHttpClient.basicAuth(user, user + "-demo"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("visionhub-model-registry");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
