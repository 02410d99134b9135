/**
 * The MQTT bridge's npm dependency, pinned once. A full `npm:` specifier (not an import map) so
 * that a script importing this module by URL resolves it without our deno.json.
 */

// MQTT.js: the reference JavaScript client (MQTT 3.1.1 and 5, TLS, will, QoS 1 and 2).
export {
  connect as mqttConnect,
  type IClientOptions,
  type IClientPublishOptions,
  type MqttClient,
} from "npm:mqtt@5.16.0";
