package io.visionhub.outputs.opcua;

import static org.assertj.core.api.Assertions.assertThat;

import io.visionhub.event.InspectionEvent;
import io.visionhub.images.FileImageStore;
import io.visionhub.vision.component.VisionComponent;
import io.visionhub.vision.sim.SimulatedPartGenerator;
import io.visionhub.vision.teach.AnomalyTeacher;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RecipeManagement with an independent Milo client: a quality engineer links product P-2 to recipe recipe-b (a model
 * folder); once the line's production context names P-2, the station's camera route inspects with recipe-b's model,
 * and with its own model again for other products. The link is recorded with the user's name before it takes
 * effect and survives a new RecipeBook on the same file. Anonymous and role-less users are refused
 * (Bad_UserAccessDenied), an unknown recipe or a product without a recipe answers Bad_NotFound.
 */
class OpcUaRecipeManagementTest {

    @TempDir
    static Path dir;

    static HubOpcUaServer server;
    static RecipeBook book;
    static CamelContext camel;
    static final Map<String, String> productOnLine = new ConcurrentHashMap<>();
    static final List<RecipeBook.Decision> recorded = new CopyOnWriteArrayList<>();
    static int ns;
    static int mv;

    @BeforeAll
    static void start() throws Exception {
        SimulatedPartGenerator gen = new SimulatedPartGenerator(3, 0.0);
        var good = LongStream.range(0, 12).mapToObj(i -> gen.good(i).image()).toList();
        new AnomalyTeacher().teach(good, AnomalyTeacher.Spec.of("recipe-a", "1"), dir.resolve("models/a"));
        new AnomalyTeacher().teach(good, AnomalyTeacher.Spec.of("recipe-b", "2"), dir.resolve("models/b"));

        camel = new DefaultCamelContext();
        VisionComponent vision = new VisionComponent();
        vision.setImageStore(new FileImageStore(dir.resolve("images")));
        vision.setModelWatchSeconds(0);
        camel.addComponent("vision", vision);
        book = newBook();
        book.preparer(location -> vision.model(location.toString()));
        camel.getRegistry().bind("recipeBook", book);

        OpcUaServerProperties props = OpcUaTestClients.demoServer(dir.resolve("pki"), "station-r")
                .withUsers(List.of(user("quality", "q-secret", "QUALITY"), user("operator", "o-secret", "OPERATOR")));
        server = new HubOpcUaServer(props, "site-r");
        server.setRecipeBook(book);
        server.start();
    }

    static RecipeBook newBook() {
        return new RecipeBook(
                List.of(dir.resolve("models")),
                dir.resolve("recipe-links.json"),
                (line, at) -> productOnLine.get(line),
                recorded::add);
    }

    static OpcUaServerProperties.User user(String name, String password, String role) {
        return new OpcUaServerProperties.User(name, password, List.of(role));
    }

    @AfterAll
    static void stop() throws Exception {
        if (camel != null) {
            camel.stop();
        }
        if (server != null) {
            server.stop();
        }
    }

    static OpcUaClient connect(IdentityProvider identity) throws Exception {
        OpcUaClient client = OpcUaClient.create(
                server.endpointUrl(),
                endpoints -> endpoints.stream()
                        .filter(e -> SecurityPolicy.None.getUri().equals(e.getSecurityPolicyUri()))
                        .findFirst(),
                transport -> {},
                config -> config.setIdentityProvider(identity));
        client.connect();
        ns = OpcUaTestClients.namespaceIndex(client, StationNamespace.NAMESPACE_URI);
        mv = OpcUaTestClients.namespaceIndex(client, MachineVisionTypes.NAMESPACE_URI);
        return client;
    }

    static CallMethodResult call(OpcUaClient client, String object, String method, Variant... in) throws Exception {
        String base = "Stations/station-r/RecipeManagement";
        NodeId o = new NodeId(ns, object.isEmpty() ? base : base + "/" + object);
        NodeId m = new NodeId(ns, (object.isEmpty() ? base : base + "/" + object) + "/" + method);
        return client.call(List.of(new CallMethodRequest(o, m, in))).getResults()[0];
    }

