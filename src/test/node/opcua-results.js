// Independent OPC UA client (node-opcua) for OpcUaNodeOpcuaResultsTest: finds ResultManagement by the
// OPC 40100-1 browse names, builds a ResultIdDataType from the server's DataTypeDefinition, calls GetResultById
// and prints the decoded ResultDataType.
// usage: node opcua-results.js <endpointUrl> <station> <resultId>
// Prints: BROWSE <names of ResultManagement's components>, RESULT <ResultDataType as JSON>, ERROR <code>,
// LASTRESULT <[ResultId, PartId, ResultState] of ResultManagement/Results/LastResult as JSON>,
// SYSTEMSTATE <SystemStateDescriptionDataType as JSON>; exit 0.
"use strict";
const {
  OPCUAClient, MessageSecurityMode, SecurityPolicy, DataType, NodeId, NodeIdType, makeBrowsePath, AttributeIds,
} = require("node-opcua");

async function main() {
  const [endpointUrl, station, resultId] = process.argv.slice(2);
  const client = OPCUAClient.create({
    applicationName: "VisionHubNodeOpcuaResultsTest",
    securityMode: MessageSecurityMode.None,
    securityPolicy: SecurityPolicy.None,
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
  });
  await client.connect(endpointUrl);
  const session = await client.createSession();
  const namespaces = await session.readNamespaceArray();
  const ns = namespaces.indexOf("urn:visionhub:stations");
  const mv = namespaces.indexOf("http://opcfoundation.org/UA/MachineVision");
  const stationId = `ns=${ns};s=Stations/${station}`;

  // find the components by their specification names, as a client that knows only OPC 40100-1 would
  const paths = await session.translateBrowsePath([
    makeBrowsePath(stationId, `/${mv}:ResultManagement`),
    makeBrowsePath(stationId, `/${mv}:ResultManagement.${mv}:GetResultById`),
    makeBrowsePath(stationId, `/${mv}:SystemState`),
  ]);
  const management = paths[0].targets[0].targetId;
  const method = paths[1].targets[0].targetId;
  const browsed = await session.browse(management);
  console.log("BROWSE " + browsed.references.map((r) => r.browseName.name).join(","));

  const resultIdType = new NodeId(NodeIdType.NUMERIC, 3021, mv);
  const id = await session.constructExtensionObject(resultIdType, { id: resultId });
  const call = await session.call({
    objectId: management,
    methodId: method,
    inputArguments: [
      { dataType: DataType.ExtensionObject, value: id },
      { dataType: DataType.Int32, value: 1000 },
    ],
  });
  if (call.statusCode.value !== 0) {
    console.log("STATUS " + call.statusCode.toString());
  } else {
    const result = call.outputArguments[1].value;
    const r = result && result.toJSON ? result.toJSON() : result;
    console.log("TYPE " + (result && result.constructor ? result.constructor.name : typeof result));
    console.log("RESULT " + JSON.stringify(r));
    console.log("ERROR " + call.outputArguments[2].value);
  }
  // the last published result's ResultType components, by their specification names
  const components = await session.translateBrowsePath(["ResultId", "PartId", "ResultState"].map((c) =>
    makeBrowsePath(stationId, `/${mv}:ResultManagement/${mv}:Results/${ns}:LastResult/${mv}:${c}`)));
  const values = await session.read(components.map((p) => ({
    nodeId: p.targets[0].targetId, attributeId: AttributeIds.Value })));
  console.log("LASTRESULT " + JSON.stringify(values.map((v) => {
    const x = v.value.value;
    return x && x.toJSON ? x.toJSON() : x;
  })));
  const systemState = await session.read({ nodeId: paths[2].targets[0].targetId, attributeId: AttributeIds.Value });
  const state = systemState.value.value;
  console.log("SYSTEMSTATE " + JSON.stringify(state && state.toJSON ? state.toJSON() : state));
  await session.close();
  await client.disconnect();
  process.exit(0);
}

main().catch((e) => {
  console.log("FAILED " + (e && e.stack ? e.stack : e));
  process.exit(1);
});
