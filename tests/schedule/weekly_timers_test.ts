/** compileWeeklyTimers(): the weekly record form of a rule, or null. */
import assert from "node:assert/strict";
import { compileWeeklyTimers } from "../../lib/schedule/mod.ts";
import { scheduleOf } from "../helpers/schedule_builders.ts";

function rulesOf(...rules: string[]) {
  return scheduleOf([
    "location: {latitude: 48.85, longitude: 2.35}",
    "sockets: {s: {ip: 192.0.2.1}}",
    "rules:",
    ...rules.map((r) => `  - ${r}`),
  ], "Europe/Paris").rules;
}

Deno.test("compileWeeklyTimers() gives an event rule one weekly timer with its days", () => {
  const [rule] = rulesOf("{id: am, sockets: s, at: '06:45:30', action: on, days: [sat, sun]}");
  assert.deepEqual(compileWeeklyTimers(rule!), [
    {
      ruleId: "am",
      source: "event",
      action: "on",
      hour: 6,
      minute: 45,
      second: 30,
      days: 0b1100000,
    },
  ]);
});

Deno.test("compileWeeklyTimers() gives a window two timers, the off one a day later across midnight", () => {
  const [same, night] = rulesOf(
    "{id: day, sockets: s, on: '09:00', off: '17:00', days: mon-fri}",
    "{id: night, sockets: s, on: '22:00', off: '06:00', days: [fri, sun]}",
  );
  assert.deepEqual(compileWeeklyTimers(same!)!.map((t) => [t.source, t.action, t.hour, t.days]), [
    ["window-start", "on", 9, 0b0011111],
    ["window-end", "off", 17, 0b0011111],
  ]);
  // Friday → Saturday, and Sunday wraps to Monday.
  assert.deepEqual(compileWeeklyTimers(night!)!.map((t) => [t.source, t.hour, t.days]), [
    ["window-start", 22, 0b1010000],
    ["window-end", 6, 0b0100001],
  ]);
});

Deno.test("compileWeeklyTimers() returns null for rules with no weekly form", () => {
  const rules = rulesOf(
    "{sockets: s, at: sunset, action: on}",
    "{sockets: s, on: '18:00', off: sunrise}",
    "{sockets: s, at: '07:00', action: on, random: 5m}",
    "{sockets: s, at: '07:00', action: on, dates: 12-01..12-24}",
    "{sockets: s, at: '07:00', action: off, except: 12-25}",
    "{sockets: s, at: '08:00', action: on, run: host}",
    "{sockets: s, cron: '0 7 * * *', action: on}",
  );
  assert.deepEqual(rules.map((rule) => compileWeeklyTimers(rule)), rules.map(() => null));
});
