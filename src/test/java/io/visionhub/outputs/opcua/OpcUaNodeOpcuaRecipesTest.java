package io.visionhub.outputs.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An independent client from another stack (node-opcua, src/test/node/opcua-recipes.js) links a product to a
 * recipe through RecipeManagement as a user with the QUALITY role, building the 40100 id structures from the
 * server's DataTypeDefinitions: the link takes effect in the hub's RecipeBook and is recorded with the user's name;
 * PrepareProduct answers the recipe as RecipeIdInternalDataType; an unknown recipe answers BadNotFound; an anonymous
 * session is refused with BadUserAccessDenied.
 */
class OpcUaNodeOpcuaRecipesTest {

    @TempDir
    Path dir;

    HubOpcUaServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void nodeOpcuaClientLinksAProductToARecipeAndAnonymousIsRefused() throws Exception {
        OpcUaTestClients.assumeNodeOpcuaInstalled();
        SimulatedPartGenerator gen = new SimulatedPartGenerator(5, 0.0);
        new AnomalyTeacher()
                .teach(
                        LongStream.range(0, 8)
                                .mapToObj(i -> gen.good(i).image())
                                .toList(),
                        AnomalyTeacher.Spec.of("bracket-v2", "2.0"),
                        dir.resolve("models/bracket"));
        List<RecipeBook.Decision> recorded = new CopyOnWriteArrayList<>();
        RecipeBook book = new RecipeBook(
                List.of(dir.resolve("models")), dir.resolve("links.json"), (line, at) -> null, recorded::add);
        OpcUaServerProperties props = OpcUaTestClients.demoServer(dir.resolve("pki"), "station-1")
                .withUsers(List.of(new OpcUaServerProperties.User("quality", "q-secret", List.of("QUALITY"))));
        server = new HubOpcUaServer(props, "site-n");
        server.setRecipeBook(book);
        server.start();

        List<String> lines = OpcUaTestClients.runNodeClient(
                null,
                "opcua-recipes.js",
                server.endpointUrl(),
                "station-1",
                "bracket-v2",
                "BRACKET-200",
                "quality",
                "q-secret");
        lines.forEach(l -> System.out.println("node-opcua: " + l));

        assertThat(lines).contains("LINK Good 0");
        assertThat(book.linkedRecipeId("station-1", "BRACKET-200")).isEqualTo("bracket-v2");
        assertThat(recorded).singleElement().satisfies(d -> {
            assertThat(d.user()).isEqualTo("quality");
            assertThat(d.action()).isEqualTo("LINKED");
        });
        assertThat(lines)
                .anySatisfy(l -> assertThat(l)
                        .startsWith("PREPARE Good")
                        .contains("\"id\":\"bracket-v2\"")
                        .contains("\"version\":\"2.0\""));
        assertThat(lines).contains("UNKNOWN BadNotFound");
        assertThat(lines).contains("ANONYMOUS BadUserAccessDenied");
    }
}
