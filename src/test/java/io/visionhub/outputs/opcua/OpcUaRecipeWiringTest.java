package io.visionhub.outputs.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.context.ProductionContextStore;
import io.visionhub.event.ProductionContext;
import io.visionhub.vision.component.ModelSelector;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.camel.CamelContext;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * In the application context: a QUALITY user's LinkProduct is appended to the hub's ledger (RECIPE_PRODUCT_LINK, with
 * the user's name) and the vision component's ModelSelector is the recipe book, which picks the recipe's model once
 * the MES pushes a context naming the product.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ActiveProfiles("isolated")
@DirtiesContext
class OpcUaRecipeWiringTest {

    static Path dir;

    @DynamicPropertySource
    static void props(DynamicPropertyRegistry registry) throws Exception {
        dir = Files.createTempDirectory("opcua-recipe-wiring");
        SimulatedPartGenerator gen = new SimulatedPartGenerator(7, 0.0);
        new AnomalyTeacher()
                .teach(
                        LongStream.range(0, 8)
                                .mapToObj(i -> gen.good(i).image())
                                .toList(),
                        AnomalyTeacher.Spec.of("wired-recipe", "3"),
                        dir.resolve("models/wired"));
        registry.add("visionhub.site", () -> "recipe-site");
        registry.add("visionhub.routes.dir", () -> dir.resolve("routes").toString());
        registry.add("visionhub.simulators.enabled", () -> "false");
        registry.add("visionhub.vision.demo-model.enabled", () -> "false");
        registry.add(
                "visionhub.opcua.recipe-dirs[0]", () -> dir.resolve("models").toString());
        registry.add(
                "visionhub.opcua.recipe-links-file",
                () -> dir.resolve("links.json").toString());
        registry.add("visionhub.opcua.users[0].username", () -> "quality");
        registry.add("visionhub.opcua.users[0].password", () -> "q-wired");
        registry.add("visionhub.opcua.users[0].roles[0]", () -> "QUALITY");
    }

    @Autowired
    HubOpcUaServer opcUaServer;

    @Autowired
    RecipeBook recipeBook;

    @Autowired
    CamelContext camel;

    @Autowired
    ProductionContextStore contexts;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void linkIsRecordedInTheLedgerAndSelectsTheModelOnceTheContextNamesTheProduct() throws Exception {
        OpcUaClient client = OpcUaClient.create(
                opcUaServer.endpointUrl(),
                endpoints -> endpoints.stream()
                        .filter(e -> SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri()))
                        .findFirst(),
                transport -> {},
                config -> config.setIdentityProvider(new UsernameProvider("quality", "q-wired")));
        client.connect();
        try {
            int ns = OpcUaTestClients.namespaceIndex(client, StationNamespace.NAMESPACE_URI);
            String recipe = "Stations/station-1/RecipeManagement/Recipes/wired-recipe";
            CallMethodResult r = client.call(List.of(new CallMethodRequest(
                            new NodeId(ns, recipe),
                            new NodeId(ns, recipe + "/LinkProduct"),
                            new Variant[] {new Variant("WIRED-P")})))
                    .getResults()[0];
            assertThat(r.getStatusCode().isGood()).as(r.toString()).isTrue();
        } finally {
            client.disconnect();
        }

        List<String> entries = jdbc.queryForList(
                "SELECT entry FROM ledger_leaf WHERE record_type = ?", String.class, RecipeBook.RECORD_TYPE);
        assertThat(entries)
                .singleElement()
                .satisfies(e -> assertThat(e)
                        .contains("\"user\":\"quality\"")
                        .contains("\"productId\":\"WIRED-P\"")
                        .contains("\"recipeId\":\"wired-recipe\"")
                        .contains("\"action\":\"LINKED\""));

        assertThat(camel.getRegistry().findSingleByType(ModelSelector.class)).isSameAs(recipeBook);
        Instant now = Instant.now();
        assertThat(recipeBook.modelFor("station-1", "line-1", now)).isNull();
        contexts.update(
                "line-1",
                new ProductionContext(
                        "line-1", "PO-9", "WIRED-P", "1", null, "B-1", null, "A", null, null, 0, now.minusSeconds(1)),
                "test",
                "mes");
        assertThat(recipeBook.modelFor("station-1", "line-1", Instant.now()))
                .isEqualTo(
                        dir.resolve("models/wired").toAbsolutePath().normalize().toString());
    }
}