    @Test
    void linkedProductIsInspectedWithItsRecipeOnceTheContextNamesIt() throws Exception {
        productOnLine.put("line-1", "P-1");
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("vision:station-r?source=sim&line=line-1&fps=20&model=" + dir.resolve("models/a"))
                        .routeId("station-r-camera")
                        .to("mock:events");
            }
        });
        camel.start();
        MockEndpoint events = camel.getEndpoint("mock:events", MockEndpoint.class);
        events.expectedMinimumMessageCount(2);
        events.assertIsSatisfied(TimeUnit.SECONDS.toMillis(30));
        assertThat(model(events.getExchanges().get(events.getExchanges().size() - 1)))
                .isEqualTo("recipe-a");

        OpcUaClient client = connect(new UsernameProvider("quality", "q-secret"));
        try {
            CallMethodResult link = call(client, "Recipes/recipe-b", "LinkProduct", new Variant("P-2"));
            assertThat(link.getStatusCode().isGood()).as(link.toString()).isTrue();
            assertThat(link.getOutputArguments()[0].getValue()).isEqualTo(0);
            assertThat(recorded).anySatisfy(d -> {
                assertThat(d.action()).isEqualTo("LINKED");
                assertThat(d.user()).isEqualTo("quality");
                assertThat(d.productId()).isEqualTo("P-2");
                assertThat(d.recipe().id()).isEqualTo("recipe-b");
            });
            assertThat((String[]) client.readValue(
                                    0,
                                    TimestampsToReturn.Neither,
                                    new NodeId(
                                            ns, "Stations/station-r/RecipeManagement/Recipes/recipe-b/LinkedProducts"))
                            .getValue()
                            .getValue())
                    .containsExactly("P-2");

            // P-1 has no recipe: still the route's model; then the MES switches the line to P-2
            events.reset();
            events.expectedMinimumMessageCount(2);
            events.assertIsSatisfied(TimeUnit.SECONDS.toMillis(30));
            assertThat(model(events.getExchanges().get(events.getExchanges().size() - 1)))
                    .isEqualTo("recipe-a");
            productOnLine.put("line-1", "P-2");
            events.reset();
            events.expectedMinimumMessageCount(3);
            events.assertIsSatisfied(TimeUnit.SECONDS.toMillis(30));
            assertThat(model(events.getExchanges().get(events.getExchanges().size() - 1)))
                    .isEqualTo("recipe-b");

            // PrepareProduct answers the product's recipe as RecipeIdInternalDataType
            CallMethodResult prepared = call(client, "", "PrepareProduct", new Variant("P-2"));
            assertThat(prepared.getStatusCode().isGood()).isTrue();
            assertThat(ResultDataTypeCodec.binaryIdOf(prepared.getOutputArguments()[0].getValue()))
                    .isEqualTo("recipe-b");
            assertThat(((ExtensionObject) prepared.getOutputArguments()[0].getValue()).getEncodingOrTypeId())
                    .isEqualTo(new NodeId(mv, (int) MachineVisionTypes.RECIPE_ID_INTERNAL_BINARY));

            // the link survives a restart (same file)
            assertThat(newBook().linkedRecipeId("station-r", "P-2")).isEqualTo("recipe-b");

            // unlinking gives the product back to the route's model
            CallMethodResult unlink = call(client, "", "UnlinkProduct", new Variant("recipe-b"), new Variant("P-2"));
            assertThat(unlink.getStatusCode().isGood()).isTrue();
            assertThat(recorded).anySatisfy(d -> assertThat(d.action()).isEqualTo("UNLINKED"));
            assertThat((String[]) client.readValue(
                                    0,
                                    TimestampsToReturn.Neither,
                                    new NodeId(
                                            ns, "Stations/station-r/RecipeManagement/Recipes/recipe-b/LinkedProducts"))
                            .getValue()
                            .getValue())
                    .isEmpty();
            events.reset();
            events.expectedMinimumMessageCount(3);
            events.assertIsSatisfied(TimeUnit.SECONDS.toMillis(30));
            assertThat(model(events.getExchanges().get(events.getExchanges().size() - 1)))
                    .isEqualTo("recipe-a");
        } finally {
            client.disconnect();
            camel.getRouteController().stopRoute("station-r-camera");
        }
    }

    @Test
    void unknownRecipeAndProductWithoutRecipeAnswerBadNotFound() throws Exception {
        OpcUaClient client = connect(new UsernameProvider("quality", "q-secret"));
        try {
            int before = recorded.size();
            assertThat(call(client, "", "UnlinkProduct", new Variant("no-such-recipe"), new Variant("P-7"))
                            .getStatusCode()
                            .getValue())
                    .isEqualTo(StatusCodes.Bad_NotFound);
            assertThat(call(client, "", "PrepareProduct", new Variant("P-never-linked"))
                            .getStatusCode()
                            .getValue())
                    .isEqualTo(StatusCodes.Bad_NotFound);
            assertThat(call(client, "", "PrepareRecipe", Variant.NULL_VALUE, new Variant("no-such-recipe"))
                            .getStatusCode()
                            .getValue())
                    .isEqualTo(StatusCodes.Bad_NotFound);
            assertThat(call(client, "Recipes/recipe-a", "LinkProduct", new Variant(""))
                            .getStatusCode()
                            .getValue())
                    .isEqualTo(StatusCodes.Bad_InvalidArgument);
            assertThat(call(client, "Recipes/recipe-a", "LinkProduct", new Variant(42))
                            .getStatusCode()
                            .getValue())
                    .isEqualTo(StatusCodes.Bad_InvalidArgument);
            assertThat(recorded).hasSize(before);
        } finally {
            client.disconnect();
        }
    }

    @Test
    void anonymousAndUsersWithoutARecipeRoleAreRefused() throws Exception {
        for (IdentityProvider who : List.of(new AnonymousProvider(), new UsernameProvider("operator", "o-secret"))) {
            OpcUaClient client = connect(who);
            try {
                assertThat(call(client, "Recipes/recipe-a", "LinkProduct", new Variant("P-3"))
                                .getStatusCode()
                                .getValue())
                        .isEqualTo(StatusCodes.Bad_UserAccessDenied);
                assertThat(call(client, "", "PrepareProduct", new Variant("P-3"))
                                .getStatusCode()
                                .getValue())
                        .isEqualTo(StatusCodes.Bad_UserAccessDenied);
            } finally {
                client.disconnect();
            }
        }
        assertThat(book.linkedRecipeId("station-r", "P-3")).isNull();
    }

    private static String model(Exchange e) {
        return e.getMessage().getBody(InspectionEvent.class).model().name();
    }
}
