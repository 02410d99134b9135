/** Issue 13 point 1: one forged `sf` used to put a state the socket never had in the schedule log. */
import assert from "node:assert/strict";
import { VirtualClock } from "../../lib/time/mod.ts";
import { encode, type Mac } from "../../mod.ts";
import { listenUdp } from "../../lib/transport/udp.ts";
import { daemonFor, scheduleRig, tempSchedule } from "../helpers/schedule_rig.ts";

Deno.test("the schedule log does not report a state pushed from another address", async () => {
  const yaml = `
timezone: Europe/London
sockets: { pump: { mac: "ac:cf:23:77:58:01" } }
rules:
  - { name: Noon, sockets: pump, at: "12:00", action: on }
`;
  const clock = new VirtualClock({ start: "2026-06-01T05:15:00Z" });
  await using file = await tempSchedule(yaml);
  await using rig = await scheduleRig(yaml, { clock, keepAliveMs: 3600_000 });
  const { daemon, log } = daemonFor(rig, clock, file.path);
  const attacker = listenUdp({ hostname: "127.0.58.66", port: 0 });
  try {
    await daemon.start();
    const pump = rig.emulators.pump!;
    assert.equal(pump.device.on, false);
    const forged = encode({ kind: "stateReport", mac: pump.mac as Mac, session: 0, on: true });
    for (let i = 0; i < 3; i++) await attacker.send(forged, rig.client.local);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(log.filter((e) => e.kind === "state"), []);
    // The socket's own push is logged.
    pump.device.pressButton();
    for (let i = 0; i < 30 && !log.some((e) => e.kind === "state"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.deepEqual(log.filter((e) => e.kind === "state").map((e) => e.message), ["pump is on"]);
  } finally {
    attacker.close();
    await daemon.stop();
    clock.dispose();
  }
});
