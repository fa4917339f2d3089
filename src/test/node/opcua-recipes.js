// Independent OPC UA client (node-opcua) for OpcUaNodeOpcuaRecipesTest: finds RecipeManagement and a recipe by the
// OPC 40100-1 browse names, builds ProductIdDataType and RecipeIdInternalDataType from the server's
// DataTypeDefinitions, links a product to a recipe as a user, prepares the product, tries an unknown recipe, and
// tries the same link anonymously.
// usage: node opcua-recipes.js <endpointUrl> <station> <recipe> <product> <user> <password>
// Prints: LINK <status> <error>, PREPARE <status> <InternalId as JSON>, UNKNOWN <status>, ANONYMOUS <status>; exit 0.
"use strict";
const {
  OPCUAClient, MessageSecurityMode, SecurityPolicy, DataType, NodeId, NodeIdType, makeBrowsePath, UserTokenType,
} = require("node-opcua");

async function main() {
  const [endpointUrl, station, recipe, product, userName, password] = process.argv.slice(2);
  const client = OPCUAClient.create({
    applicationName: "VisionHubNodeOpcuaRecipesTest",
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
  });
  await client.connect(endpointUrl);
  const user = await client.createSession({ type: UserTokenType.UserName, userName, password });
  const namespaces = await user.readNamespaceArray();
  const ns = namespaces.indexOf("urn:visionhub:stations");
  const mv = namespaces.indexOf("http://opcfoundation.org/UA/MachineVision");
  const stationId = `ns=${ns};s=Stations/${station}`;

  // components by their specification names; the recipe object by its name under Recipes
  const paths = await user.translateBrowsePath([
    makeBrowsePath(stationId, `/${mv}:RecipeManagement`),
    makeBrowsePath(stationId, `/${mv}:RecipeManagement/${mv}:Recipes/${ns}:${recipe}`),
    makeBrowsePath(stationId, `/${mv}:RecipeManagement/${mv}:Recipes/${ns}:${recipe}.${mv}:LinkProduct`),
    makeBrowsePath(stationId, `/${mv}:RecipeManagement.${mv}:PrepareProduct`),
    makeBrowsePath(stationId, `/${mv}:RecipeManagement.${mv}:UnlinkProduct`),
  ]);
  const [management, recipeObject, linkProduct, prepareProduct, unlinkProduct] =
    paths.map((p) => (p.targets && p.targets.length ? p.targets[0].targetId : null));
  if (paths.some((p) => !p.targets || !p.targets.length)) {
    console.log("BROWSEPATHS " + paths.map((p) => p.statusCode.toString()).join(","));
  }
  const productId = await user.constructExtensionObject(new NodeId(NodeIdType.NUMERIC, 3003, mv), { id: product });
  const wrongRecipe = await user.constructExtensionObject(new NodeId(NodeIdType.NUMERIC, 3013, mv), { id: "no-such-recipe" });
  const productArg = { dataType: DataType.ExtensionObject, value: productId };

  const link = await user.call({ objectId: recipeObject, methodId: linkProduct, inputArguments: [productArg] });
  console.log("LINK " + link.statusCode.name + " " + (link.outputArguments.length ? link.outputArguments[0].value : "-"));
  const prepare = await user.call({ objectId: management, methodId: prepareProduct, inputArguments: [productArg] });
  const internalId = prepare.outputArguments.length ? prepare.outputArguments[0].value : null;
  console.log("PREPARE " + prepare.statusCode.name + " "
    + JSON.stringify(internalId && internalId.toJSON ? internalId.toJSON() : internalId));
  const unknown = await user.call({ objectId: management, methodId: unlinkProduct, inputArguments: [
    { dataType: DataType.ExtensionObject, value: wrongRecipe }, productArg] });
  console.log("UNKNOWN " + unknown.statusCode.name);
  await user.close();

  const anonymous = await client.createSession();
  const refused = await anonymous.call({ objectId: recipeObject, methodId: linkProduct, inputArguments: [productArg] });
  console.log("ANONYMOUS " + refused.statusCode.name);
  await anonymous.close();
  await client.disconnect();
  process.exit(0);
}

main().catch((e) => {
  console.log("FAILED " + (e && e.stack ? e.stack : e));
  process.exit(1);
});
