/**
 * `s20 serve --mqtt` and `s20 schedule run` with an `mqtt:` section, as a user runs them: the
 * config's aliases become topics, the password comes from a file or the environment and shows
 * in no output, and a bad setting is a usage error that names the fix.
 */
import assert from "node:assert/strict";
import { main } from "../../lib/cli/main.ts";
import { BufferIo } from "../../lib/cli/io.ts";
import { emulators, net } from "../helpers/cli_run.ts";
import { startDaemon, tempDir } from "../helpers/daemon.ts";
import { assertSecretUnseen, Broker, mosquittoMissing } from "../helpers/mosquitto.ts";

const ignore = mosquittoMissing("the s20 serve --mqtt tests");
const BLOCK = 163;
const NET = net(BLOCK);

function config(broker: Broker, dir: string, extra = ""): string {
  return [
    "sockets:",
    `  desk: { mac: "ac:cf:23:00:a3:02", ip: 127.0.${BLOCK}.2 }`,
    `  hall: { mac: "ac:cf:23:00:a3:03", ip: 127.0.${BLOCK}.3 }`,
    "mqtt:",
    `  url: ${broker.url}`,
    `  username: ${broker.username}`,
    `  password_file: ${dir}/mqtt.password`,
    extra,
  ].join("\n");
}

Deno.test({
  name: "mqtt cli: s20 serve with an mqtt: section bridges the config's aliases",
  ignore,
  async fn() {
    await using broker = await Broker.start();
    await using sockets = await emulators(BLOCK);
    await using dir = await tempDir();
    await Deno.writeTextFile(`${dir.path}/mqtt.password`, `${broker.password}\n`);
    await Deno.writeTextFile(`${dir.path}/config.yaml`, config(broker, dir.path));
    await using sub = await broker.sub("s20/#", "homeassistant/#");
    const daemon = await startDaemon(["serve", ...NET, "--config", `${dir.path}/config.yaml`]);
    try {
      // The daemon reads every socket before it publishes; give a loaded machine time.
      const state = await sub.waitFor((m) => m.topic === "s20/desk", "desk state", 20_000);
      assert.equal(JSON.parse(state.payload).mac, "ac:cf:23:00:a3:02");
      await sub.waitFor((m) => m.topic === "s20/hall", "hall state");
      await sub.waitFor(
        (m) => m.topic === "homeassistant/switch/s20/accf2300a302_switch/config",
        "desk's discovery",
      );
      await sub.after(
        () => broker.pub("s20/desk/set", "ON"),
        (m) => m.topic === "s20/desk" && JSON.parse(m.payload).state === "ON",
        "ON",
      );
      assert.equal(sockets[0]!.device.on, true);
      assert.equal(sockets[1]!.device.on, false);
      // A bad command is logged with its topic, on standard error.
      await broker.pub("s20/hall/set", '{"state":"sideways"}');
      const until = Date.now() + 5000;
      while (!daemon.io.err.includes("s20/hall/set: ignored") && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.match(daemon.io.err, /s20: mqtt: s20\/hall\/set: ignored: 'state' must be ON/);
    } finally {
      assert.equal(await daemon.stop(), 0);
    }
    await sub.waitFor((m) => m.topic === "s20/bridge/state" && m.payload === "offline", "offline");
    assertSecretUnseen(daemon.io, broker.password);
  },
});

Deno.test({
  name: "mqtt cli: schedule run with --mqtt publishes each socket's next scheduled event",
  ignore,
  async fn() {
    await using broker = await Broker.start();
    await using _sockets = await emulators(BLOCK + 1);
    await using dir = await tempDir();
    const file = `${dir.path}/schedule.yaml`;
    await Deno.writeTextFile(
      file,
      [
        "timezone: UTC",
        "sockets:",
        `  porch: { mac: "ac:cf:23:00:a4:02", ip: 127.0.${BLOCK + 1}.2 }`,
        "rules:",
        '  - { sockets: porch, cron: "0 3 * * *", action: on }',
      ].join("\n"),
    );
    await Deno.writeTextFile(`${dir.path}/config.yaml`, "sockets: {}\n");
    await using sub = await broker.sub("kitchen/#", "homeassistant/#");
    const args = [
      "schedule",
      "run",
      file,
      ...net(BLOCK + 1),
      "--config",
      `${dir.path}/config.yaml`,
      "--mqtt",
      broker.url,
      "--mqtt-password-file",
      `${dir.path}/pw`,
    ];
    const daemon = await startDaemon(args).catch((error) => error as Error);
    // The password file is missing: a usage error naming the flag, before anything starts.
    assert.ok(daemon instanceof Error);
    assert.match(daemon.message, /--mqtt-password-file: cannot read the password file/);

    await Deno.writeTextFile(`${dir.path}/pw`, broker.password);
    await Deno.writeTextFile(
      `${dir.path}/config.yaml`,
      `sockets: {}\nmqtt:\n  username: ${broker.username}\n  base_topic: kitchen\n`,
    );
    const running = await startDaemon(args);
    try {
      const state = await sub.waitFor(
        (m) => m.topic === "kitchen/porch" && JSON.parse(m.payload).next_event !== undefined,
        "porch state",
        15_000,
      );
      const payload = JSON.parse(state.payload);
      assert.equal(payload.next_action, "on");
      assert.match(payload.next_event, /T03:00:00Z$/);
      const sensor = await sub.waitFor(
        (m) => m.topic === "homeassistant/sensor/kitchen/accf2300a402_next_event/config",
        "next-event sensor",
      );
      const sensorConfig = JSON.parse(sensor.payload);
      assert.equal(sensorConfig.device_class, "timestamp");
      assert.equal(sensorConfig.state_topic, "kitchen/porch");
    } finally {
      assert.equal(await running.stop(), 0);
    }
    assertSecretUnseen(running.io, broker.password);
  },
});

Deno.test("mqtt cli: a password in the URL or the config is refused and never echoed", async () => {
  await using dir = await tempDir();
  const secret = "hunter2-do-not-print";
  const cases: [string[], string, RegExp][] = [
    [
      ["--mqtt", `mqtt://s20:${secret}@127.0.0.1:1883`],
      "sockets: {}\n",
      /no user name or password in the URL/,
    ],
    [
      [],
      `mqtt:\n  url: mqtt://127.0.0.1:1883\n  password: ${secret}\n`,
      /never written in the config/,
    ],
    [["--mqtt", "http://127.0.0.1:1883"], "sockets: {}\n", /use mqtt:\/\/ or mqtts:\/\//],
    [
      [],
      "mqtt:\n  url: mqtt://127.0.0.1:1883\n  base_topic: s20/#\n",
      /base_topic: 's20\/#' may not hold/,
    ],
    [
      [],
      "mqtt:\n  url: mqtt://127.0.0.1:1883\n  password_env: S20_TEST_NO_SUCH\n",
      /S20_TEST_NO_SUCH is not set/,
    ],
  ];
  for (const [flags, text, message] of cases) {
    await Deno.writeTextFile(`${dir.path}/config.yaml`, text);
    const io = new BufferIo({ env: { HOME: "/nonexistent" } });
    const code = await main(
      [
        "serve",
        ...NET,
        "--socket",
        `${dir.path}/d.sock`,
        "--config",
        `${dir.path}/config.yaml`,
        ...flags,
      ],
      io,
    );
    assert.equal(code, 2, io.err);
    assert.match(io.err, message);
    assertSecretUnseen(io, secret);
  }
});
