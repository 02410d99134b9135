import assert from "node:assert/strict";
import { VirtualClock } from "../../lib/time/mod.ts";
import type { SchedulerDaemon } from "../../lib/scheduler/daemon.ts";
import {
  daemonFor,
  QUICK,
  type ScheduleRig,
  scheduleRig,
  tempSchedule,
} from "../helpers/schedule_rig.ts";

async function play(clock: VirtualClock, daemon: SchedulerDaemon, ms: number, step = 5 * 60_000) {
  for (let done = 0; done < ms; done += step) {
    await clock.advance(Math.min(step, ms - done), () => daemon.idle());
  }
}

/** Relay switches made by the host (dc), as ISO instants and states. */
function hostSwitches(rig: ScheduleRig, alias: string): [string, boolean][] {
  return rig.emulators[alias]!.device.history.filter((c) => c.cause === "dc")
    .map((c) => [new Date(c.at).toISOString(), c.on]);
}

Deno.test("host events fire at their planned instants", async () => {
  const yaml = `
timezone: Europe/London
sockets: { pump: { mac: "ac:cf:23:77:30:01" } }
rules:
  - { name: Start, sockets: pump, cron: "0 */2 * * *", action: on }
  - { name: Stop, sockets: pump, cron: "30 */2 * * *", action: off }
`;
  // 05:15Z: the 05:00Z event is 15 min past, beyond the default 10 min catch-up grace.
  const clock = new VirtualClock({ start: "2026-06-01T05:15:00Z" });
  await using file = await tempSchedule(yaml);
  await using rig = await scheduleRig(yaml, { clock, ...QUICK });
  const { daemon, log } = daemonFor(rig, clock, file.path);
  try {
    await daemon.start();
    assert.ok(
      log.some((e) => e.kind === "missed" && /15m late, past its 10m grace/.test(e.message)),
    );
    await play(clock, daemon, 5 * 3600_000 - 5 * 60_000);
    const fired = log.filter((e) => e.kind === "fired");
    assert.deepEqual(fired.map((e) => [e.at.toISOString(), e.action]), [
      ["2026-06-01T05:30:00.000Z", "off"], // 06:30 BST (already off: no relay change)
      ["2026-06-01T07:00:00.000Z", "on"],
      ["2026-06-01T07:30:00.000Z", "off"],
      ["2026-06-01T09:00:00.000Z", "on"],
      ["2026-06-01T09:30:00.000Z", "off"],
    ]);
    // The socket saw each switch at the planned instant.
    assert.deepEqual(hostSwitches(rig, "pump"), [
      ["2026-06-01T07:00:00.000Z", true],
      ["2026-06-01T07:30:00.000Z", false],
      ["2026-06-01T09:00:00.000Z", true],
      ["2026-06-01T09:30:00.000Z", false],
    ]);
    assert.ok(
      fired.every((e) => e.lateMs === 0),
      "on a virtual clock every event fires on the dot",
    );
  } finally {
    await daemon.stop();
    clock.dispose();
  }
});

const DAY = `
timezone: Europe/London
sockets:
  lamp: { mac: "ac:cf:23:77:31:01" }
  fan: { mac: "ac:cf:23:77:31:02" }
rules:
  - { name: Daylight, sockets: lamp, on: "07:00", off: "20:00", run: host }
  - { name: Noon, sockets: fan, at: "12:00", action: on, run: host, catchUp: 30m }
`;

Deno.test("a restart mid-day reconciles windows and never fires an event twice", async () => {
  const clock = new VirtualClock({ start: "2026-06-01T05:00:00Z" }); // 06:00 BST
  await using file = await tempSchedule(DAY);
  const state = `${file.path}.state.json`;
  await using rig = await scheduleRig(DAY, { clock, ...QUICK });
  const first = daemonFor(rig, clock, file.path, { statePath: state });
  await first.daemon.start();
  await play(clock, first.daemon, 6 * 3600_000 + 5 * 60_000); // to 12:05 BST
  await first.daemon.stop();
  assert.deepEqual(hostSwitches(rig, "lamp"), [["2026-06-01T06:00:00.000Z", true]]);
  assert.deepEqual(hostSwitches(rig, "fan"), [["2026-06-01T11:00:00.000Z", true]]);

  // While the daemon is down, someone switches both off at the socket.
  rig.emulators.lamp!.device.pressButton();
  rig.emulators.fan!.device.pressButton();
  await clock.advance(5 * 60_000); // 12:10 BST, inside the noon rule's 30 min grace

  const second = daemonFor(rig, clock, file.path, { statePath: state });
  try {
    await second.daemon.start();
    await second.daemon.idle();
    // The window says on: set again. The noon event already fired: not again.
    assert.equal(rig.emulators.lamp!.device.on, true);
    assert.equal(rig.emulators.fan!.device.on, false);
    assert.deepEqual(hostSwitches(rig, "fan"), [["2026-06-01T11:00:00.000Z", true]]);
    assert.ok(
      second.log.some((e) => e.kind === "reconciled" && e.socket === "lamp" && e.action === "on"),
    );
  } finally {
    await second.daemon.stop();
    clock.dispose();
  }
});

Deno.test("an event missed while down fires within its grace, and is logged as missed past it", async () => {
  for (
    const [start, fires] of [["2026-06-01T11:20:00Z", true], [
      "2026-06-01T12:00:00Z",
      false,
    ]] as const
  ) {
    const clock = new VirtualClock({ start });
    await using file = await tempSchedule(DAY);
    await using rig = await scheduleRig(DAY, { clock, ...QUICK });
    const { daemon, log } = daemonFor(rig, clock, file.path);
    try {
      await daemon.start();
      await daemon.idle();
      assert.equal(rig.emulators.fan!.device.on, fires, start);
      const missed = log.filter((e) => e.kind === "missed" && e.socket === "fan");
      assert.equal(missed.length, fires ? 0 : 1, start);
      if (!fires) assert.match(missed[0]!.message, /past its 30m grace/);
    } finally {
      await daemon.stop();
      clock.dispose();
    }
  }
});

