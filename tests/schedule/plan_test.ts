/** plan(): windows, filters, random offsets, placement on the socket or the host, errors. */
import assert from "node:assert/strict";
import { plan, type PlannedEvent } from "../../lib/schedule/mod.ts";
import { locals, scheduleOf } from "../helpers/schedule_builders.ts";

const LONDON = ["location: {latitude: 51.5074, longitude: -0.1278}"];

function summary(events: readonly PlannedEvent[]): string[] {
  return events.map((e) => `${e.local} ${e.socket} ${e.action} ${e.source}`);
}

Deno.test("plan() closes a window on the next day when off is not after on", () => {
  const schedule = scheduleOf([
    "sockets: {heater: {ip: 192.0.2.1}}",
    "rules: [{sockets: heater, on: '22:00', off: '06:00', days: fri}]",
  ], "Europe/Berlin");
  const result = plan(schedule, { from: "2026-05-08", days: 2 });
  assert.deepEqual(summary(result.events), [
    "2026-05-08T22:00:00+02:00 heater on window-start",
    "2026-05-09T06:00:00+02:00 heater off window-end",
  ]);
  assert.equal(result.events[1]!.anchorDate, "2026-05-08", "the edge belongs to Friday's window");
});

Deno.test("plan() takes a window's off time from the next day when a sun time comes after it", () => {
  // Reykjavík, midsummer: sunset is after midnight, so 23:00 of the same day is before it.
  const schedule = scheduleOf([
    "location: {latitude: 64.1355, longitude: -21.8954}",
    "sockets: {porch: {ip: 192.0.2.1}}",
    "rules: [{sockets: porch, on: sunset, off: '01:00', days: sun}]",
  ], "Atlantic/Reykjavik");
  const { events } = plan(schedule, { from: "2026-06-21", days: 2 });
  assert.equal(events.length, 2);
  assert.match(events[0]!.local, /^2026-06-22T00:0\d/);
  assert.equal(events[1]!.local, "2026-06-22T01:00:00+00:00");
  assert.ok(events.every((e) => e.anchorDate === "2026-06-21"));
});

Deno.test("plan() orders events by instant, off before on at the same instant", () => {
  const schedule = scheduleOf([
    "sockets: {a: {ip: 192.0.2.1}, b: {ip: 192.0.2.2}}",
    "rules:",
    "  - {sockets: [b, a], on: '18:00', off: '20:00'}",
    "  - {sockets: a, on: '20:00', off: '21:00'}",
    "  - {sockets: b, at: '06:00', action: off}",
  ]);
  const result = plan(schedule, { from: "2026-01-05", days: 1 });
  assert.deepEqual(summary(result.events), [
    "2026-01-05T06:00:00+00:00 b off event",
    "2026-01-05T18:00:00+00:00 a on window-start",
    "2026-01-05T18:00:00+00:00 b on window-start",
    "2026-01-05T20:00:00+00:00 a off window-end",
    "2026-01-05T20:00:00+00:00 b off window-end",
    "2026-01-05T20:00:00+00:00 a on window-start",
    "2026-01-05T21:00:00+00:00 a off window-end",
  ]);
});

Deno.test("plan() skips days outside days and dates, and excepted days, with the reason", () => {
  const schedule = scheduleOf([
    "sockets: {tree: {ip: 192.0.2.1}}",
    "rules:",
    "  - {id: tree, sockets: tree, at: '17:00', action: on, dates: 12-30..01-02, except: 12-31}",
    "  - {id: work, sockets: tree, at: '08:00', action: off, days: mon-fri}",
  ]);
  const result = plan(schedule, { from: "2026-12-29", days: 6 });
  assert.deepEqual(
    result.events.filter((e) => e.ruleId === "tree").map((e) => e.anchorDate),
    ["2026-12-30", "2027-01-01", "2027-01-02"],
  );
  const reasons = result.skipped.map((s) => `${s.date} ${s.ruleId}: ${s.reason}`);
  assert.deepEqual(reasons, [
    "2026-12-29 tree: not in dates (12-30..01-02)",
    "2026-12-31 tree: excepted (12-31)",
    "2027-01-02 work: not in days (mon-fri)",
    "2027-01-03 tree: not in dates (12-30..01-02)",
    "2027-01-03 work: not in days (mon-fri)",
  ]);
});

