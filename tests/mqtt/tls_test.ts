/**
 * The bridge over `mqtts://`, as a user runs it (`s20 serve` with an `mqtt:` section): a real
 * Mosquitto with a TLS-only listener whose certificate for 127.0.0.1 a throwaway CA signed.
 * With that CA as `ca_file` the bridge connects and publishes; without it, or with another CA,
 * it does not, and says the certificate is not trusted.
 */
import assert from "node:assert/strict";
import { main } from "../../lib/cli/main.ts";
import { BufferIo } from "../../lib/cli/io.ts";
import { emulators, net } from "../helpers/cli_run.ts";
import { startDaemon, tempDir, until } from "../helpers/daemon.ts";
import { assertSecretUnseen, Broker, mosquittoMissing } from "../helpers/mosquitto.ts";
import { makeCa, opensslMissing } from "../helpers/tls_certs.ts";

const ignore = mosquittoMissing("the mqtts:// tests") || opensslMissing("the mqtts:// tests");
const BLOCK = 217;
const NET = net(BLOCK);

async function writeConfig(broker: Broker, dir: string, caFile: string | null): Promise<string> {
  await Deno.writeTextFile(`${dir}/mqtt.password`, `${broker.password}\n`);
  const file = `${dir}/config.yaml`;
  await Deno.writeTextFile(
    file,
    [
      "sockets:",
      `  desk: { mac: "ac:cf:23:00:d9:02", ip: 127.0.${BLOCK}.2 }`,
      "mqtt:",
      `  url: ${broker.url}`,
      `  username: ${broker.username}`,
      `  password_file: ${dir}/mqtt.password`,
      ...(caFile ? [`  ca_file: ${caFile}`] : []),
      "",
    ].join("\n"),
  );
  return file;
}

Deno.test({
  name: "mqtt tls: s20 serve bridges over mqtts:// with ca_file: online and the socket's state",
  ignore,
  async fn() {
    await using broker = await Broker.start({ tls: true });
    assert.match(broker.url, /^mqtts:\/\/127\.0\.0\.1:\d+$/);
    await using sockets = await emulators(BLOCK);
    await using dir = await tempDir();
    const config = await writeConfig(broker, dir.path, broker.caFile);
    // mosquitto_sub itself goes over TLS, trusting the same CA.
    await using sub = await broker.sub("s20/#");
    const daemon = await startDaemon(["serve", ...NET, "--config", config]);
    try {
      await sub.waitFor(
        (m) => m.topic === "s20/bridge/state" && m.payload === "online",
        "the bridge online",
        20_000,
      );
      const state = await sub.waitFor((m) => m.topic === "s20/desk", "desk's state", 20_000);
      assert.equal(JSON.parse(state.payload).mac, sockets[0]!.mac);
      assert.equal(JSON.parse(state.payload).state, "OFF");
      assert.match(daemon.io.err, /connected to the MQTT broker mqtts:\/\/127\.0\.0\.1:\d+/);

      // Commands come back over TLS too, and both topics are retained for a new subscriber.
      await sub.after(
        () => broker.pub("s20/desk/set", "ON"),
        (m) => m.topic === "s20/desk" && JSON.parse(m.payload).state === "ON",
        "ON",
      );
      assert.equal(sockets[0]!.device.on, true);
      await using late = await broker.sub("s20/bridge/state", "s20/desk");
      const online = await late.waitFor((m) => m.topic === "s20/bridge/state", "retained online");
      assert.deepEqual([online.payload, online.retain], ["online", true]);
      const desk = await late.waitFor((m) => m.topic === "s20/desk", "retained state");
      assert.deepEqual([JSON.parse(desk.payload).state, desk.retain], ["ON", true]);
    } finally {
      assert.equal(await daemon.stop(), 0);
    }
    await sub.waitFor((m) => m.topic === "s20/bridge/state" && m.payload === "offline", "offline");
    assertSecretUnseen(daemon.io, broker.password);
  },
});

Deno.test({
  name: "mqtt tls: without ca_file, or with another CA, the bridge does not connect and says why",
  ignore,
  async fn() {
    await using broker = await Broker.start({ tls: true });
    await using _sockets = await emulators(BLOCK);
    await using dir = await tempDir();
    const other = await makeCa(dir.path, "other-ca");
    await using sub = await broker.sub("s20/#");
    for (const caFile of [null, other.cert]) {
      const config = await writeConfig(broker, dir.path, caFile);
      const daemon = await startDaemon(["serve", ...NET, "--config", config]);
      const what = caFile ? "another CA" : "no ca_file";
      try {
        // The first attempt fails at once; its line says why, the retries say nothing new.
        await until(() => daemon.io.err.includes("s20: mqtt: MQTT broker"), `${what}: a log`);
        assert.match(
          daemon.io.err,
          /s20: mqtt: MQTT broker mqtts:\/\/127\.0\.0\.1:\d+: its TLS certificate is not trusted \(.+\): trust the CA that signed it \(ca_file:/,
          what,
        );
        // Long enough for a few retries (0.5 s, 1 s): none gets through.
        await new Promise((r) => setTimeout(r, 1600));
        assert.doesNotMatch(daemon.io.err, /connected to the MQTT broker/, what);
        assert.equal(daemon.io.err.match(/not trusted/g)?.length, 1, daemon.io.err);
      } finally {
        assert.equal(await daemon.stop(), 0);
      }
      assertSecretUnseen(daemon.io, broker.password, `${what}: `);
    }
    // Nothing of the bridge's reached the broker.
    assert.deepEqual(sub.messages.filter((m) => !m.topic.startsWith("s20test/")), []);
  },
});

Deno.test("mqtt tls: a ca_file holding no PEM certificate is a usage error that echoes none of it", async () => {
  await using dir = await tempDir();
  const secret = "hunter2-not-a-certificate";
  await Deno.writeTextFile(`${dir.path}/ca.pem`, `${secret}\n`);
  await Deno.writeTextFile(
    `${dir.path}/config.yaml`,
    `mqtt:\n  url: mqtts://127.0.0.1:8883\n  ca_file: ${dir.path}/ca.pem\n`,
  );
  const io = new BufferIo({ env: { HOME: "/nonexistent" } });
  const code = await main(
    ["serve", ...NET, "--socket", `${dir.path}/d.sock`, "--config", `${dir.path}/config.yaml`],
    io,
  );
  assert.equal(code, 2, io.err);
  assert.match(io.err, /mqtt\.ca_file: '.*ca\.pem' holds no PEM certificate/);
  assertSecretUnseen(io, secret);
});
