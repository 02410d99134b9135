/**
 * The sun cases issue 6 names: events on the next civil date, polar summer edges, UTC+14,
 * and offsets that cross midnight and a DST change. Expected times are from
 * docs/scheduling.md#date-attribution (prototype values) and USNO; ±2 min absorbs model differences.
 */
import assert from "node:assert/strict";
import { plan, sunTime } from "../../lib/schedule/mod.ts";
import { scheduleOf } from "../helpers/schedule_builders.ts";

const TROMSO = ["location: {latitude: 69.6496, longitude: 18.956}"];
const REYKJAVIK = ["location: {latitude: 64.1355, longitude: -21.8954}"];

/** Asserts an ISO local time is within `seconds` of the expected one (same offset). */
function assertNear(actual: string | undefined, expected: string, seconds = 120): void {
  assert.ok(actual !== undefined, `expected about ${expected}, got nothing`);
  const delta = Temporal.Instant.from(actual).epochMilliseconds -
    Temporal.Instant.from(expected).epochMilliseconds;
  assert.ok(
    Math.abs(delta) <= seconds * 1000,
    `${actual} is not within ${seconds} s of ${expected}`,
  );
  assert.equal(actual.slice(19), expected.slice(19), "offset");
}

Deno.test("plan() puts Reykjavík's sunset of 21 June 2026 at about 00:03 on 22 June", () => {
  const schedule = scheduleOf([
    ...REYKJAVIK,
    "sockets: {porch: {ip: 192.0.2.1}}",
    // 21 June 2026 is a Sunday: the weekday filter applies to the anchor day, not the firing date.
    "rules: [{sockets: porch, at: sunset, action: on, days: sun}]",
  ], "Atlantic/Reykjavik");
  const { events, skipped } = plan(schedule, { from: "2026-06-20", days: 4 });
  assert.equal(events.length, 1);
  assert.equal(events[0]!.anchorDate, "2026-06-21");
  assertNear(events[0]!.local, "2026-06-22T00:03:00+00:00", 60);
  // Monday's own sunset (00:02 on Tuesday) is filtered by its anchor day.
  assert.ok(skipped.some((s) => s.date === "2026-06-22" && s.reason === "not in days (sun)"));
});

Deno.test("plan() finds no Tromsø sunset from 18 May to 24 July 2026 and the real edge crossings", () => {
  const schedule = scheduleOf([
    ...TROMSO,
    "sockets: {lamp: {ip: 192.0.2.1}}",
    "rules:",
    "  - {id: dusk, sockets: lamp, at: sunset, action: on}",
    "  - {id: dawn, sockets: lamp, at: sunrise, action: off}",
  ], "Europe/Oslo");
  const result = plan(schedule, { from: "2026-05-10", days: 90 });
  const byAnchor = (id: string, date: string) =>
    result.events.find((e) => e.ruleId === id && e.anchorDate === date);
  const skippedDays = (id: string) =>
    result.skipped.filter((s) => s.ruleId === id).map((s) => s.date);

  // Sunsets after midnight on the last evenings before the midnight sun.
  assertNear(byAnchor("dusk", "2026-05-17")?.local, "2026-05-18T00:28:00+02:00");
  const noSunset = skippedDays("dusk");
  assert.equal(noSunset[0], "2026-05-18");
  assert.equal(noSunset.at(-1), "2026-07-24");
  assert.equal(noSunset.length, 68, "every day from 18 May to 24 July");
  assert.equal(
    result.skipped.find((s) => s.ruleId === "dusk" && s.date === "2026-06-01")?.reason,
    "no sunset on 2026-06-01 (sun always up)",
  );
  // The first sunset after the midnight sun: anchored on 25 July, at 00:36 on the 26th.
  assertNear(byAnchor("dusk", "2026-07-25")?.local, "2026-07-26T00:36:16+02:00");

  // Sunrises: the real 00:52 crossing on 18 May (lost by solar-day libraries), then none
  // until 26 July.
  assertNear(byAnchor("dawn", "2026-05-18")?.local, "2026-05-18T00:52:53+02:00");
  const noSunrise = skippedDays("dawn");
  assert.equal(noSunrise[0], "2026-05-19");
  assert.equal(noSunrise.at(-1), "2026-07-25");
  assertNear(byAnchor("dawn", "2026-07-26")?.local, "2026-07-26T01:06:03+02:00");
});

