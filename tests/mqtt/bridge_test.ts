/**
 * The MQTT bridge end to end: emulated sockets, a real Mosquitto broker started by the test,
 * and `mosquitto_pub`/`mosquitto_sub` as the independent client.
 */
import assert from "node:assert/strict";
import { type BridgeLogEntry, CommandTracker, MqttBridge } from "../../lib/mqtt/mod.ts";
import { macHex } from "../../lib/mqtt/topics.ts";
import { startRig } from "../helpers/emulated.ts";
import { Broker, mosquittoMissing } from "../helpers/mosquitto.ts";

const ignore = mosquittoMissing("the MQTT bridge tests");

const FAST = { minMs: 100, maxMs: 400 } as const;

interface Setup extends AsyncDisposable {
  readonly broker: Broker;
  readonly rig: Awaited<ReturnType<typeof startRig>>;
  readonly bridge: MqttBridge;
  readonly logs: BridgeLogEntry[];
}

async function setup(
  options: {
    count?: number;
    keepAliveMs?: number;
    timeout?: number;
    broker?: Broker;
    baseTopic?: string;
    aliases?: (i: number) => string | null;
  } = {},
): Promise<Setup> {
  const broker = options.broker ?? await Broker.start();
  const rig = await startRig({
    count: options.count ?? 1,
    emulator: (i) => ({ name: `Lamp ${i + 1}` }),
    timeout: options.timeout ?? 2000,
    ...(options.keepAliveMs ? { keepAliveMs: options.keepAliveMs } : {}),
  });
  const tracker = new CommandTracker();
  const controller = tracker.wrap(rig.client);
  const sockets = rig.emulators.map((e, i) => ({
    alias: options.aliases ? options.aliases(i) : `sock${i + 1}`,
    socket: controller.socket({ mac: e.mac, ip: e.address.hostname, port: e.address.port }),
  }));
  const logs: BridgeLogEntry[] = [];
  const bridge = new MqttBridge({
    url: broker.url,
    username: broker.username,
    password: broker.password,
    controller,
    tracker,
    sockets: () => Promise.resolve(sockets),
    reconnect: FAST,
    timeout: options.timeout ?? 2000,
    ...(options.baseTopic ? { baseTopic: options.baseTopic } : {}),
    log: (entry) => logs.push(entry),
  });
  await bridge.start();
  return {
    broker,
    rig,
    bridge,
    logs,
    async [Symbol.asyncDispose]() {
      await bridge.close();
      await rig[Symbol.asyncDispose]();
      if (!options.broker) await broker[Symbol.asyncDispose]();
    },
  };
}

function stateOf(payload: string): Record<string, unknown> {
  return payload === "" ? {} : JSON.parse(payload);
}

Deno.test({
  name: "mqtt: /set ON from mosquitto_pub switches the emulated relay; a retained ON follows",
  ignore,
  async fn() {
    await using s = await setup();
    const emulator = s.rig.emulators[0]!;
    const sub = await s.broker.sub("s20/#");
    await sub.waitFor((m) => m.topic === "s20/bridge/state" && m.payload === "online", "online");
    const first = await sub.waitFor((m) => m.topic === "s20/sock1", "state");
    const state = stateOf(first.payload);
    assert.equal(state.state, "OFF");
    assert.equal(state.mac, emulator.mac);
    assert.equal(state.ip, "127.0.0.1");
    assert.equal(state.name, "Lamp 1");
    assert.equal(typeof state.clock_skew_s, "number");
    assert.ok(typeof state.last_seen === "string" && !Number.isNaN(Date.parse(state.last_seen)));
    await sub.waitFor((m) => m.topic === "s20/sock1/availability" && m.payload === "online", "up");

    await sub.after(
      () => s.broker.pub("s20/sock1/set", "ON"),
      (m) => m.topic === "s20/sock1" && stateOf(m.payload).state === "ON",
      "ON",
    );
    assert.equal(emulator.device.on, true);
    // Published only after the socket confirmed: the relay had switched by then.
    assert.equal(emulator.device.history.at(-1)?.cause, "dc");

    // Retained: a new subscriber gets it at once.
    await using late = await s.broker.sub("s20/sock1");
    const retained = await late.waitFor((m) => m.topic === "s20/sock1", "retained state");
    assert.ok(retained.retain);
    assert.equal(stateOf(retained.payload).state, "ON");

    await sub.after(
      () => s.broker.pub("s20/sock1/set", '{"state":"TOGGLE"}'),
      (m) => m.topic === "s20/sock1" && stateOf(m.payload).state === "OFF",
      "OFF",
    );
    assert.equal(emulator.device.on, false);

    await s.broker.pub(
      "s20/sock1/set",
      '{"countdown":{"seconds":600,"action":"on"},"auto_off":90}',
    );
    const until = Date.now() + 5000;
    while (Date.now() < until && emulator.device.socketData.autoOffSeconds !== 90) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(emulator.device.socketData.autoOffSeconds, 90);
    assert.equal(emulator.device.countdown?.action, "on");
    // A switch through the bridge is not a button press.
    assert.equal(sub.on("s20/sock1/event").length, 0);
  },
});

