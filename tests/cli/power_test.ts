import assert from "node:assert/strict";
import { emulators, net, run } from "../helpers/cli_run.ts";

Deno.test("s20 on/off/toggle/status switch sockets and report them, human and JSON", async () => {
  await using sockets = await emulators(70);
  const [a, b] = sockets;
  const on = await run(["on", "127.0.70.2", "127.0.70.3", ...net(70)]);
  assert.equal(on.code, 0, on.err);
  assert.match(on.out, /127\.0\.70\.2 \(ac:cf:23:00:46:02\): on/);
  assert.ok(a!.device.on && b!.device.on);

  const off = await run(["off", a!.mac, ...net(70), "--json"]);
  assert.equal(off.code, 0, off.err);
  assert.deepEqual(JSON.parse(off.out), [{ target: a!.mac, mac: a!.mac, alias: null, on: false }]);
  assert.equal(a!.device.on, false);

  const toggle = await run(["toggle", `${b!.mac}@127.0.70.3`, ...net(70), "--json"]);
  assert.equal(JSON.parse(toggle.out)[0].on, false);

  const status = await run(["status", "--all", ...net(70)]);
  assert.equal(status.code, 0, status.err);
  assert.match(status.out, /SOCKET\s+MAC\s+ALIAS\s+NAME\s+IP\s+STATE/);
  assert.equal(status.out.trim().split("\n").length, 4);

  const json = await run(["status", "--all", ...net(70), "--json"]);
  assert.deepEqual(
    JSON.parse(json.out).map((r: { mac: string; on: boolean }) => [r.mac, r.on]).sort(),
    sockets.map((s) => [s.mac, s.device.on]).sort(),
  );
});

Deno.test("s20 status --exit-code gives 0 for on and 1 for off", async () => {
  await using sockets = await emulators(71);
  assert.equal((await run(["status", "127.0.71.2", "--exit-code", "--port", "0"])).code, 1);
  sockets[0]!.device.pressButton();
  assert.equal((await run(["status", "127.0.71.2", "--exit-code", "--port", "0"])).code, 0);
});

Deno.test("a socket that does not answer exits 1 naming the MAC and the command", async () => {
  await using sockets = await emulators(72, { faults: { seed: 1, requestLoss: 1 } });
  const mac = sockets[0]!.mac;
  const human = await run(["on", `${mac}@127.0.72.2`, "--port", "0", "--timeout", "300"]);
  assert.equal(human.code, 1);
  assert.match(human.err, new RegExp(`${mac} did not answer "cl" after \\d+ attempts`));
  const json = await run(["on", `${mac}@127.0.72.2`, "--port", "0", "--timeout", "300", "--json"]);
  assert.equal(json.code, 1);
  const [entry] = JSON.parse(json.out);
  assert.equal(entry.error.code, "DEVICE_TIMEOUT");
  assert.equal(entry.error.mac, mac);
  assert.equal(entry.error.command, "cl");
});

Deno.test("an unknown socket name exits 3 and lists what is known", async () => {
  await using sockets = await emulators(73);
  await run(["rename", "127.0.73.2", "Desk lamp", "--port", "0"]);
  const found = await run(["on", "desk lamp", ...net(73)]);
  assert.equal(found.code, 0, found.err);
  assert.equal(sockets[0]!.device.on, true);
  const missing = await run(["on", "desk lmap", ...net(73)]);
  assert.equal(missing.code, 3);
  assert.match(missing.err, /Cannot find socket "desk lmap".*did you mean 'Desk lamp'/);
  const json = await run(["off", "kitchen", ...net(73), "--json"]);
  assert.equal(json.code, 3);
  assert.equal(JSON.parse(json.out).error.code, "DEVICE_NOT_FOUND");
});
