/**
 * Fixed times and cron across DST changes (time-and-sun.md §0, §3.1): a gap time fires once
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
