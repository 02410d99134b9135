/** Pins `@s20/s20/mqtt` (the MQTT bridge): a new or removed export is a deliberate change. */
import assert from "node:assert/strict";
import { exportedNames } from "../helpers/public_surface.ts";

Deno.test("lib/mqtt/mod.ts exports exactly the documented values and types", async () => {
  const { values, types } = await exportedNames("lib/mqtt/mod.ts");
  assert.deepEqual(values, [
    "BridgeTopics",
    "CommandTracker",
    "ENTITIES",
    "MAX_COMMAND_BYTES",
    "MqttBridge",
    "discoveryMessages",
    "macHex",
    "nodeIdOf",
    "objectIdOf",
    "parseSetPayload",
    "redactUrl",
    "socketLevel",
    "topicPrefixProblem",
  ]);
  assert.deepEqual(types, [
    "BridgeLogEntry",
    "BridgeSchedule",
    "BridgeSocket",
    "DiscoveredDevice",
    "DiscoveryMessage",
    "MqttBridgeOptions",
    "SetCommand",
    "SetParse",
    "SocketEventPayload",
    "SocketStatePayload",
    "SocketTopicKind",
  ]);
});
