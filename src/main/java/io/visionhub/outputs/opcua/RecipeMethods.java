package io.visionhub.outputs.opcua;

import static io.visionhub.outputs.opcua.MachineVisionTypes.PRODUCT_ID_DATA_TYPE;
import static io.visionhub.outputs.opcua.MachineVisionTypes.RECIPE_ID_EXTERNAL_DATA_TYPE;
import static io.visionhub.outputs.opcua.MachineVisionTypes.RECIPE_ID_INTERNAL_DATA_TYPE;

import io.visionhub.api.ApiRoles;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.milo.opcua.sdk.server.AccessContext;
import org.eclipse.milo.opcua.sdk.server.identity.Identity;
import org.eclipse.milo.opcua.sdk.server.methods.MethodInvocationHandler;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DiagnosticInfo;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExtensionObject;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.structured.Argument;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.CallMethodResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OPC 40100-1 recipe methods of one station over the {@link RecipeBook}: {@code LinkProduct(ProductId)} and
 * {@code UnlinkProduct(ProductId)} on each recipe object, and on RecipeManagement {@code UnlinkProduct(InternalId,
 * ProductId)}, {@code PrepareProduct(ProductId) -> (InternalId, Error)} and {@code PrepareRecipe(ExternalId,
 * InternalIdIn) -> (InternalIdOut, IsCompleted, Error)}. Arguments and types are the NodeSet's.
 *
 * <p>Only a user who logged in with a user name and holds one of {@link #ROLES} may call them (they change what
 * judges the parts): anonymous and other users get Bad_UserAccessDenied. An unknown recipe id, or a product without
 * a recipe, answers Bad_NotFound; a malformed argument Bad_InvalidArgument; each refusal is logged with its reason.
 */
final class RecipeMethods {

    /** Roles allowed to link, unlink and prepare recipes (visionhub.opcua.users[].roles). */
    static final List<String> ROLES = List.of(ApiRoles.QUALITY, ApiRoles.ADMIN);

    private static final Logger LOG = LoggerFactory.getLogger(RecipeMethods.class);

    private final String station;
    private final MachineVisionTypes types;
    private final Supplier<RecipeBook> book;
    private final Map<String, List<String>> userRoles;

    RecipeMethods(
            String station, MachineVisionTypes types, Supplier<RecipeBook> book, Map<String, List<String>> userRoles) {
        this.station = station;
        this.types = types;
        this.book = book;
        this.userRoles = Map.copyOf(userRoles);
    }

    static Argument[] linkProductInputs(MachineVisionTypes t) {
        return new Argument[] {arg("ProductId", t.id(PRODUCT_ID_DATA_TYPE))};
    }

    static Argument[] errorOutput() {
        return new Argument[] {arg("Error", NodeIds.Int32)};
    }

    static Argument[] unlinkProductInputs(MachineVisionTypes t) {
        return new Argument[] {
            arg("InternalId", t.id(RECIPE_ID_INTERNAL_DATA_TYPE)), arg("ProductId", t.id(PRODUCT_ID_DATA_TYPE))
        };
    }

    static Argument[] prepareProductOutputs(MachineVisionTypes t) {
        return new Argument[] {arg("InternalId", t.id(RECIPE_ID_INTERNAL_DATA_TYPE)), arg("Error", NodeIds.Int32)};
    }

    static Argument[] prepareRecipeInputs(MachineVisionTypes t) {
        return new Argument[] {
            arg("ExternalId", t.id(RECIPE_ID_EXTERNAL_DATA_TYPE)),
            arg("InternalIdIn", t.id(RECIPE_ID_INTERNAL_DATA_TYPE))
        };
    }

    static Argument[] prepareRecipeOutputs(MachineVisionTypes t) {
        return new Argument[] {
            arg("InternalIdOut", t.id(RECIPE_ID_INTERNAL_DATA_TYPE)),
            arg("IsCompleted", NodeIds.Boolean),
            arg("Error", NodeIds.Int32)
        };
    }

    private static Argument arg(String name, NodeId type) {
        return new Argument(name, type, -1, null, LocalizedText.NULL_VALUE);
    }

    /** RecipeType.LinkProduct of the recipe with this id. */
    MethodInvocationHandler linkProduct(String recipeId) {
        return (ctx, req) -> call(ctx, req, 1, (user, in) -> {
            String product = product(in[0]);
            book().link(station, product, recipeId, user);
            return new Variant[] {new Variant(0)};
        });
    }

    /** RecipeType.UnlinkProduct of the recipe with this id. */
    MethodInvocationHandler unlinkProductOfRecipe(String recipeId) {
        return (ctx, req) -> call(ctx, req, 1, (user, in) -> {
            book().unlink(station, product(in[0]), recipeId, user);
            return new Variant[] {new Variant(0)};
        });
    }

