/**
 * Discovery payloads against the keys Home Assistant's MQTT switch, event and sensor platforms
 * document (tests/fixtures/mqtt/ha_mqtt_keys.json), and against the expected config of each
 * entity of one socket (tests/fixtures/mqtt/discovery_desk.json).
 */
import assert from "node:assert/strict";
import { Mac } from "../../mod.ts";
import { BridgeTopics, discoveryMessages, nodeIdOf, socketLevel } from "../../lib/mqtt/mod.ts";

const KEYS = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/mqtt/ha_mqtt_keys.json", import.meta.url)),
);
const EXPECTED = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/mqtt/discovery_desk.json", import.meta.url)),
);

const topics = new BridgeTopics({ base: "s20", discoveryPrefix: "homeassistant", nodeId: "s20" });
const desk = { level: "desk", mac: Mac.parse("ac:cf:23:24:19:c0"), name: "desk" };

Deno.test("discovery: one config per entity, equal to the fixture", () => {
  const messages = discoveryMessages(topics, desk, { schedule: true, version: "0.1.0" });
  assert.deepEqual(JSON.parse(JSON.stringify(messages)), EXPECTED.messages);
  const without = discoveryMessages(topics, desk, { schedule: false, version: "0.1.0" });
  assert.deepEqual(
    without.map((m) => m.topic),
    EXPECTED.messages.slice(0, 3).map((m: { topic: string }) => m.topic),
  );
});

Deno.test("discovery: every key is one Home Assistant documents, and the required ones are there", () => {
  for (const { topic, config } of discoveryMessages(topics, desk, { schedule: true })) {
    const component = topic.split("/")[1]!;
    const platform = KEYS[component];
    assert.ok(platform, `no documented keys for ${component}`);
    const allowed = new Set([...KEYS.common, ...platform.keys]);
    for (const key of Object.keys(config)) assert.ok(allowed.has(key), `${topic}: '${key}'`);
    for (const key of platform.required) assert.ok(key in config, `${topic}: missing '${key}'`);
    if (platform.device_class && "device_class" in config && component !== "sensor") {
      assert.ok(platform.device_class.includes(config.device_class), `${topic}: device_class`);
    }
    const device = config.device as Record<string, unknown>;
    for (const key of Object.keys(device)) assert.ok(KEYS.device.includes(key), `device.${key}`);
    assert.deepEqual(device.connections, [["mac", "ac:cf:23:24:19:c0"]]);
    for (const key of Object.keys(config.origin as object)) assert.ok(KEYS.origin.includes(key));
    const availability = config.availability as Record<string, unknown>[];
    assert.deepEqual(availability.map((a) => a.topic), [
      "s20/bridge/state",
      "s20/desk/availability",
    ]);
    for (const a of availability) {
      for (const key of Object.keys(a)) assert.ok(KEYS.availability.includes(key));
    }
    assert.equal(config.availability_mode, "all");
    assert.equal(config.qos, 1);
    // The object id's MAC tells which socket a retained config belongs to.
    assert.match(
      topic,
      /^homeassistant\/(switch|event|sensor)\/s20\/accf232419c0_[a-z_]+\/config$/,
    );
    if (config.entity_category !== undefined) {
      assert.ok(KEYS.sensor.entity_category.includes(config.entity_category));
    }
  }
});

Deno.test("discovery: two nodes give different topics and unique ids for the same socket", () => {
  const east = new BridgeTopics({
    base: "s20/east",
    discoveryPrefix: "homeassistant",
    nodeId: nodeIdOf("s20/east"),
  });
  const a = discoveryMessages(topics, desk, { schedule: false });
  const b = discoveryMessages(east, desk, { schedule: false });
  for (let i = 0; i < a.length; i++) {
    assert.notEqual(a[i]!.topic, b[i]!.topic);
    assert.notEqual(a[i]!.config.unique_id, b[i]!.config.unique_id);
  }
  assert.equal(b[0]!.config.command_topic, "s20/east/desk/set");
});

Deno.test("topics: an alias that is not one clean level, or is 'bridge', becomes the MAC", () => {
  const mac = Mac.parse("ac:cf:23:24:19:c0");
  assert.equal(socketLevel("desk", mac), "desk");
  assert.equal(socketLevel("bridge", mac), "accf232419c0");
  assert.equal(socketLevel("a/b", mac), "accf232419c0");
  assert.equal(socketLevel("a+", mac), "accf232419c0");
  assert.equal(socketLevel(null, mac), "accf232419c0");
  assert.deepEqual(topics.parseCommand("s20/desk/set"), { level: "desk", kind: "set" });
  assert.equal(topics.parseCommand("s20/desk/other"), null);
  assert.equal(topics.parseCommand("s21/desk/set"), null);
  assert.deepEqual(topics.parseDiscovery("homeassistant/switch/s20/x_switch/config"), {
    component: "switch",
    objectId: "x_switch",
  });
  assert.equal(topics.parseDiscovery("homeassistant/switch/other/x_switch/config"), null);
});
