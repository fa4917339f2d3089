package io.visionhub.outputs.opcua;

import io.visionhub.event.ModelRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.server.methods.MethodInvocationHandler;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaMethodNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaObjectNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;

/**
 * A station's RecipeManagement (OPC 40100-1 RecipeManagementType). In the hub a recipe is a model card:
 * {@code Recipes} lists the recipes of the {@link RecipeBook} (model folders under visionhub.opcua.recipes.dirs)
 * and the models the station's camera routes run, one RecipeType object per model name with Id, Version, Kind,
 * Hash (SHA-256 of the .onnx, hex, for models in use), Location (model folder), LinkedProducts and the methods
 * LinkProduct / UnlinkProduct; RecipeManagement itself offers UnlinkProduct, PrepareProduct and PrepareRecipe
 * ({@link RecipeMethods}). AddRecipe, RemoveRecipe, UnprepareRecipe, UnprepareProduct, GetRecipeListFiltered,
 * ReleaseRecipeHandle, Products and RecipeTransfer are not served (docs/opcua.md).
 */
final class RecipeNodes {

    /** A model in use by a station: its reference and its folder. */
    record Recipe(ModelRef ref, String location) {}

    /** What a recipe object shows; a change replaces the object. */
    private record View(String id, String version, String kind, String hash, String location) {}

    private final StationNamespace ns;
    private final MachineVisionTypes types;
    private final String station;
    private final String base;
    private final UaFolderNode recipes;
    private final Supplier<RecipeBook> book;
    private final RecipeMethods methods;
    private final Map<String, UaObjectNode> shown = new LinkedHashMap<>();
    private final Map<String, View> views = new LinkedHashMap<>();
    private final Map<String, UaVariableNode> linked = new LinkedHashMap<>();
    private Collection<Recipe> inUse = List.of();

    RecipeNodes(
            StationNamespace ns,
            MachineVisionTypes types,
            UaObjectNode stationNode,
            String base,
            String station,
            Supplier<RecipeBook> book,
            RecipeMethods methods) {
        this.ns = ns;
        this.types = types;
        this.station = station;
        this.book = book;
        this.methods = methods;
        this.base = base + "/RecipeManagement";
        UaObjectNode management = UaObjectNode.builder(ns.context())
                .setNodeId(ns.id(this.base))
                .setBrowseName(types.name("RecipeManagement"))
                .setDisplayName(LocalizedText.english("RecipeManagement"))
                .setTypeDefinition(types.id(MachineVisionTypes.RECIPE_MANAGEMENT_TYPE))
                .build();
        ns.context().getNodeManager().addNode(management);
        stationNode.addReference(new Reference(
                stationNode.getNodeId(),
                NodeIds.HasComponent,
                management.getNodeId().expanded(),
                true));
        method(
                management,
                this.base + "/UnlinkProduct",
                "UnlinkProduct",
                RecipeMethods.unlinkProductInputs(types),
                RecipeMethods.errorOutput(),
                withRefresh(methods.unlinkProduct()));
        method(
                management,
                this.base + "/PrepareProduct",
                "PrepareProduct",
                RecipeMethods.linkProductInputs(types),
                RecipeMethods.prepareProductOutputs(types),
                methods.prepareProduct());
        method(
                management,
                this.base + "/PrepareRecipe",
                "PrepareRecipe",
                RecipeMethods.prepareRecipeInputs(types),
                RecipeMethods.prepareRecipeOutputs(types),
                methods.prepareRecipe());
        recipes = new UaFolderNode(
                ns.context(), ns.id(this.base + "/Recipes"), types.name("Recipes"), LocalizedText.english("Recipes"));
        ns.context().getNodeManager().addNode(recipes);
        management.addReference(new Reference(
                management.getNodeId(),
                NodeIds.HasComponent,
                recipes.getNodeId().expanded(),
                true));
        refresh();
    }

    /** Shows the recipe book's recipes and exactly these models in use, replacing those gone. */
    synchronized void show(Collection<Recipe> models) {
        this.inUse = List.copyOf(models);
        refresh();
    }

    /** Shows the recipes again (after a link or unlink: LinkedProducts). */
    synchronized void refresh() {
        Map<String, View> next = new LinkedHashMap<>();
        RecipeBook b = book.get();
        if (b != null) {
            b.recipes()
                    .values()
                    .forEach(r -> next.put(
                            r.id(),
                            new View(
                                    r.id(),
                                    r.version(),
                                    r.kind(),
                                    null,
                                    r.location().toString())));
        }
        for (Recipe r : inUse) {
            ModelRef ref = r.ref();
            View known = next.get(ref.name());
            next.put(
                    ref.name(),
                    new View(
                            ref.name(),
                            ref.version(),
                            ref.kind(),
                            ref.sha256(),
                            known != null
                                            && known.version() != null
                                            && known.version().equals(ref.version())
                                    ? known.location()
                                    : r.location()));
        }
        for (String key : new ArrayList<>(shown.keySet())) {
            if (!views.get(key).equals(next.get(key))) {
                remove(key);
            }
        }
        for (Map.Entry<String, View> e : next.entrySet()) {
            if (!shown.containsKey(e.getKey())) {
                add(e.getValue());
            }
            List<String> products = b == null ? List.of() : b.linkedProducts(station, e.getKey());
            linked.get(e.getKey()).setValue(new DataValue(new Variant(products.toArray(String[]::new))));
        }
    }