Deno.test({
  name: "mqtt: a button press on the emulator shows as state and as an event",
  ignore,
  async fn() {
    await using s = await setup({ keepAliveMs: 1000 });
    const emulator = s.rig.emulators[0]!;
    const sub = await s.broker.sub("s20/sock1", "s20/sock1/event");
    await sub.waitFor((m) => m.topic === "s20/sock1" && stateOf(m.payload).state === "OFF", "OFF");
    emulator.device.pressButton();
    await sub.next((m) => m.topic === "s20/sock1" && stateOf(m.payload).state === "ON", "ON");
    const event = await sub.waitFor((m) => m.topic === "s20/sock1/event", "press event");
    assert.ok(!event.retain);
    const payload = JSON.parse(event.payload);
    assert.equal(payload.event_type, "press");
    assert.equal(payload.state, "ON");
  },
});

Deno.test({
  name: "mqtt: a socket that goes silent becomes offline, and online when it is back",
  ignore,
  async fn() {
    await using s = await setup({ keepAliveMs: 200, timeout: 600 });
    const emulator = s.rig.emulators[0]!;
    const sub = await s.broker.sub("s20/sock1/availability");
    await sub.waitFor((m) => m.payload === "online", "online");
    emulator.device.powerCut({ offMs: Infinity });
    const offline = await sub.waitFor((m) => m.payload === "offline", "offline", 15_000);
    assert.ok(offline.retain || sub.messages.includes(offline));
    emulator.device.powerOn();
    await sub.waitFor(
      (m) => m.payload === "online" && sub.messages.indexOf(m) > sub.messages.indexOf(offline),
      "online again",
      15_000,
    );
  },
});

Deno.test({
  name: "mqtt: the broker stopped and restarted mid-run: the bridge reconnects and republishes",
  ignore,
  async fn() {
    await using s = await setup();
    const emulator = s.rig.emulators[0]!;
    {
      await using sub = await s.broker.sub("s20/#");
      await sub.waitFor((m) => m.topic === "s20/sock1", "state");
    }
    await s.broker.stop();
    // Meanwhile the sockets stay under control.
    await s.rig.client.socket({ mac: emulator.mac, ip: "127.0.0.1", port: emulator.address.port })
      .on();
    assert.ok(!s.bridge.connected);
    await s.broker.startAgain();
    // No persistence: the restarted broker knows nothing until the bridge republishes.
    await using sub = await s.broker.sub("s20/#", "homeassistant/#");
    await sub.waitFor(
      (m) => m.topic === "s20/bridge/state" && m.payload === "online",
      "online",
      15_000,
    );
    const state = await sub.waitFor((m) => m.topic === "s20/sock1", "state again", 15_000);
    assert.equal(stateOf(state.payload).state, "ON");
    await sub.waitFor(
      (m) => m.topic === `homeassistant/switch/s20/${macHex(emulator.mac)}_switch/config`,
      "discovery again",
    );
    assert.ok(s.logs.some((l) => l.message.startsWith("connected to the MQTT broker")));
  },
});

