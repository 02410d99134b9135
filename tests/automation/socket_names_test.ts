import assert from "node:assert/strict";
import { type Emulator, startEmulator } from "../../lib/emulator/emulator.ts";
import { automationRig, until } from "../helpers/automation_rig.ts";

// The schedule's one alias names neither socket the scripts use: they go by stored names.
const SCHEDULE = `
timezone: Europe/London
sockets:
  desk: { mac: "ac:cf:23:78:05:01" }
rules: []
automations:
  - script: ./kettle.js
`;

const KETTLE = `
export default async function ({ sockets, log, signal }) {
  const kettle = sockets.socket("kettle");
  log("before: " + kettle.mac);
  await kettle.on();
  log("on: " + kettle.mac);
  // Another spelling is another handle: the name is found again, from what was learned.
  log("off: " + await sockets.socket("KETTLE").off());
  await new Promise((resolve) => signal.addEventListener("abort", resolve));
}
`;

const UNKNOWN = `
export default async function ({ sockets }) {
  await sockets.socket("Teapot").on();
}
`;

/** Two emulated sockets with stored names that no alias mentions, counting discovery probes. */
async function namedSockets(announceTo: { hostname: string; port: number }) {
  const probes = { Kettle: 0, Lamp: 0 };
  const emulators: Emulator[] = [];
  for (const [name, mac] of [["Kettle", "ac:cf:23:78:05:0a"], ["Lamp", "ac:cf:23:78:05:0b"]]) {
    const emulator = await startEmulator({
      hostname: "127.0.0.1",
      port: 0,
      replyTo: "source",
      mac: mac!,
      name: name!,
      announceTo,
      timing: "instant",
      discoverySpacingMs: 1,
    });
    emulator.onEvent((e) => {
      if (e.type === "received" && e.message?.kind === "discover") {
        probes[name as keyof typeof probes]++;
      }
    });
    emulators.push(emulator);
  }
  return {
    emulators,
    probes,
    targets: emulators.map((e) => `127.0.0.1:${e.address.port}`),
    async [Symbol.asyncDispose]() {
      await Promise.all(emulators.map((e) => e.close()));
    },
  };
}

Deno.test("an automation switches a socket by its stored name (any case); the name is looked up once", async () => {
  // The daemon's client is the rig's: the named sockets announce to a port chosen up front.
  const files = { "home.yaml": SCHEDULE, "kettle.js": KETTLE };
  await using named = await namedSockets({ hostname: "127.0.0.1", port: 9 });
  await using a = await automationRig(files, { daemon: { targets: named.targets } });
  const [kettle] = named.emulators;
  const before = await a.until((e) => /^\[kettle\] before/.test(e.message), "the first line");
  assert.equal(before.message, "[kettle] before: null");
  const on = await a.until((e) => /^\[kettle\] on/.test(e.message), "the kettle switched on");
  assert.equal(on.message, `[kettle] on: ${kettle!.mac}`);
  assert.equal(on.automation, "kettle");
  const probesAfterLookup = named.probes.Kettle;
  assert.ok(probesAfterLookup > 0, "the unknown name was looked up by a discovery");
  const off = await a.until((e) => /^\[kettle\] off/.test(e.message), "the kettle switched off");
  assert.equal(off.message, "[kettle] off: false");
  assert.equal(kettle!.device.on, false);
  assert.equal(named.probes.Kettle, probesAfterLookup, "the learned name needs no discovery");
  await until(() => a.daemon.automations()[0]?.state === "running", "still running");
  assert.equal(a.daemon.automations()[0]?.lastError, null);
});

Deno.test("an automation naming no socket fails with DeviceNotFoundError listing the known names, logged with its name", async () => {
  const files = {
    "home.yaml": SCHEDULE.replace("./kettle.js", "./unknown.js"),
    "unknown.js": UNKNOWN,
  };
  await using named = await namedSockets({ hostname: "127.0.0.1", port: 9 });
  await using a = await automationRig(files, { daemon: { targets: named.targets } });
  const failed = await a.until((e) => e.kind === "automation-failed", "the failure");
  assert.equal(failed.automation, "unknown");
  assert.equal(failed.level, "error");
  assert.match(
    failed.message,
    /^unknown: DeviceNotFoundError: Cannot find socket "Teapot": no alias, MAC, address or socket name matches; known: desk, (Kettle, Lamp|Lamp, Kettle); restarting in 1s/,
  );
  assert.equal(named.emulators.some((e) => e.device.on), false);
});