Deno.test("sunTime() gives Kiritimati's (UTC+14) sunrise on 1 January on that local date", () => {
  const location = { latitude: 1.8721, longitude: -157.4278 };
  const sunrise = sunTime("sunrise", {
    date: "2026-01-01",
    location,
    timeZone: "Pacific/Kiritimati",
  });
  assertNear(sunrise.local ?? undefined, "2026-01-01T06:32:26+14:00");
  const sunset = sunTime("sunset", {
    date: "2026-01-01",
    location,
    timeZone: "Pacific/Kiritimati",
  });
  assertNear(sunset.local ?? undefined, "2026-01-01T18:33:34+14:00");

  const schedule = scheduleOf([
    "location: {latitude: 1.8721, longitude: -157.4278}",
    "sockets: {lamp: {ip: 192.0.2.1}}",
    "rules: [{sockets: lamp, at: sunrise, action: off}]",
  ], "Pacific/Kiritimati");
  const { events } = plan(schedule, { from: "2026-01-01", days: 1 });
  assert.equal(events.length, 1);
  assert.equal(events[0]!.anchorDate, "2026-01-01");
  assertNear(events[0]!.local, "2026-01-01T06:32:26+14:00");
});

Deno.test("plan() fires a London sunrise-6h rule of 29 March 2026 on the evening of the 28th", () => {
  const schedule = scheduleOf([
    "location: {latitude: 51.5074, longitude: -0.1278}",
    "sockets: {kettle: {ip: 192.0.2.1}}",
    "rules: [{sockets: kettle, at: sunrise-6h, action: on}]",
  ], "Europe/London");
  const { events } = plan(schedule, { from: "2026-03-28", days: 2 });
  // Sunrise on the 29th is 06:42:52 BST (05:42:52Z); six hours earlier is 23:42:52 GMT on
  // the 28th, before the clocks change. The 30th's event is 00:40 BST on the 30th: outside.
  assert.equal(events.length, 1);
  assert.equal(events[0]!.anchorDate, "2026-03-29");
  assertNear(events[0]!.local, "2026-03-28T23:42:52+00:00", 60);
  const sunrise = sunTime("sunrise", {
    date: "2026-03-29",
    location: { latitude: 51.5074, longitude: -0.1278 },
    timeZone: "Europe/London",
  });
  assert.equal(
    events[0]!.at.epochMilliseconds,
    sunrise.at!.epochMilliseconds - 6 * 3600_000,
    "the offset is an exact duration",
  );
});

Deno.test("sunTime() names the side of the sun when a twilight never happens", () => {
  // London in June: the sun never goes 18° down, so there is no astronomical dusk.
  const dusk = sunTime("astronomical-dusk", {
    date: "2026-06-21",
    location: { latitude: 51.5, longitude: -0.13 },
    timeZone: "Europe/London",
  });
  assert.equal(dusk.at, null);
  assert.equal(dusk.reason, "no astronomical dusk on 2026-06-21 (sun stays above -18°)");
  // Tromsø in December: the sun stays below the horizon all day.
  const sunrise = sunTime("sunrise", {
    date: "2026-12-21",
    location: { latitude: 69.6496, longitude: 18.956 },
    timeZone: "Europe/Oslo",
  });
  assert.equal(sunrise.reason, "no sunrise on 2026-12-21 (sun always down)");
});

Deno.test("sunTime() rejects bad arguments with TypeError and RangeError", () => {
  const location = { latitude: 51.5, longitude: 0 };
  assert.throws(
    () => sunTime("noon" as "sunset", { date: "2026-01-01", location }),
    TypeError,
  );
  assert.throws(() => sunTime("sunset", { date: "2026-02-30", location }), TypeError);
  assert.throws(
    () => sunTime("sunset", { date: "2026-01-01", location: { latitude: 91, longitude: 0 } }),
    /'latitude' must be a number from -90 to 90: current value is 91/,
  );
  assert.throws(
    () => sunTime("sunset", { date: "2026-01-01", location, timeZone: "Mars/Olympus" }),
    RangeError,
  );
});
