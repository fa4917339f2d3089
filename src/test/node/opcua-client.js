// Independent OPC UA client (node-opcua) used by OpcUaNodeOpcuaClientTest.
// usage: node opcua-client.js <endpointUrl> <user> <password> <pkiDir> <station>
// Prints: BROWSE <names>, READY (event subscription active), EVENT <message>, READ <partId>, then exits 0.
// Exit 3 when the server refuses this client's certificate (it is then in the server's rejected/certs).
"use strict";
const {
  OPCUAClient, MessageSecurityMode, SecurityPolicy, AttributeIds, UserTokenType, ClientSubscription,
  ClientMonitoredItem, TimestampsToReturn, constructEventFilter, OPCUACertificateManager,
} = require("node-opcua");

async function main() {
  const [endpointUrl, userName, password, pkiDir, station] = process.argv.slice(2);
  const certificateManager = new OPCUACertificateManager({
    rootFolder: pkiDir, automaticallyAcceptUnknownCertificate: true,
  });
  const client = OPCUAClient.create({
    applicationName: "VisionHubNodeOpcuaTest",
    applicationUri: "urn:visionhub:test:node-opcua",
    securityMode: MessageSecurityMode.SignAndEncrypt,
    securityPolicy: SecurityPolicy.Basic256Sha256,
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    clientCertificateManager: certificateManager,
  });
  try {
    await client.connect(endpointUrl);
  } catch (e) {
    console.log("REJECTED " + e.message);
    process.exit(3);
  }
  let session;
  try {
    session = await client.createSession({ type: UserTokenType.UserName, userName, password });
  } catch (e) {
    console.log("REJECTED " + e.message);
    await client.disconnect();
    process.exit(3);
  }
  const namespaces = await session.readNamespaceArray();
  const ns = namespaces.indexOf("urn:visionhub:stations");
  const browsed = await session.browse(`ns=${ns};s=Stations/${station}`);
  console.log("BROWSE " + browsed.references.map((r) => r.browseName.name).join(","));

  const subscription = ClientSubscription.create(session, {
    requestedPublishingInterval: 50, requestedMaxKeepAliveCount: 20, requestedLifetimeCount: 200,
    maxNotificationsPerPublish: 100, publishingEnabled: true, priority: 1,
  });
  const item = ClientMonitoredItem.create(subscription,
    { nodeId: "i=2253", attributeId: AttributeIds.EventNotifier },
    { samplingInterval: 0, queueSize: 100, discardOldest: true,
      filter: constructEventFilter(["EventType", "SourceName", "Message"]) },
    TimestampsToReturn.Neither);
  const event = new Promise((resolve) => item.on("changed", (values) => resolve(values)));
  await new Promise((resolve) => item.once("initialized", resolve));
  console.log("READY");
  const values = await Promise.race([event, new Promise((_, reject) => setTimeout(() => reject(new Error("no event in 20 s")), 20000))]);
  console.log("EVENT " + values[1].value + " " + values[2].value.text);
  const dv = await session.read({ nodeId: `ns=${ns};s=Stations/${station}/LastResult/PartId`, attributeId: AttributeIds.Value });
  console.log("READ " + dv.value.value);
  await subscription.terminate();
  await session.close();
  await client.disconnect();
  process.exit(0);
}

main().catch((e) => {
  console.log("ERROR " + (e && e.stack ? e.stack : e));
  process.exit(1);
});