Deno.test("plan() draws random offsets within ±random, the same every time, per rule and day", () => {
  const lines = [
    "seed: alpha",
    "sockets: {lamp: {ip: 192.0.2.1}}",
    "rules: [{id: jitter, sockets: lamp, at: '20:00', action: on, random: 15m}]",
  ];
  const schedule = scheduleOf(lines);
  const year = plan(schedule, { from: "2026-01-01", days: 365 });
  const offsets = year.events.map((e) => {
    const local = Temporal.Instant.from(e.at.toString()).toZonedDateTimeISO("UTC");
    return (local.hour - 20) * 3600 + local.minute * 60 + local.second;
  });
  assert.equal(offsets.length, 365);
  assert.ok(offsets.every((s) => s >= -900 && s <= 900), "within ±15 minutes");
  assert.ok(Math.min(...offsets) < -800 && Math.max(...offsets) > 800, "spread over the range");
  const mean = offsets.reduce((a, b) => a + b, 0) / offsets.length;
  assert.ok(Math.abs(mean) < 100, `mean ${mean} s is near 0`);
  assert.ok(new Set(offsets).size > 300, "differs from day to day");
  assert.match(year.events[0]!.note ?? "", /^random offset [+-]\d/);

  // Reproducible, and independent of the window asked for.
  assert.deepEqual(
    locals(plan(schedule, { from: "2026-01-01", days: 365 }).events),
    locals(year.events),
  );
  const march = plan(schedule, { from: "2026-03-10", days: 3 });
  assert.deepEqual(locals(march.events), locals(year.events.slice(68, 71)));
  // Another seed (file field or option) draws differently.
  const other = plan(scheduleOf(lines.with(0, "seed: beta")), { from: "2026-01-01", days: 30 });
  assert.notDeepEqual(locals(other.events), locals(year.events.slice(0, 30)));
  const option = plan(schedule, { from: "2026-01-01", days: 30, seed: "beta" });
  assert.deepEqual(locals(option.events), locals(other.events));
});

Deno.test("plan() puts fixed weekday rules in weekly socket timers and sun rules in one-shot ones", () => {
  const schedule = scheduleOf([
    ...LONDON,
    "sockets: {porch: {ip: 192.0.2.1}}",
    "rules:",
    "  - {id: night, sockets: porch, at: '23:30:15', action: off, days: mon-fri}",
    "  - {id: dusk, sockets: porch, at: sunset-30m, action: on}",
  ], "Europe/London");
  const result = plan(schedule, { from: "2026-06-01", days: 3 });
  const night = result.events.find((e) => e.ruleId === "night")!;
  assert.equal(night.run, "device");
  assert.equal(night.reason, "weekly socket timer (mon-fri at 23:30:15)");
  assert.deepEqual(night.timer, {
    kind: "weekly",
    hour: 23,
    minute: 30,
    second: 15,
    days: 0b11111,
  });
  const dusk = result.events.find((e) => e.ruleId === "dusk")!;
  assert.equal(dusk.run, "device");
  assert.equal(dusk.reason, "one-shot socket timer (sun times move every day)");
  const local = Temporal.ZonedDateTime.from(`${dusk.local}[Europe/London]`);
  assert.deepEqual(dusk.timer, {
    kind: "once",
    year: 2026,
    month: 6,
    day: 1,
    hour: local.hour,
    minute: local.minute,
    second: local.second,
  });
  const porch = result.sockets.find((s) => s.socket === "porch")!;
  assert.equal(porch.weeklyTimers.length, 1);
  assert.equal(porch.oneShotTimers, 3);
});

Deno.test("plan() gives the host what the socket table cannot hold or is beyond the horizon", () => {
  const schedule = scheduleOf([
    ...LONDON,
    "sockets: {lamp: {ip: 192.0.2.1}}",
    "rules:",
    "  - {id: weekly, sockets: lamp, at: '07:00', action: on}",
    "  - {id: sun, sockets: lamp, at: sunset, action: on}",
    "  - {id: must, sockets: lamp, at: sunrise, action: off, run: device}",
    "  - {id: host, sockets: lamp, at: '12:00', action: off, run: host}",
    "  - {id: cron, sockets: lamp, cron: '0 9 * * *', action: off}",
  ], "Europe/London");
  const result = plan(schedule, { from: "2026-03-02", days: 5, capacity: 4, horizonDays: 3 });
  const runs = (id: string) => result.events.filter((e) => e.ruleId === id).map((e) => e.run);
  assert.deepEqual(runs("weekly"), ["device", "device", "device", "device", "device"]);
  // run: device goes first: its sunrises in the 3-day horizon take 3 slots, leaving 0.
  assert.deepEqual(runs("must"), ["device", "device", "device", "host", "host"]);
  assert.deepEqual(runs("sun"), ["host", "host", "host", "host", "host"]);
  assert.deepEqual(runs("host"), ["host", "host", "host", "host", "host"]);
  assert.deepEqual(runs("cron"), ["host", "host", "host", "host", "host"]);
  const reason = (id: string, n: number) => result.events.filter((e) => e.ruleId === id)[n]!.reason;
  assert.equal(reason("sun", 0), "the socket timer table is full (4 timers)");
  assert.equal(reason("sun", 4), "beyond the 3-day horizon of socket timers");
  assert.equal(
    reason("must", 3),
    "run: device, but beyond the 3-day horizon of socket timers; the host fires it",
  );
  assert.equal(reason("host", 0), "run: host");
  assert.equal(reason("cron", 0), "cron rules run on the host");
  assert.ok(result.events.filter((e) => e.run === "host").every((e) => e.timer === null));
  const lamp = result.sockets[0]!;
  assert.equal(lamp.weeklyTimers.length + lamp.oneShotTimers, 4);
});