    private void remove(String key) {
        UaObjectNode gone = shown.remove(key);
        views.remove(key);
        linked.remove(key);
        recipes.removeReference(new Reference(
                recipes.getNodeId(), NodeIds.Organizes, gone.getNodeId().expanded(), true));
        gone.getComponentNodes().forEach(n -> ns.context().getNodeManager().removeNode(n.getNodeId()));
        gone.getPropertyNodes().forEach(n -> ns.context().getNodeManager().removeNode(n.getNodeId()));
        ns.context().getNodeManager().removeNode(gone.getNodeId());
    }

    private void add(View v) {
        String id = base + "/Recipes/" + v.id();
        UaObjectNode recipe = UaObjectNode.builder(ns.context())
                .setNodeId(ns.id(id))
                .setBrowseName(ns.qualified(v.id()))
                .setDisplayName(LocalizedText.english(v.id()))
                .setTypeDefinition(types.id(MachineVisionTypes.RECIPE_TYPE))
                .build();
        ns.context().getNodeManager().addNode(recipe);
        recipes.addReference(new Reference(
                recipes.getNodeId(), NodeIds.Organizes, recipe.getNodeId().expanded(), true));
        property(recipe, id, "Id", v.id());
        property(recipe, id, "Version", v.version());
        property(recipe, id, "Kind", v.kind());
        property(recipe, id, "Hash", v.hash());
        property(recipe, id, "HashAlgorithm", v.hash() == null ? null : "SHA-256");
        property(recipe, id, "Location", v.location());
        UaVariableNode products = property(recipe, id, "LinkedProducts", null);
        products.setValueRank(1);
        products.setArrayDimensions(new UInteger[] {UInteger.valueOf(0)});
        products.setBrowseName(types.name("LinkedProducts"));
        method(
                recipe,
                id + "/LinkProduct",
                "LinkProduct",
                RecipeMethods.linkProductInputs(types),
                RecipeMethods.errorOutput(),
                withRefresh(methods.linkProduct(v.id())));
        method(
                recipe,
                id + "/UnlinkProduct",
                "UnlinkProduct",
                RecipeMethods.linkProductInputs(types),
                RecipeMethods.errorOutput(),
                withRefresh(methods.unlinkProductOfRecipe(v.id())));
        shown.put(v.id(), recipe);
        views.put(v.id(), v);
        linked.put(v.id(), products);
    }

    private MethodInvocationHandler withRefresh(MethodInvocationHandler h) {
        return (ctx, req) -> {
            var result = h.invoke(ctx, req);
            refresh();
            return result;
        };
    }

    private void method(
            UaObjectNode parent,
            String id,
            String name,
            Argument[] in,
            Argument[] out,
            MethodInvocationHandler handler) {
        UaMethodNode node = UaMethodNode.builder(ns.context())
                .setNodeId(ns.id(id))
                .setBrowseName(types.name(name))
                .setDisplayName(LocalizedText.english(name))
                .build();
        node.setInputArguments(in);
        node.setOutputArguments(out);
        node.setInvocationHandler(handler);
        ns.context().getNodeManager().addNode(node);
        parent.addReference(new Reference(
                parent.getNodeId(), NodeIds.HasComponent, node.getNodeId().expanded(), true));
    }

    private UaVariableNode property(UaNode parent, String id, String name, String value) {
        NodeId nodeId = ns.id(id + "/" + name);
        UaVariableNode node = new UaVariableNode.UaVariableNodeBuilder(ns.context())
                .setNodeId(nodeId)
                .setAccessLevel(AccessLevel.READ_ONLY)
                .setUserAccessLevel(AccessLevel.READ_ONLY)
                .setBrowseName(ns.qualified(name))
                .setDisplayName(LocalizedText.english(name))
                .setDataType(NodeIds.String)
                .setTypeDefinition(NodeIds.PropertyType)
                .build();
        node.setValue(new DataValue(value == null ? Variant.NULL_VALUE : new Variant(value)));
        ns.context().getNodeManager().addNode(node);
        parent.addReference(new Reference(parent.getNodeId(), NodeIds.HasProperty, nodeId.expanded(), true));
        return node;
    }
}
