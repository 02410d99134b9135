import assert from "node:assert/strict";
import { ownerOf } from "../../lib/scheduler/owned_timers.ts";
import { syncSchedule } from "../../lib/scheduler/sync.ts";
import { timerView } from "../../mod.ts";
import { scheduleRig } from "../helpers/schedule_rig.ts";

const YAML = `
timezone: Europe/London
location: { latitude: 51.5, longitude: -0.12 }
sockets:
  lamp: { mac: "ac:cf:23:77:10:01" }
  fan: { mac: "ac:cf:23:77:10:02" }
rules:
  - { name: Wake, sockets: lamp, at: "07:30", action: on, days: mon-fri }
  - { name: Night, sockets: lamp, at: "23:00", action: off }
  - { name: Xmas, id: xmas, sockets: fan, at: "18:00", action: on, dates: [12-24..12-26] }
  - { name: Quarterly, sockets: fan, cron: "*/15 * * * *", action: off }
`;
// A Wednesday; the one-shot horizon is 7 days.
const NOW = new Date("2026-12-23T12:00:00Z");

function table(timers: readonly Parameters<typeof timerView>[0][]) {
  return timers.map((t) => ({ ...timerView(t), owner: ownerOf(t) }))
    .sort((a, b) => `${a.time}${a.date}`.localeCompare(`${b.time}${b.date}`));
}

Deno.test("the first sync writes exactly the schedule's records; the second writes nothing", async () => {
  await using rig = await scheduleRig(YAML, { emulator: () => ({ time: "unset" }) });
  const sockets = await rig.sockets();
  const first = await syncSchedule(rig.schedule, sockets, { now: NOW });
  assert.ok(
    first.sockets.every((s) => s.verified && s.error === null),
    JSON.stringify(first.sockets),
  );
  const wake = rig.schedule.rules[0]!.id;
  const night = rig.schedule.rules[1]!.id;
  assert.deepEqual(table(rig.emulators.lamp!.device.timers).map(({ id: _, ...t }) => t), [
    { action: "on", time: "07:30:00", days: ["mon", "tue", "wed", "thu", "fri"], owner: wake },
    {
      action: "off",
      time: "23:00:00",
      days: ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
      owner: night,
    },
  ]);
  assert.deepEqual(table(rig.emulators.fan!.device.timers).map(({ id: _, ...t }) => t), [
    { action: "on", time: "18:00:00", date: "2026-12-24", owner: "xmas" },
    { action: "on", time: "18:00:00", date: "2026-12-25", owner: "xmas" },
    { action: "on", time: "18:00:00", date: "2026-12-26", owner: "xmas" },
  ]);
  // Clock and zone first: the clocks were unset, the zone was the factory UTC+8.
  assert.ok(first.sockets.every((s) => s.clock?.set && s.zone?.set));
  assert.ok(Object.values(rig.emulators).every((e) => e.device.deviceTime !== null));
  assert.ok(Object.values(rig.emulators).every((e) => e.device.socketData.timeZone === 0));
  // The cron rule runs on the host: the plan says so.
  assert.ok(
    first.plan.events.filter((e) => e.ruleName === "Quarterly").every((e) => e.run === "host"),
  );

  rig.writes();
  const second = await syncSchedule(rig.schedule, sockets, { now: NOW });
  assert.deepEqual(rig.writes(), []);
  assert.ok(second.sockets.every((s) => s.verified && !s.clock?.set && !s.zone?.set));
  assert.deepEqual(second.sockets.map((s) => s.timers!.unchanged), [2, 3]);
});

Deno.test("sync converges over 30% loss without duplicating a record", async () => {
  await using rig = await scheduleRig(YAML, {
    emulator: (alias) => ({
      faults: { seed: alias === "lamp" ? 5 : 6, requestLoss: 0.3, replyLoss: 0.3, duplicate: 0.2 },
    }),
    timeout: 20_000,
  });
  const sockets = await rig.sockets();
  const report = await syncSchedule(rig.schedule, sockets, { now: NOW });
  assert.ok(
    report.sockets.every((s) => s.verified),
    JSON.stringify(report.sockets.map((s) => s.error)),
  );
  for (const alias of ["lamp", "fan"]) {
    const ids = rig.emulators[alias]!.device.timers.map((t) => t.id);
    assert.equal(new Set(ids).size, ids.length, `no duplicate ids on ${alias}`);
  }
  assert.equal(rig.emulators.lamp!.device.timers.length, 2);
  assert.equal(rig.emulators.fan!.device.timers.length, 3);
  const again = await syncSchedule(rig.schedule, sockets, { now: NOW });
  assert.ok(again.sockets.every((s) => s.verified && s.timers!.add.length === 0));
});

Deno.test("timers someone else made survive a sync, and go with --prune", async () => {
  await using rig = await scheduleRig(YAML);
  const sockets = await rig.sockets();
  const lamp = sockets.find((s) => s.alias === "lamp")!.socket!;
  const foreign = await lamp.addTimer({ on: true, time: "12:34", days: ["sun"] });
  await syncSchedule(rig.schedule, sockets, { now: NOW });
  const after = rig.emulators.lamp!.device.timers;
  assert.ok(after.some((t) => t.id === foreign.id && ownerOf(t) === null), "foreign timer kept");
  assert.equal(after.length, 3);
  const report = await syncSchedule(rig.schedule, sockets, { now: NOW, prune: true });
  assert.deepEqual(report.sockets[0]!.timers!.remove.map((t) => t.id), [foreign.id]);
  assert.ok(!rig.emulators.lamp!.device.timers.some((t) => t.id === foreign.id));
});

Deno.test("a dry run reports the changes and changes nothing", async () => {
  await using rig = await scheduleRig(YAML);
  const sockets = await rig.sockets();
  rig.writes();
  const report = await syncSchedule(rig.schedule, sockets, { now: NOW, dryRun: true });
  assert.deepEqual(rig.writes(), []);
  assert.equal(report.dryRun, true);
  assert.deepEqual(report.sockets.map((s) => s.timers!.add.length), [2, 3]);
  assert.ok(Object.values(rig.emulators).every((e) => e.device.timers.length === 0));
  assert.ok(report.sockets.every((s) => s.zone?.set === true && s.zone.after === "UTC+00:00"));
});

Deno.test("one-shot records that have fired are removed at the next sync", async () => {
  await using rig = await scheduleRig(YAML);
  const sockets = await rig.sockets();
  await syncSchedule(rig.schedule, sockets, { now: NOW });
  const report = await syncSchedule(rig.schedule, sockets, {
    now: new Date("2026-12-24T19:00:00Z"),
  });
  assert.deepEqual(report.sockets[1]!.timers!.remove.map((t) => t.date), ["2026-12-24"]);
  assert.deepEqual(rig.emulators.fan!.device.timers.map((t) => timerView(t).date).sort(), [
    "2026-12-25",
    "2026-12-26",
  ]);
});
