/**
 * Fixed times and cron across DST changes (docs/scheduling.md#fixed-times-across-dst): a gap time fires once
 * at the end of the gap, an overlap time once at its first occurrence, and interval cron
 * expressions follow real time.
 */
import assert from "node:assert/strict";
import { plan } from "../../lib/schedule/mod.ts";
import { locals, scheduleOf } from "../helpers/schedule_builders.ts";

function fixedAt(time: string, timezone: string) {
  return scheduleOf([
    "sockets: {s: {ip: 192.0.2.1}}",
    `rules: [{sockets: s, at: "${time}", action: on}]`,
  ], timezone);
}

function cronOf(pattern: string, timezone: string) {
  return scheduleOf([
    "sockets: {s: {ip: 192.0.2.1}}",
    `rules: [{sockets: s, cron: "${pattern}", action: on}]`,
  ], timezone);
}

Deno.test("plan() fires a London 01:30 rule at 02:00 BST on the spring-forward day, once", () => {
  const result = plan(fixedAt("01:30", "Europe/London"), { from: "2026-03-28", days: 3 });
  assert.deepEqual(locals(result.events), [
    "2026-03-28T01:30:00+00:00",
    "2026-03-29T02:00:00+01:00",
    "2026-03-30T01:30:00+01:00",
  ]);
  assert.equal(result.events[1]!.at.toString(), "2026-03-29T01:00:00Z");
  assert.match(result.events[1]!.note ?? "", /01:30 does not exist on 2026-03-29.*fires at 02:00/);
  assert.equal(result.dstChanges.length, 1);
  assert.equal(result.dstChanges[0]!.description, "clocks go forward 1h: 01:00 becomes 02:00");
  assert.equal(result.dstChanges[0]!.offsetBefore, "+00:00");
  assert.equal(result.dstChanges[0]!.offsetAfter, "+01:00");
});

Deno.test("plan() fires a London 01:30 rule once, in BST, on the fall-back day", () => {
  const result = plan(fixedAt("01:30", "Europe/London"), { from: "2026-10-25", days: 1 });
  assert.deepEqual(locals(result.events), ["2026-10-25T01:30:00+01:00"]);
  assert.equal(result.events[0]!.at.toString(), "2026-10-25T00:30:00Z");
  assert.match(result.events[0]!.note ?? "", /happens twice.*fires at the first/);
  assert.equal(result.dstChanges[0]!.description, "clocks go back 1h: 02:00 becomes 01:00");
});

Deno.test("plan() fires a New York 02:30 rule at 03:00 EDT on 8 March 2026", () => {
  const result = plan(fixedAt("02:30", "America/New_York"), { from: "2026-03-08", days: 1 });
  assert.deepEqual(locals(result.events), ["2026-03-08T03:00:00-04:00"]);
  assert.equal(result.events[0]!.at.toString(), "2026-03-08T07:00:00Z");
});

Deno.test("plan() handles Lord Howe's 30-minute DST in both directions", () => {
  const spring = plan(fixedAt("02:15", "Australia/Lord_Howe"), { from: "2026-10-04", days: 1 });
  assert.deepEqual(locals(spring.events), ["2026-10-04T02:30:00+11:00"]);
  assert.equal(spring.dstChanges[0]!.description, "clocks go forward 30m: 02:00 becomes 02:30");
  const autumn = plan(fixedAt("01:45", "Australia/Lord_Howe"), { from: "2026-04-05", days: 1 });
  assert.deepEqual(locals(autumn.events), ["2026-04-05T01:45:00+11:00"]);
  assert.equal(autumn.dstChanges[0]!.description, "clocks go back 30m: 02:00 becomes 01:30");
});

Deno.test("plan() handles Santiago's DST at midnight: no 00:00 in spring, 23:30 once in autumn", () => {
  const spring = plan(fixedAt("00:00", "America/Santiago"), { from: "2026-09-05", days: 3 });
  assert.deepEqual(locals(spring.events), [
    "2026-09-05T00:00:00-04:00",
    "2026-09-06T01:00:00-03:00",
    "2026-09-07T00:00:00-03:00",
  ]);
  // The day starts at 01:00, so the plan's window does too.
  const day = plan(fixedAt("12:00", "America/Santiago"), { from: "2026-09-06", days: 1 });
  assert.equal(day.start.toString(), "2026-09-06T04:00:00Z");
  const autumn = plan(fixedAt("23:30", "America/Santiago"), { from: "2026-04-04", days: 1 });
  assert.deepEqual(locals(autumn.events), ["2026-04-04T23:30:00-03:00"]);
  assert.equal(autumn.days, 1);
  assert.equal(autumn.end.toString(), "2026-04-05T04:00:00Z", "a 25-hour day");
});

Deno.test("plan() runs cron */30 in both passes of London's fall-back hour", () => {
  const result = plan(cronOf("*/30 * * * *", "Europe/London"), { from: "2026-10-25", days: 1 });
  assert.equal(result.events.length, 50, "25 hours of half-hours");
  const around = locals(result.events).filter((l) => l.slice(11, 13) === "01");
  assert.deepEqual(around, [
    "2026-10-25T01:00:00+01:00",
    "2026-10-25T01:30:00+01:00",
    "2026-10-25T01:00:00+00:00",
    "2026-10-25T01:30:00+00:00",
  ]);
  const steps = result.events.slice(1).map((e, i) =>
    e.at.epochMilliseconds - result.events[i]!.at.epochMilliseconds
  );
  assert.ok(steps.every((ms) => ms === 30 * 60_000), "every step is 30 real minutes");
  assert.ok(result.events.every((e) => e.run === "host" && e.source === "cron"));
});

