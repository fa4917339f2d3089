package io.visionhub.outputs.opcua;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.visionhub.vision.component.ModelSelector;
import io.visionhub.vision.model.ModelCard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's recipes (OPC 40100-1 RecipeManagement, where a recipe is a model card) and, per station, which recipe
 * each product is inspected with. Recipes are the model folders (a {@code model.yaml} beside its .onnx) under the
 * configured folders ({@code visionhub.opcua.recipes.dirs}, default {@code models}); a recipe's id is its card's
 * name. A product linked to a recipe at a station is inspected with that recipe's model whenever the line's
 * production context names the product (the vision component asks this {@link ModelSelector} per frame); a
 * product without a link is inspected with the route's own model.
 *
 * <p>Each link and unlink is a decision of a logged-in person: it is recorded (in the ledger, record type
 * {@value #RECORD_TYPE}) before it takes effect, and kept in a JSON file so that a restart keeps it.
 */
public class RecipeBook implements ModelSelector {

    public static final String RECORD_TYPE = "RECIPE_PRODUCT_LINK";
    private static final Logger LOG = LoggerFactory.getLogger(RecipeBook.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A recipe: a model folder known to the hub. */
    public record Recipe(String id, String version, String kind, Path location) {}

    /** A decision to record before it takes effect (station, product, recipe, user, action). */
    public record Decision(String action, String station, String productId, Recipe recipe, String user, Instant at) {}

    /** Where decisions are recorded; throws when it could not (the decision then does not take effect). */
    @FunctionalInterface
    public interface Recorder {
        void record(Decision decision);
    }

    /** A recipe id or product that is not known, with the message that says so. */
    public static final class UnknownRecipe extends RuntimeException {
        public UnknownRecipe(String message) {
            super(message);
        }
    }

    private final List<Path> dirs;
    private final Path linksFile;
    private final BiFunction<String, Instant, String> productOnLine;
    private final Recorder recorder;
    private volatile Consumer<Path> preparer = p -> {};
    /** station -> product -> recipe id; guarded by this for changes, read without lock. */
    private final Map<String, Map<String, String>> links = new ConcurrentHashMap<>();
    /** Recipes as last listed, by id: the per-frame look-up reads no disk. */
    private final Map<String, Recipe> known = new ConcurrentHashMap<>();

    /**
     * @param dirs          folders whose sub-folders with a model.yaml are the recipes
     * @param linksFile     JSON file keeping the links across restarts
     * @param productOnLine the product of a line's production context at an instant (null when none)
     * @param recorder      records each decision before it takes effect
     */
    public RecipeBook(
            List<Path> dirs, Path linksFile, BiFunction<String, Instant, String> productOnLine, Recorder recorder) {
        this.dirs = List.copyOf(dirs);
        this.linksFile = linksFile;
        this.productOnLine = productOnLine;
        this.recorder = recorder;
        load();
    }

    /** Loads a recipe's model so that switching to it costs nothing on the line (e.g. the vision component's cache). */
    public void preparer(Consumer<Path> preparer) {
        this.preparer = preparer == null ? p -> {} : preparer;
    }

    /** The recipes now on disk, by id (sorted). A folder whose card cannot be read is skipped and logged. */
    public Map<String, Recipe> recipes() {
        Map<String, Recipe> out = new TreeMap<>();
        for (Path dir : dirs) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> folders = Files.list(dir)) {
                for (Path folder : folders.filter(f -> Files.isRegularFile(f.resolve(ModelCard.CARD_FILE)))
                        .sorted()
                        .toList()) {
                    try {
                        ModelCard card = ModelCard.read(folder.resolve(ModelCard.CARD_FILE));
                        Recipe r = new Recipe(
                                card.name(),
                                card.version(),
                                card.kind(),
                                folder.toAbsolutePath().normalize());
                        Recipe before = out.putIfAbsent(r.id(), r);
                        if (before != null && !before.location().equals(r.location())) {
                            LOG.warn(
                                    "Recipe {} is in {} and in {}: {} is used; give the model cards different names",
                                    r.id(),
                                    before.location(),
                                    r.location(),
                                    before.location());
                        }
                    } catch (RuntimeException e) {
                        LOG.warn("Model folder {} is not offered as a recipe: {}", folder, e.getMessage());
                    }
                }
            } catch (IOException e) {
                LOG.warn("Recipe folder {} cannot be listed: {}", dir, e.getMessage());
            }
        }
        known.putAll(out);
        return out;
    }

    /** The recipe with this id; {@link UnknownRecipe} naming the known ones when there is none. */
    public Recipe recipe(String id) {
        Map<String, Recipe> all = recipes();
        Recipe r = id == null ? null : all.get(id);
        if (r == null) {
            throw new UnknownRecipe(
                    "no recipe '" + id + "': the recipes are the model cards under " + dirs + ": " + all.keySet());
        }
        return r;
    }

    /** Links the product to the recipe at the station (replacing its previous link), recorded first. */
    public synchronized Recipe link(String station, String productId, String recipeId, String user) {
        requireProduct(productId);
        Recipe r = recipe(recipeId);
        preparer.accept(r.location()); // a model that cannot load is refused here, not on the line
        recorder.record(new Decision("LINKED", station, productId, r, user, Instant.now()));
        links.computeIfAbsent(station, s -> new ConcurrentHashMap<>()).put(productId, r.id());
        save();
        LOG.info(
                "Recipe {} {} ({}) linked to product {} at station {} by {}",
                r.id(),
                r.version(),
                r.location(),
                productId,
                station,
                user);
        return r;
    }

    /** Removes the product's link to this recipe at the station, recorded first. */
    public synchronized void unlink(String station, String productId, String recipeId, String user) {
        requireProduct(productId);
        String linked = linkedRecipeId(station, productId);
        if (linked == null || !linked.equals(recipeId)) {
            throw new UnknownRecipe("product '" + productId + "' is not linked to recipe '" + recipeId + "' at station "
                    + station + (linked == null ? " (it has no recipe)" : " (its recipe is '" + linked + "')"));
        }
        Recipe r = recipes().getOrDefault(recipeId, new Recipe(recipeId, null, null, null));
        recorder.record(new Decision("UNLINKED", station, productId, r, user, Instant.now()));
        links.get(station).remove(productId);
        save();
        LOG.info("Recipe {} unlinked from product {} at station {} by {}", recipeId, productId, station, user);
    }

    /** Loads the recipe linked to the product at the station and returns it; {@link UnknownRecipe} when none. */
    public Recipe prepareProduct(String station, String productId) {
        requireProduct(productId);
        String id = linkedRecipeId(station, productId);
        if (id == null) {
            throw new UnknownRecipe("product '" + productId + "' has no recipe at station " + station
                    + ": link one first (LinkProduct on a recipe)");
        }
        Recipe r = recipe(id);
        preparer.accept(r.location());
        return r;
    }

    /** Loads the recipe's model. */
    public Recipe prepareRecipe(String recipeId) {
        Recipe r = recipe(recipeId);
        preparer.accept(r.location());
        return r;
    }

    /** The recipe id linked to the product at the station, or null. */
    public String linkedRecipeId(String station, String productId) {
        Map<String, String> byProduct = links.get(station);
        return byProduct == null || productId == null ? null : byProduct.get(productId);
    }

    /** The products linked to the recipe at the station (sorted). */
    public List<String> linkedProducts(String station, String recipeId) {
        Map<String, String> byProduct = links.getOrDefault(station, Map.of());
        return byProduct.entrySet().stream()
                .filter(e -> e.getValue().equals(recipeId))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    @Override
    public String modelFor(String station, String line, Instant captureTime) {
        Map<String, String> byProduct = links.get(station);
        if (byProduct == null || byProduct.isEmpty()) {
            return null;
        }
        String product = productOnLine.apply(line, captureTime == null ? Instant.now() : captureTime);
        String id = product == null ? null : byProduct.get(product);
        if (id == null) {
            return null;
        }
        Optional<Recipe> r = Optional.ofNullable(known.get(id))
                .or(() -> Optional.ofNullable(recipes().get(id)));
        if (r.isEmpty()) {
            LOG.warn(
                    "Recipe {} linked to product {} at station {} is no longer on disk: the route's model is used",
                    id,
                    product,
                    station);
            return null;
        }
        return r.get().location().toString();
    }

    private static void requireProduct(String productId) {
        if (productId == null || productId.isBlank()) {
            throw new IllegalArgumentException("ProductId is empty: give the product id the MES pushes as product");
        }
    }

    private void load() {
        if (linksFile == null || !Files.isRegularFile(linksFile)) {
            return;
        }
        try {
            Map<String, Map<String, String>> read = JSON.readValue(linksFile.toFile(), new TypeReference<>() {});
            read.forEach((station, byProduct) -> links.put(station, new ConcurrentHashMap<>(byProduct)));
            LOG.info("Recipe links of {} station(s) read from {}", links.size(), linksFile.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read the recipe links " + linksFile.toAbsolutePath() + ": "
                            + e.getMessage() + " (fix or remove the file; the ledger holds every link as "
                            + RECORD_TYPE + ")",
                    e);
        }
    }

    private void save() {
        if (linksFile == null) {
            return;
        }
        Map<String, Map<String, String>> out = new TreeMap<>();
        links.forEach((station, byProduct) -> out.put(station, new TreeMap<>(byProduct)));
        try {
            Path dir = linksFile.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "recipe-links", ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), out);
            Files.move(tmp, linksFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write the recipe links " + linksFile.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** The decision as the ledger record's body. */
    public static Map<String, Object> body(Decision d) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action", d.action());
        body.put("station", d.station());
        body.put("productId", d.productId());
        body.put("recipeId", d.recipe().id());
        if (d.recipe().version() != null) {
            body.put("recipeVersion", d.recipe().version());
        }
        if (d.recipe().location() != null) {
            body.put("location", d.recipe().location().toString());
        }
        body.put("user", d.user());
        body.put("decidedAt", d.at().toString());
        body.put("via", "opcua");
        return body;
    }

    List<Path> dirs() {
        return new ArrayList<>(dirs);
    }
}