Deno.test({
  name: "mqtt: Home Assistant's birth message brings the discovery configs again",
  ignore,
  async fn() {
    await using s = await setup();
    const topic = `homeassistant/switch/s20/${macHex(s.rig.emulators[0]!.mac)}_switch/config`;
    await using sub = await s.broker.sub("homeassistant/+/s20/+/config");
    await sub.waitFor((m) => m.topic === topic, "config");
    const before = sub.on(topic).length;
    await s.broker.pub("homeassistant/status", "online");
    await sub.waitFor(
      (m) => m.topic === topic && sub.on(topic).length > before,
      "republished config",
    );
    assert.equal(JSON.parse(sub.on(topic).at(-1)!.payload).command_topic, "s20/sock1/set");
  },
});

Deno.test({
  name: "mqtt: bad payloads on /set switch nothing and are logged with their topic",
  ignore,
  async fn() {
    await using s = await setup();
    const emulator = s.rig.emulators[0]!;
    await using sub = await s.broker.sub("s20/sock1");
    await sub.waitFor((m) => m.topic === "s20/sock1", "state");
    const bad: (string | Uint8Array)[] = [
      "not json",
      "{not json",
      "MAYBE",
      '{"state":"MAYBE"}',
      '{"state":1}',
      '{"state":["ON"]}',
      '{"state":"ON","colour":"red"}',
      '{"countdown":"10"}',
      '{"countdown":-5}',
      '{"auto_off":1.5}',
      '["ON"]',
      "null",
      "{}",
      new Uint8Array([0xff, 0xfe, 0x4f, 0x4e]),
      "ON".padEnd(1024 * 1024, " "),
    ];
    for (const payload of bad) await s.broker.pub("s20/sock1/set", payload);
    // A good command after them: once it has been applied, every bad one has been read.
    await s.broker.pub("s20/sock1/get", "");
    const until = Date.now() + 10_000;
    while (
      Date.now() < until && s.logs.filter((l) => l.message.includes("ignored")).length < bad.length
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const ignored = s.logs.filter((l) => l.message.startsWith("s20/sock1/set: ignored"));
    assert.equal(ignored.length, bad.length, s.logs.map((l) => l.message).join("\n"));
    assert.equal(emulator.device.on, false);
    assert.equal(emulator.device.history.filter((h) => h.cause === "dc").length, 0);
    assert.equal(emulator.device.socketData.autoOffEnabled, false);
  },
});

Deno.test({
  name: "mqtt: a socket that leaves the configuration loses its discovery configs",
  ignore,
  async fn() {
    await using broker = await Broker.start();
    const rig = await startRig({ count: 2 });
    try {
      const [a, b] = rig.emulators.map((e) =>
        rig.client.socket({ mac: e.mac, ip: "127.0.0.1", port: e.address.port })
      );
      let list = [{ alias: "a", socket: a! }, { alias: "b", socket: b! }];
      const options = {
        url: broker.url,
        username: broker.username,
        password: broker.password,
        controller: rig.client,
        sockets: () => Promise.resolve(list),
        reconnect: FAST,
      };
      const bMac = macHex(rig.emulators[1]!.mac);
      const bSwitch = `homeassistant/switch/s20/${bMac}_switch/config`;
      {
        await using sub = await broker.sub("homeassistant/#");
        await using bridge = new MqttBridge(options);
        await bridge.start();
        await sub.waitFor((m) => m.topic === bSwitch && m.payload !== "", "b's config");
        list = [{ alias: "a", socket: a! }];
        await bridge.reloadSockets();
        await sub.waitFor((m) => m.topic === bSwitch && m.payload === "", "b's config removed");
        for (const entity of ["event/s20/%s_button", "sensor/s20/%s_clock_skew"]) {
          const topic = `homeassistant/${entity.replace("%s", bMac)}/config`;
          await sub.waitFor((m) => m.topic === topic && m.payload === "", `${topic} removed`);
        }
      }
      // A restart with b gone from the configuration removes what an earlier run left.
      list = [{ alias: "a", socket: a! }, { alias: "b", socket: b! }];
      {
        await using bridge = new MqttBridge(options);
        await bridge.start();
        await using sub = await broker.sub("homeassistant/#");
        await sub.waitFor((m) => m.topic === bSwitch && m.payload !== "", "b's config");
      }
      list = [{ alias: "a", socket: a! }];
      {
        await using sub = await broker.sub("homeassistant/#");
        await using bridge = new MqttBridge(options);
        await bridge.start();
        await sub.waitFor(
          (m) => m.topic === bSwitch && m.payload === "",
          "left over config removed",
        );
      }
      await using check = await broker.sub(bSwitch, "homeassistant/switch/s20/+/config");
      await check.waitFor((m) => m.topic.includes(macHex(rig.emulators[0]!.mac)), "a's config");
      assert.equal(check.on(bSwitch).filter((m) => m.payload !== "").length, 0);
    } finally {
      await rig[Symbol.asyncDispose]();
    }
  },
});

Deno.test({
  name: "mqtt: two bridges with different base topics on one broker keep to their own topics",
  ignore,
  async fn() {
    await using broker = await Broker.start();
    await using one = await setup({ broker, baseTopic: "s20/east", aliases: () => "lamp" });
    await using two = await setup({ broker, baseTopic: "s20/west", aliases: () => "lamp" });
    await using sub = await broker.sub("#");
    const east = await sub.waitFor((m) => m.topic === "s20/east/lamp", "east state");
    const west = await sub.waitFor((m) => m.topic === "s20/west/lamp", "west state");
    assert.equal(stateOf(east.payload).mac, one.rig.emulators[0]!.mac);
    assert.equal(stateOf(west.payload).mac, two.rig.emulators[0]!.mac);
    const eastSwitch = `homeassistant/switch/s20_east/${
      macHex(one.rig.emulators[0]!.mac)
    }_switch/config`;
    const westSwitch = `homeassistant/switch/s20_west/${
      macHex(two.rig.emulators[0]!.mac)
    }_switch/config`;
    const eastConfig = JSON.parse(
      (await sub.waitFor((m) => m.topic === eastSwitch, "east")).payload,
    );
    const westConfig = JSON.parse(
      (await sub.waitFor((m) => m.topic === westSwitch, "west")).payload,
    );
    assert.ok(eastConfig.unique_id !== westConfig.unique_id);
    assert.equal(eastConfig.command_topic, "s20/east/lamp/set");

    await broker.pub("s20/west/lamp/set", "ON");
    await sub.waitFor(
      (m) => m.topic === "s20/west/lamp" && stateOf(m.payload).state === "ON",
      "west ON",
    );
    assert.equal(two.rig.emulators[0]!.device.on, true);
    assert.equal(one.rig.emulators[0]!.device.on, false);
    // Each purges only its own node's leftovers: neither removed the other's configs.
    await one.bridge.reloadSockets();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(
      sub.messages.filter((m) => m.payload === "" && m.topic.startsWith("homeassistant/")).length,
      0,
    );
    // And each has its own bridge state.
    await sub.waitFor((m) => m.topic === "s20/east/bridge/state" && m.payload === "online", "east");
    await sub.waitFor((m) => m.topic === "s20/west/bridge/state" && m.payload === "online", "west");
  },
});

Deno.test({
  name: "mqtt: the broker's will says offline when the bridge vanishes; close says it too",
  ignore,
  async fn() {
    await using s = await setup();
    await using sub = await s.broker.sub("s20/bridge/state");
    await sub.waitFor((m) => m.payload === "online", "online");
    await s.bridge.close();
    await sub.waitFor((m) => m.payload === "offline", "offline");
    assert.ok(!s.logs.some((l) => l.message.includes(s.broker.password)));
  },
});
