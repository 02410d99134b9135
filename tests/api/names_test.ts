/**
 * The daemon knows the names: beside `s20 schedule run`, other commands name sockets by the
 * schedule's aliases and by the names stored in the sockets, with no `--schedule` and no config,
 * and `GET /v1/sockets` lists what the daemon knows. Emulated sockets on 127.0.111.2–4.
 */
import assert from "node:assert/strict";
import { DaemonClient } from "../../lib/api/daemon_client.ts";
import { type Emulator, startEmulator } from "../../lib/emulator/emulator.ts";
import { run } from "../helpers/cli_run.ts";
import { startScheduleDaemon } from "../helpers/daemon.ts";

const SCHEDULE = `
timezone: Europe/London
sockets:
  lamp: { ip: 127.0.111.2 }
  brew: { name: Kettle }
rules:
  - { sockets: lamp, at: "07:30", action: on, days: mon-fri }
`;

const NAMES = ["Desk lamp", "Hall light", "Kettle"];

Deno.test("beside 's20 schedule run', commands name sockets by alias and stored name; GET /v1/sockets lists them", async () => {
  const sockets: Emulator[] = [];
  for (const [i, name] of NAMES.entries()) {
    sockets.push(
      await startEmulator({
        hostname: `127.0.111.${i + 2}`,
        port: 10000,
        replyTo: "source",
        mac: `ac:cf:23:00:6f:0${i + 2}`,
        name,
        timing: "instant",
        dropDuringDiscoveryBurst: false,
      }),
    );
  }
  try {
    await using daemon = await startScheduleDaemon(SCHEDULE, ["--target", "127.0.111.0/29"]);
    // No --schedule, no --target, no config: only the daemon knows these names.
    const env = { S20_DAEMON: daemon.socket };

    const lamp = await run(["on", "lamp"], { env });
    assert.equal(lamp.code, 0, lamp.err);
    assert.match(lamp.out, /^lamp \(ac:cf:23:00:6f:02\): on$/m);
    assert.equal(sockets[0]!.device.on, true);

    const hall = await run(["on", "hall light"], { env });
    assert.equal(hall.code, 0, hall.err);
    assert.match(hall.out, /^hall light \(ac:cf:23:00:6f:03\): on$/m);
    assert.equal(sockets[1]!.device.on, true);

    // An alias that names the socket by its stored name.
    const brew = await run(["toggle", "brew"], { env });
    assert.equal(brew.code, 0, brew.err);
    assert.equal(sockets[2]!.device.on, true);

    const info = await run(["info", "lamp", "--json"], { env });
    assert.equal(info.code, 0, info.err);
    assert.equal(JSON.parse(info.out).name, "Desk lamp");

    const nobody = await run(["on", "Kettel"], { env });
    assert.equal(nobody.code, 3, nobody.err);
    assert.match(nobody.err, /Kettel.*did you mean 'Kettle'\?.*known: lamp, brew/);

    await using client = new DaemonClient({ path: daemon.socket });
    const known = await client.sockets();
    const byMac = new Map(known.map((s) => [s.mac, s]));
    const desk = byMac.get("ac:cf:23:00:6f:02");
    assert.deepEqual({ ...desk, lastSeen: typeof desk?.lastSeen }, {
      mac: "ac:cf:23:00:6f:02",
      ip: "127.0.111.2",
      port: 10000,
      name: "Desk lamp",
      aliases: ["lamp"],
      on: true,
      lastSeen: "string",
    });
    assert.deepEqual(byMac.get("ac:cf:23:00:6f:04")?.aliases, ["brew"]);
    assert.equal(byMac.get("ac:cf:23:00:6f:04")?.name, "Kettle");
    assert.equal(byMac.get("ac:cf:23:00:6f:03")?.on, true);
    assert.ok(Date.parse(desk!.lastSeen!) <= Date.now());
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
  }
});
