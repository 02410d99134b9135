/**
 * The s20 daemon as an MQTT bridge, with Home Assistant discovery (`s20 serve --mqtt URL`, or an
 * `mqtt:` section in the config file). Topics follow zigbee2mqtt:
 *
 * - `s20/bridge/state`: `online`/`offline`, retained (the broker's will sets `offline`);
 * - `s20/<alias or mac>`: retained JSON state; `…/availability`: `online`/`offline`;
 * - `s20/<…>/set`: `ON`, `OFF`, `TOGGLE` or JSON; `s20/<…>/get`: read again;
 * - `s20/<…>/event`: button presses and reboots.
 *
 * @example Bridge emulated sockets to a broker on this machine
 * ```ts ignore
 * import { S20Client } from "@s20/s20";
 * import { CommandTracker, MqttBridge } from "@s20/s20/mqtt";
 *
 * const tracker = new CommandTracker();
 * await using client = tracker.wrap(new S20Client());
 * await using bridge = new MqttBridge({
 *   url: "mqtt://127.0.0.1:1883",
 *   username: "s20",
 *   password: Deno.env.get("S20_MQTT_PASSWORD")!,
 *   controller: client,
 *   tracker,
 *   sockets: () => Promise.resolve([{ alias: "desk", socket: client.socket("ac:cf:23:24:19:c0") }]),
 * });
 * await bridge.start();
 * ```
 *
 * @module
 */
export {
  type BridgeLogEntry,
  type BridgeSchedule,
  type BridgeSocket,
  MqttBridge,
  type MqttBridgeOptions,
  redactUrl,
} from "./bridge.ts";
export { CommandTracker } from "./command_tracker.ts";
export {
  type DiscoveredDevice,
  type DiscoveryMessage,
  discoveryMessages,
  ENTITIES,
  objectIdOf,
} from "./discovery.ts";
export {
  MAX_COMMAND_BYTES,
  parseSetPayload,
  type SetCommand,
  type SetParse,
  type SocketEventPayload,
  type SocketStatePayload,
} from "./payloads.ts";
export {
  BridgeTopics,
  macHex,
  nodeIdOf,
  socketLevel,
  type SocketTopicKind,
  topicPrefixProblem,
} from "./topics.ts";