Deno.test("a restart inside the repeated hour of a fall-back does not fire twice", async () => {
  const yaml = `
timezone: Europe/London
sockets: { pump: { mac: "ac:cf:23:77:32:01" } }
rules:
  - { name: Half-hourly, sockets: pump, cron: "*/30 * * * *", action: on }
  - { name: Quarter past, sockets: pump, cron: "15,45 * * * *", action: off }
`;
  // 25 October 2026: 02:00 BST becomes 01:00 GMT at 01:00Z; 01:00–01:59 happens twice.
  const clock = new VirtualClock({ start: "2026-10-24T23:56:00Z" }); // 23:45Z is past its grace
  await using file = await tempSchedule(yaml);
  const state = `${file.path}.state.json`;
  await using rig = await scheduleRig(yaml, { clock, ...QUICK });
  const first = daemonFor(rig, clock, file.path, { statePath: state });
  await first.daemon.start();
  await play(clock, first.daemon, 49 * 60_000); // to 00:45Z = 01:45 BST (first pass)
  await first.daemon.stop();
  await clock.advance(25 * 60_000); // 01:10Z = 01:10 GMT (second pass)
  const second = daemonFor(rig, clock, file.path, { statePath: state });
  try {
    await second.daemon.start();
    await play(clock, second.daemon, 30 * 60_000); // to 01:40Z
    const fired = [...first.log, ...second.log].filter((e) => e.kind === "fired").map((e) =>
      e.at.toISOString()
    );
    assert.deepEqual(fired, [
      "2026-10-25T00:00:00.000Z", // 01:00 BST
      "2026-10-25T00:15:00.000Z",
      "2026-10-25T00:30:00.000Z", // 01:30 BST
      "2026-10-25T00:45:00.000Z",
      "2026-10-25T01:10:00.000Z", // 01:00 GMT, caught up at restart within 10 min
      "2026-10-25T01:15:00.000Z",
      "2026-10-25T01:30:00.000Z", // 01:30 GMT
    ]);
    // The socket switched once at each of them, and at no other instant.
    assert.deepEqual(hostSwitches(rig, "pump"), [
      ["2026-10-25T00:00:00.000Z", true],
      ["2026-10-25T00:15:00.000Z", false],
      ["2026-10-25T00:30:00.000Z", true],
      ["2026-10-25T00:45:00.000Z", false],
      ["2026-10-25T01:10:00.000Z", true],
      ["2026-10-25T01:15:00.000Z", false],
      ["2026-10-25T01:30:00.000Z", true],
    ]);
  } finally {
    await second.daemon.stop();
    clock.dispose();
  }
});

Deno.test("reload with a broken file keeps the old schedule running; a good file replaces it", async () => {
  const yaml = `
timezone: UTC
sockets: { pump: { mac: "ac:cf:23:77:33:01" } }
rules:
  - { name: Hourly, sockets: pump, cron: "0 * * * *", action: on }
  - { name: Half past, sockets: pump, cron: "30 * * * *", action: off }
`;
  const clock = new VirtualClock({ start: "2026-06-01T05:50:00Z" });
  await using file = await tempSchedule(yaml);
  await using rig = await scheduleRig(yaml, { clock, ...QUICK });
  const { daemon, log } = daemonFor(rig, clock, file.path);
  try {
    await daemon.start();
    await Deno.writeTextFile(file.path, yaml.replace('cron: "0 * * * *"', 'crom: "0 * * * *"'));
    assert.equal(await daemon.reload(), false);
    const failed = log.find((e) => e.kind === "reload-failed")!;
    assert.match(failed.message, /schedule\.yaml:5:\d+: unknown key 'crom' .*did you mean 'cron'/);
    await play(clock, daemon, 60 * 60_000); // to 06:50: the old rules still fire
    assert.deepEqual(hostSwitches(rig, "pump").map(([at]) => at), [
      "2026-06-01T06:00:00.000Z",
      "2026-06-01T06:30:00.000Z",
    ]);

    await Deno.writeTextFile(file.path, yaml.replace('"30 * * * *"', '"45 * * * *"'));
    assert.equal(await daemon.reload(), true);
    await play(clock, daemon, 60 * 60_000); // to 07:50
    assert.deepEqual(hostSwitches(rig, "pump").map(([at]) => at).slice(2), [
      "2026-06-01T07:00:00.000Z",
      "2026-06-01T07:45:00.000Z",
    ]);
  } finally {
    await daemon.stop();
    clock.dispose();
  }
});

Deno.test("the daemon reloads by itself when the file changes", async () => {
  const yaml =
    `timezone: UTC\nsockets: { pump: { mac: "ac:cf:23:77:34:01" } }\nrules:\n  - { sockets: pump, cron: "0 * * * *", action: on }\n`;
  const clock = new VirtualClock({ start: "2026-06-01T05:50:00Z" });
  await using file = await tempSchedule(yaml);
  await using rig = await scheduleRig(yaml, { clock, ...QUICK });
  const { daemon, log } = daemonFor(rig, clock, file.path, { watch: true });
  try {
    await daemon.start();
    await Deno.writeTextFile(file.path, "rules: [");
    const deadline = performance.now() + 3000;
    while (!log.some((e) => e.kind === "reload-failed") && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(log.some((e) => e.kind === "reload-failed"), "a change to the file was noticed");
  } finally {
    await daemon.stop();
    clock.dispose();
  }
});
