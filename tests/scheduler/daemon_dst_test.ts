/**
 * After sync, the socket's own timers switch at the right local times across a DST change
 * (the daemon re-sets the socket's zone at the change), and after a power cut the daemon
 * restores the socket's clock, zone and timers.
 */
import assert from "node:assert/strict";
import { VirtualClock } from "../../lib/time/mod.ts";
import type { SchedulerDaemon } from "../../lib/scheduler/daemon.ts";
import { daemonFor, QUICK, scheduleRig, tempSchedule } from "../helpers/schedule_rig.ts";

const YAML = `
timezone: Europe/London
sockets:
  lamp: { mac: "ac:cf:23:77:20:01" }
rules:
  - { name: Morning, sockets: lamp, on: "07:30", off: "08:00", run: device }
`;

/** Advances the clock in steps, letting the daemon finish its work after each. */
async function play(clock: VirtualClock, daemon: SchedulerDaemon, ms: number, step = 15 * 60_000) {
  for (let done = 0; done < ms; done += step) {
    await clock.advance(Math.min(step, ms - done), () => daemon.idle());
  }
}

Deno.test("socket timers fire at local 07:30 before and after the spring-forward; a power cut is repaired", async () => {
  const clock = new VirtualClock({ start: "2026-03-28T12:00:00Z" });
  await using file = await tempSchedule(YAML);
  // Discovery bursts (ten copies 15 ms apart) on every clock check would dominate the run.
  await using rig = await scheduleRig(YAML, {
    clock,
    keepAliveMs: 3600_000,
    emulator: () => ({ discoverySpacingMs: 1 }),
  });
  const { daemon, log } = daemonFor(rig, clock, file.path, { maxSleepMs: 15 * 60_000 });
  const device = rig.emulators.lamp!.device;
  try {
    await daemon.start();
    assert.equal(device.socketData.timeZone, 0);
    assert.equal(device.socketData.dst, false);
    // Saturday 28 March: GMT. Sunday 29 March: clocks go forward at 01:00Z.
    await play(clock, daemon, 2 * 86_400_000);
    assert.equal(device.socketData.dst, true, "the zone was re-set at the DST change");
    const switches = device.history.filter((c) => c.cause === "timer").map((
      c,
    ) => [new Date(c.at).toISOString(), c.on]);
    assert.deepEqual(switches, [
      ["2026-03-29T06:30:00.000Z", true], // 07:30 BST
      ["2026-03-29T07:00:00.000Z", false],
      ["2026-03-30T06:30:00.000Z", true],
      ["2026-03-30T07:00:00.000Z", false],
    ]);

    // A power cut: relay off, clock unset on boot; the announcements tell the daemon.
    device.powerCut({ offMs: 60_000 });
    await play(clock, daemon, 5 * 60_000, 30_000);
    assert.ok(
      log.some((e) => e.kind === "reboot" && e.socket === "lamp"),
      "the reboot was noticed",
    );
    const skew = device.deviceTime!.getTime() - clock.now();
    assert.ok(Math.abs(skew) < 2000, `clock restored (skew ${skew} ms)`);
    assert.equal(device.socketData.dst, true);
    const before = device.history.length;
    await play(clock, daemon, 86_400_000);
    // The socket fires when its own clock reads the time: its clock was restored to within the
    // skew above (a clock set is whole seconds, taken in flight), so that is the tolerance here.
    const fired = device.history.slice(before).filter((c) => c.cause === "timer").map((c) => c.at);
    const planned = [Date.parse("2026-03-31T06:30:00Z"), Date.parse("2026-03-31T07:00:00Z")];
    assert.equal(fired.length, planned.length, fired.map((t) => new Date(t).toISOString()).join());
    fired.forEach((at, i) => {
      assert.ok(Math.abs(at - (planned[i]! - skew)) < 1000, `${new Date(at).toISOString()}`);
    });
  } finally {
    await daemon.stop();
    clock.dispose();
  }
});

const FALL_BACK = `
timezone: Europe/London
sockets:
  lamp: { mac: "ac:cf:23:77:20:02" }
  fan: { mac: "ac:cf:23:77:20:03" }
rules:
  - { name: Night light, sockets: lamp, on: "01:15", off: "01:45", run: device }
  - { name: Fan once, sockets: fan, on: "01:20", off: "01:40", dates: [10-25] }
`;

Deno.test("on a fall-back day each event in the repeated hour happens once (host-run; socket records do not fire twice)", async () => {
  // Sunday 25 October 2026: 02:00 BST becomes 01:00 GMT at 01:00Z; 01:00–01:59 comes twice.
  const clock = new VirtualClock({ start: "2026-10-24T12:00:00Z" });
  await using file = await tempSchedule(FALL_BACK);
  await using rig = await scheduleRig(FALL_BACK, {
    clock,
    ...QUICK,
    // The worst case for firmware not yet observed across a fall-back: when the zone change
    // moves its clock back, a timer whose time comes again fires again.
    emulator: () => ({ discoverySpacingMs: 1, refireWhenClockGoesBack: true }),
  });
  const { daemon, log } = daemonFor(rig, clock, file.path, {
    maxSleepMs: 15 * 60_000,
    clockCheckMs: 86_400_000,
  });
  const switches = (alias: string) =>
    rig.emulators[alias]!.device.history.map((c) => [new Date(c.at).toISOString(), c.on]);
  try {
    await daemon.start();
    await play(clock, daemon, 86_400_000, 60 * 60_000); // to Sunday 12:00Z
    assert.deepEqual(switches("lamp"), [
      ["2026-10-25T00:15:00.000Z", true], // 01:15 BST, the first 01:15
      ["2026-10-25T00:45:00.000Z", false], // 01:45 BST
    ]);
    assert.deepEqual(switches("fan"), [
      ["2026-10-25T00:20:00.000Z", true],
      ["2026-10-25T00:40:00.000Z", false],
    ]);
    const fired = log.filter((e) => e.kind === "fired").map((e) => `${e.socket} ${e.action}`);
    assert.deepEqual(fired, ["lamp on", "fan on", "fan off", "lamp off"], "each by the host, once");
    assert.equal(rig.emulators.lamp!.device.socketData.dst, false, "the zone moved back to GMT");
    // Monday: the socket's weekly records fire again on their own.
    await play(clock, daemon, 86_400_000, 60 * 60_000);
    const monday = rig.emulators.lamp!.device.history.slice(2).map((
      c,
    ) => [new Date(c.at).toISOString(), c.on, c.cause]);
    assert.deepEqual(monday, [
      ["2026-10-26T01:15:00.000Z", true, "timer"],
      ["2026-10-26T01:45:00.000Z", false, "timer"],
    ]);
  } finally {
    await daemon.stop();
    clock.dispose();
  }
});
