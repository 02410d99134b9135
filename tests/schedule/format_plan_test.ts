/** formatPlanText() and formatPlanJson(): the plan for people and for programs. */
import assert from "node:assert/strict";
import { formatPlanJson, formatPlanText, plan } from "../../lib/schedule/mod.ts";
import { scheduleOf } from "../helpers/schedule_builders.ts";

const schedule = scheduleOf([
  "location: {latitude: 69.6496, longitude: 18.956}",
  "sockets:",
  "  heater: {mac: ac:cf:23:00:00:07}",
  "  porch: {ip: 192.0.2.8}",
  "rules:",
  "  - {name: Night heat, id: heat, sockets: heater, on: '22:00', off: '06:30', days: sat}",
  "  - {id: dusk, sockets: porch, at: sunset, action: on}",
  "  - {id: tick, sockets: porch, cron: '0 12 * * *', action: off}",
], "Europe/Oslo");

// 23-27 July 2026 in Tromsø: the midnight sun ends (first sunset anchored on the 25th), and
// Saturday's window crosses midnight.
const result = plan(schedule, { from: "2026-07-23", days: 5 });

Deno.test("formatPlanText() lists each event with time, socket, action, rule, runner and reason", () => {
  const text = formatPlanText(result);
  const lines = text.split("\n");
  assert.equal(lines[0], "Plan of test.yaml from 2026-07-23 to 2026-07-27 (5 days) in Europe/Oslo");
  assert.ok(
    lines.includes(
      "  Sat 2026-07-25 22:00:00 +02:00  heater  on   Night heat [heat]  socket  " +
        "weekly socket timer (sat at 22:00)",
    ),
    text,
  );
  const dusk = lines.findIndex((l) => / porch +on +dusk +socket +one-shot socket timer/.test(l));
  assert.match(lines[dusk]!, /^ {2}Sun 2026-07-26 00:3\d:\d\d \+02:00/);
  assert.equal(lines[dusk + 1], "      ↳ anchor day 2026-07-25");
  assert.ok(lines.some((l) => / porch +off +tick +host +cron rules run on the host$/.test(l)));
});

Deno.test("formatPlanText() groups skipped days into ranges with their reasons", () => {
  const text = formatPlanText(result);
  assert.match(text, /\nSkipped\n/);
  assert.match(
    text,
    /^ {2}2026-07-23\.\.2026-07-24 {2}dusk \(porch\): no sunset \(sun always up\)$/m,
  );
  assert.match(
    text,
    /^ {2}2026-07-23\.\.2026-07-24 {2}Night heat \[heat\] \(heater\): not in days \(sat\)$/m,
  );
  assert.match(
    text,
    /^ {2}2026-07-26\.\.2026-07-27 {2}Night heat \[heat\] \(heater\): not in days \(sat\)$/m,
  );
});

Deno.test("formatPlanText() shows socket timer use and an hour bar per socket and day", () => {
  const text = formatPlanText(result);
  assert.match(text, /^ {2}heater: 2 weekly \+ 0 one-shot of 32$/m);
  assert.match(text, /^ {2}porch: 0 weekly \+ 3 one-shot of 32$/m);
  assert.match(text, /^ {4}Sat 07-25 {2}·{22}██ {2}22:00–24:00$/m);
  assert.match(text, /^ {4}Sun 07-26 {2}██████▒·{17} {2}00:00–06:30$/m);
  const short = formatPlanText(result, { timelineDays: 2 });
  assert.match(short, /… 3 more days/);
  assert.doesNotMatch(formatPlanText(result, { timeline: false }), /Timeline/);
  assert.throws(() => formatPlanText(result, { timelineDays: 0 }), RangeError);
});

Deno.test("formatPlanText() lists clock changes", () => {
  const autumn = plan(schedule, { from: "2026-10-25", days: 1 });
  assert.match(
    formatPlanText(autumn),
    /\nClock changes\n {2}Sun 2026-10-25 02:00:00 \+01:00 \(\+02:00 → \+01:00\): clocks go back 1h: 03:00 becomes 02:00/,
  );
});

Deno.test("formatPlanJson() gives each event's instant in UTC and local time with offset", () => {
  const json = JSON.parse(formatPlanJson(result));
  assert.equal(json.events.length, result.events.length);
  json.events.forEach((event: Record<string, unknown>, i: number) => {
    const original = result.events[i]!;
    assert.match(event.at as string, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(event.at, original.at.toString());
    assert.equal(
      Temporal.Instant.from(event.local as string).epochMilliseconds,
      original.at.epochMilliseconds,
    );
    assert.match(event.local as string, /[+-]\d\d:\d\d$/);
    for (const key of ["socket", "action", "ruleId", "source", "run", "reason", "anchorDate"]) {
      assert.equal(event[key], original[key as keyof typeof original], key);
    }
  });
  assert.equal(json.start, "2026-07-22T22:00:00Z");
  assert.equal(json.skipped.length, result.skipped.length);
  assert.deepEqual(json.sockets.map((s: { socket: string }) => s.socket), ["heater", "porch"]);
  assert.equal(formatPlanJson(result, { indent: 0 }).includes("\n"), false);
});