Deno.test("plan() says why a sun rule does not fire on a polar day", () => {
  const schedule = scheduleOf([
    "location: {latitude: 78.2233, longitude: 15.6469}",
    "sockets: {lamp: {ip: 192.0.2.1}}",
    "rules: [{id: dusk, sockets: lamp, on: sunset, off: '23:00'}]",
  ], "Arctic/Longyearbyen");
  const result = plan(schedule, { from: "2026-06-01", days: 2 });
  assert.deepEqual(result.events, []);
  assert.deepEqual(result.skipped.map((s) => s.reason), [
    "no sunset on 2026-06-01 (sun always up)",
    "no sunset on 2026-06-02 (sun always up)",
  ]);
});

Deno.test("plan() switches every socket a rule names", () => {
  const schedule = scheduleOf([
    "sockets: {a: {ip: 192.0.2.1}, b: {ip: 192.0.2.2}, c: {ip: 192.0.2.3}}",
    "rules: [{sockets: [c, a], at: '10:00', action: on}]",
  ]);
  const { events, sockets } = plan(schedule, { from: "2026-01-01", days: 1 });
  assert.deepEqual(events.map((e) => e.socket), ["a", "c"], "in the file's socket order");
  assert.deepEqual(sockets.map((s) => s.socket), ["a", "b", "c"]);
});

Deno.test("plan() accepts a Temporal.PlainDate and spans whole local days", () => {
  const schedule = scheduleOf(["sockets: {a: {ip: 192.0.2.1}}", "rules: []"], "Asia/Tokyo");
  const result = plan(schedule, { from: Temporal.PlainDate.from("2026-07-01"), days: 2 });
  assert.equal(result.from, "2026-07-01");
  assert.equal(result.start.toString(), "2026-06-30T15:00:00Z");
  assert.equal(result.end.toString(), "2026-07-02T15:00:00Z");
  assert.equal(result.timezone, "Asia/Tokyo");
});

Deno.test("plan() rejects bad options with TypeError and RangeError", () => {
  const schedule = scheduleOf(["sockets: {a: {ip: 192.0.2.1}}", "rules: []"]);
  assert.throws(() => plan(schedule, { from: "2026-13-01" }), TypeError);
  assert.throws(() => plan(schedule, { from: "tomorrow" }), /'from' must be a Temporal\.PlainDate/);
  assert.throws(
    () => plan(schedule, { from: "2026-01-01", days: 0 }),
    /'days' must be an integer from 1 to 3660: current value is 0/,
  );
  assert.throws(() => plan(schedule, { from: "2026-01-01", capacity: -1 }), RangeError);
  assert.throws(() => plan(schedule, { from: "2026-01-01", horizonDays: 1.5 }), RangeError);
});

Deno.test("plan() says why each edge needs a one-shot socket timer", () => {
  const schedule = scheduleOf([
    ...LONDON,
    "sockets: {a: {ip: 192.0.2.1}}",
    "rules:",
    "  - {sockets: a, on: sunset, off: '23:00'}",
    "  - {sockets: a, on: '07:00', off: '08:00', random: 5m}",
    "  - {sockets: a, on: '09:00', off: '10:00', except: 12-25}",
  ], "Europe/London");
  const reasons = plan(schedule, { from: "2026-03-02", days: 1 }).events
    .map((e) => `${e.source}: ${e.reason}`);
  assert.deepEqual(reasons, [
    "window-start: one-shot socket timer (random offset)",
    "window-end: one-shot socket timer (random offset)",
    "window-start: one-shot socket timer (dated rule)",
    "window-end: one-shot socket timer (dated rule)",
    "window-start: one-shot socket timer (sun times move every day)",
    "window-end: one-shot socket timer (the window's other edge is a sun time)",
  ]);
});