    /** RecipeManagementType.UnlinkProduct(InternalId, ProductId). */
    MethodInvocationHandler unlinkProduct() {
        return (ctx, req) -> call(ctx, req, 2, (user, in) -> {
            String recipe = recipeId("InternalId", in[0]);
            book().unlink(station, product(in[1]), recipe, user);
            return new Variant[] {new Variant(0)};
        });
    }

    /** RecipeManagementType.PrepareProduct(ProductId): loads the product's recipe, answers its InternalId. */
    MethodInvocationHandler prepareProduct() {
        return (ctx, req) -> call(ctx, req, 1, (user, in) -> {
            RecipeBook.Recipe r = book().prepareProduct(station, product(in[0]));
            return new Variant[] {new Variant(internalId(r)), new Variant(0)};
        });
    }

    /** RecipeManagementType.PrepareRecipe(ExternalId, InternalIdIn): loads the recipe's model. */
    MethodInvocationHandler prepareRecipe() {
        return (ctx, req) -> call(ctx, req, 2, (user, in) -> {
            String id = ResultDataTypeCodec.binaryIdOf(in[1].getValue());
            if (id == null) {
                id = ResultDataTypeCodec.binaryIdOf(in[0].getValue());
            }
            if (id == null) {
                throw new IllegalArgumentException(
                        "give the recipe id as InternalIdIn (or ExternalId): {Id: <model name>}");
            }
            RecipeBook.Recipe r = book().prepareRecipe(id);
            return new Variant[] {new Variant(internalId(r)), new Variant(true), new Variant(0)};
        });
    }

    ExtensionObject internalId(RecipeBook.Recipe r) {
        return ResultDataTypeCodec.encodeRecipeId(r.id(), r.version(), types);
    }

    private RecipeBook book() {
        RecipeBook b = book.get();
        if (b == null) {
            throw new IllegalStateException("no recipe book is configured (visionhub.opcua.recipes)");
        }
        return b;
    }

    private static String product(Variant v) {
        String id;
        try {
            id = ResultDataTypeCodec.idOf(v.getValue(), true);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("ProductId: " + e.getMessage());
        }
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("ProductId is empty: give the product id the MES pushes as product");
        }
        return id;
    }

    private static String recipeId(String name, Variant v) {
        String id;
        try {
            id = ResultDataTypeCodec.binaryIdOf(v.getValue());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage());
        }
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException(name + " is empty: give the recipe id {Id: <model name>}");
        }
        return id;
    }

    private interface Body {
        Variant[] apply(String user, Variant[] in);
    }

    private CallMethodResult call(AccessContext ctx, CallMethodRequest req, int inputs, Body body) {
        String method = req.getMethodId().getIdentifier().toString();
        String user = ctx.getSession()
                .map(s -> s.getIdentity() instanceof Identity.UsernameIdentity u ? u.getUsername() : null)
                .orElse(null);
        if (user == null) {
            LOG.warn(
                    "OPC UA {} at station {} refused: anonymous session; recipe methods need a user with one of "
                            + "the roles {}",
                    method,
                    station,
                    ROLES);
            return bad(StatusCodes.Bad_UserAccessDenied);
        }
        if (userRoles.getOrDefault(user, List.of()).stream().noneMatch(ROLES::contains)) {
            LOG.warn(
                    "OPC UA {} at station {} refused: user {} lacks a role for it (needs one of {}, has {})",
                    method,
                    station,
                    user,
                    ROLES,
                    userRoles.getOrDefault(user, List.of()));
            return bad(StatusCodes.Bad_UserAccessDenied);
        }
        Variant[] in = req.getInputArguments() == null ? new Variant[0] : req.getInputArguments();
        if (in.length < inputs) {
            return bad(StatusCodes.Bad_ArgumentsMissing);
        }
        if (in.length > inputs) {
            return bad(StatusCodes.Bad_TooManyArguments);
        }
        try {
            return new CallMethodResult(
                    StatusCode.GOOD, new StatusCode[0], new DiagnosticInfo[0], body.apply(user, in));
        } catch (RecipeBook.UnknownRecipe e) {
            LOG.info("OPC UA {} at station {} by {} refused: {}", method, station, user, e.getMessage());
            return bad(StatusCodes.Bad_NotFound);
        } catch (IllegalArgumentException e) {
            LOG.info("OPC UA {} at station {} by {} refused: {}", method, station, user, e.getMessage());
            return bad(StatusCodes.Bad_InvalidArgument);
        } catch (RuntimeException e) {
            LOG.warn("OPC UA {} at station {} by {} failed, nothing changed: {}", method, station, user, e.toString());
            return bad(StatusCodes.Bad_InternalError);
        }
    }

    private static CallMethodResult bad(long code) {
        return new CallMethodResult(new StatusCode(code), null, null, null);
    }
}