Deno.test("plan() skips the spring-forward gap for cron */30 but moves a fixed cron time to its end", () => {
  const interval = plan(cronOf("*/30 * * * *", "Europe/London"), { from: "2026-03-29", days: 1 });
  assert.equal(interval.events.length, 46, "23 hours of half-hours");
  assert.ok(!locals(interval.events).some((l) => l.slice(11, 13) === "01"));
  const fixed = plan(cronOf("30 1 * * *", "Europe/London"), { from: "2026-03-29", days: 1 });
  assert.deepEqual(locals(fixed.events), ["2026-03-29T02:00:00+01:00"]);
  // A list counts as an interval with fixedTimeRule "no-wildcard": no run at the gap's end.
  const list = plan(cronOf("0 30 1,2 * * *", "Europe/London"), { from: "2026-10-25", days: 1 });
  assert.deepEqual(locals(list.events), ["2026-10-25T01:30:00+01:00", "2026-10-25T02:30:00+00:00"]);
});

Deno.test("plan() keeps a weekly socket timer off the gap day and gives that occurrence to the host", () => {
  const result = plan(fixedAt("01:30", "Europe/London"), { from: "2026-03-28", days: 3 });
  assert.deepEqual(result.events.map((e) => e.run), ["device", "host", "device"]);
  assert.match(
    result.events[1]!.reason,
    /weekly socket timer at 01:30 cannot fire at 02:00 on 2026-03-29/,
  );
  assert.deepEqual(result.events[0]!.timer, {
    kind: "weekly",
    hour: 1,
    minute: 30,
    second: 0,
    days: 127,
  });
});

Deno.test("plan() gives a fall-back day's repeated-hour occurrence to the host and keeps that day off the weekly socket timer", () => {
  // London, Sunday 25 October 2026: 01:00–01:59 comes twice. Planned from the Monday before.
  const result = plan(fixedAt("01:30", "Europe/London"), { from: "2026-10-19", days: 8 });
  const byDate = new Map(result.events.map((e) => [e.local.slice(0, 10), e]));
  const sunday = byDate.get("2026-10-25")!;
  assert.equal(sunday.run, "host");
  assert.equal(sunday.local, "2026-10-25T01:30:00+01:00", "at the first pass");
  assert.match(sunday.reason, /01:30 comes twice on 2026-10-25 as the clocks go back/);
  // Every other day the socket's weekly record fires; written without Sunday this week, so
  // the socket cannot fire at 01:30 GMT as well.
  const others = result.events.filter((e) => e !== sunday);
  assert.ok(others.every((e) => e.run === "device"), JSON.stringify(others.map((e) => e.reason)));
  assert.deepEqual(others[0]!.timer, {
    kind: "weekly",
    hour: 1,
    minute: 30,
    second: 0,
    days: 0b011_1111,
  });
  assert.equal(result.sockets[0]!.weeklyTimers[0]!.days, 0b011_1111);
  // Planned on the day after, the record has every day again.
  const after = plan(fixedAt("01:30", "Europe/London"), { from: "2026-10-26", days: 7 });
  assert.ok(after.events.every((e) => e.run === "device" && e.timer?.kind === "weekly"));
  assert.equal(after.sockets[0]!.weeklyTimers[0]!.days, 0b111_1111);
  // Planned on the Sunday before, that Sunday's record still fires; Monday's plan clears it.
  const weekBefore = plan(fixedAt("01:30", "Europe/London"), { from: "2026-10-18", days: 1 });
  assert.equal(weekBefore.events[0]!.run, "device");
  // A time outside the repeated hour keeps every day.
  const outside = plan(fixedAt("02:30", "Europe/London"), { from: "2026-10-19", days: 8 });
  assert.ok(outside.events.every((e) => e.run === "device"));
  assert.equal(outside.sockets[0]!.weeklyTimers[0]!.days, 0b111_1111);
});

Deno.test("plan() gives a one-shot occurrence in the repeated hour to the host, Santiago's (23:30 on the Saturday) too", () => {
  const dated = scheduleOf([
    "sockets: {s: {ip: 192.0.2.1}}",
    'rules: [{sockets: s, at: "01:10", action: on, dates: [10-25, 10-26]}]',
  ], "Europe/London");
  const result = plan(dated, { from: "2026-10-24", days: 3 });
  assert.deepEqual(result.events.map((e) => [e.local, e.run]), [
    ["2026-10-25T01:10:00+01:00", "host"],
    ["2026-10-26T01:10:00+00:00", "device"],
  ]);
  assert.equal(result.sockets[0]!.oneShotTimers, 1, "no slot spent on the host's occurrence");
  // Santiago goes back at 24:00 on Saturday 4 April 2026: 23:00–23:59 that Saturday repeats.
  const santiago = plan(fixedAt("23:30", "America/Santiago"), { from: "2026-04-01", days: 5 });
  assert.deepEqual(santiago.events.map((e) => [e.local, e.run]), [
    ["2026-04-01T23:30:00-03:00", "device"],
    ["2026-04-02T23:30:00-03:00", "device"],
    ["2026-04-03T23:30:00-03:00", "device"],
    ["2026-04-04T23:30:00-03:00", "host"],
    ["2026-04-05T23:30:00-04:00", "device"],
  ]);
  assert.equal(santiago.sockets[0]!.weeklyTimers[0]!.days, 0b101_1111, "without Saturday");
});
