/** Properties over many generated inputs (fast-check): resolving, parsing and planning. */
import assert from "node:assert/strict";
import fc from "npm:fast-check@4.11.0";
import { checkSchedule, plan } from "../../lib/schedule/mod.ts";
import { resolveLocal } from "../../lib/schedule/time/resolve_local.ts";
import { formatDuration, parseDuration } from "../../lib/schedule/notation/duration.ts";
import { ZoneClock } from "../../lib/schedule/time/zone_clock.ts";

const ZONES = [
  "Europe/London",
  "America/New_York",
  "America/Santiago",
  "Australia/Lord_Howe",
  "Pacific/Kiritimati",
  "Asia/Kolkata",
  "America/St_Johns",
  "Antarctica/Troll",
  "UTC",
];

const dateArb = fc.date({
  min: new Date("2000-01-01T00:00:00Z"),
  max: new Date("2040-12-31T00:00:00Z"),
  noInvalidDate: true,
})
  .map((d) => Temporal.PlainDate.from(d.toISOString().slice(0, 10)));
const timeArb = fc.record({
  hour: fc.integer({ min: 0, max: 23 }),
  minute: fc.integer({ min: 0, max: 59 }),
  second: fc.integer({ min: 0, max: 59 }),
});

/** Wall times within two hours of a zone's offset changes, where the cases are. */
const nearChangeArb = fc.tuple(
  fc.constantFrom(
    ...ZONES.filter((z) => z !== "UTC" && z !== "Pacific/Kiritimati" && z !== "Asia/Kolkata"),
  ),
  fc.integer({ min: 2000, max: 2040 }),
  fc.boolean(),
  fc.integer({ min: -120 * 60, max: 120 * 60 }),
).map(([zone, year, second, shift]) => {
  let change = Temporal.PlainDate.from({ year, month: 1, day: 1 }).toZonedDateTime({
    timeZone: zone,
  })
    .getTimeZoneTransition("next")!;
  if (second) change = change.getTimeZoneTransition("next")!;
  const wall = change.toPlainDateTime().add({ seconds: shift });
  return {
    zone,
    date: wall.toPlainDate(),
    time: { hour: wall.hour, minute: wall.minute, second: wall.second },
  };
});

Deno.test("resolveLocal() keeps existing wall times, moves gap times to the gap's end, takes the first of two", () => {
  const anyArb = fc.tuple(fc.constantFrom(...ZONES), dateArb, timeArb)
    .map(([zone, date, time]) => ({ zone, date, time }));
  let gaps = 0;
  let overlaps = 0;
  fc.assert(
    fc.property(fc.oneof(anyArb, nearChangeArb), ({ zone, date, time }) => {
      const { at, inGap, inOverlap } = resolveLocal(date, time, zone);
      if (inGap) gaps++;
      if (inOverlap) overlaps++;
      const local = at.toZonedDateTimeISO(zone);
      const wall = date.toPlainDateTime(time);
      if (inGap) {
        // The result is a transition instant, and the wall time asked for is skipped by it.
        const before = at.subtract({ nanoseconds: 1 }).toZonedDateTimeISO(zone);
        assert.ok(local.offsetNanoseconds > before.offsetNanoseconds);
        assert.ok(Temporal.PlainDateTime.compare(before.toPlainDateTime(), wall) < 0);
        assert.ok(Temporal.PlainDateTime.compare(local.toPlainDateTime(), wall) > 0);
      } else {
        assert.equal(Temporal.PlainDateTime.compare(local.toPlainDateTime(), wall), 0);
        // In an overlap the first occurrence has the larger (pre-change) offset.
        const later = wall.toZonedDateTime(zone, { disambiguation: "later" });
        assert.ok(local.offsetNanoseconds >= later.offsetNanoseconds);
        assert.equal(inOverlap, local.offsetNanoseconds !== later.offsetNanoseconds);
      }
    }),
    { numRuns: 2000 },
  );
  // Both cases were really exercised.
  assert.ok(gaps > 50 && overlaps > 50, `${gaps} gaps, ${overlaps} overlaps`);
});

Deno.test("ZoneClock's arithmetic agrees with Temporal on offsets, wall times and instants", () => {
  const clocks = new Map(ZONES.map((zone) => [
    zone,
    new ZoneClock(zone, Date.UTC(2000, 0, 1), Date.UTC(2041, 0, 1)),
  ]));
  fc.assert(
    fc.property(
      fc.oneof(
        fc.tuple(fc.constantFrom(...ZONES), dateArb, timeArb)
          .map(([zone, date, time]) => ({ zone, date, time })),
        nearChangeArb,
      ),
      ({ zone, date, time }) => {
        const clock = clocks.get(zone)!;
        const fast = clock.instantOf(date.toString(), time.hour, time.minute, time.second);
        const exact = resolveLocal(date, time, zone);
        // The shortcut declines exactly where care is needed, and agrees everywhere else.
        if (exact.inGap || exact.inOverlap) assert.equal(fast, null);
        if (fast !== null) assert.equal(fast, exact.at.epochMilliseconds);
        const ms = exact.at.epochMilliseconds;
        const zdt = exact.at.toZonedDateTimeISO(zone);
        assert.equal(clock.iso(ms), zdt.toString({ timeZoneName: "never" }));
        assert.deepEqual(clock.wall(ms), {
          year: zdt.year,
          month: zdt.month,
          day: zdt.day,
          hour: zdt.hour,
          minute: zdt.minute,
          second: zdt.second,
        });
      },
    ),
    { numRuns: 2000 },
  );
});

Deno.test("parseDuration() reads back what formatDuration() writes", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 200_000 }), (seconds) => {
      assert.equal(parseDuration(formatDuration(seconds)).value, seconds);
    }),
  );
});

const EXAMPLE = Deno.readTextFileSync(new URL("../../schedules.example.yaml", import.meta.url));

Deno.test("checkSchedule() never throws on damaged files and points inside them", () => {
  const damaged = fc.tuple(
    fc.integer({ min: 0, max: EXAMPLE.length }),
    fc.integer({ min: 0, max: 40 }),
    fc.string({
      maxLength: 12,
      unit: fc.constantFrom(..." \t\n:-[]{}'\"#&*!|>%@`,.0123456789abcon"),
    }),
  ).map(([at, cut, insert]) => EXAMPLE.slice(0, at) + insert + EXAMPLE.slice(at + cut));
  fc.assert(
    fc.property(fc.oneof(damaged, fc.string({ maxLength: 200 })), (text) => {
      const { schedule, issues } = checkSchedule(text, { file: "f.yaml", defaultTimeZone: "UTC" });
      assert.equal(schedule === null, issues.length > 0);
      const lines = text.split("\n").length;
      for (const issue of issues) {
        assert.ok(issue.line >= 1 && issue.line <= lines + 1, `line ${issue.line} of ${lines}`);
        assert.ok(issue.column >= 1);
        assert.ok(issue.message.length > 10);
      }
    }),
    { numRuns: 400 },
  );
});

const ruleArb = fc.oneof(
  fc.record({
    at: fc.oneof(
      timeArb.map((t) =>
        `"${String(t.hour).padStart(2, "0")}:${String(t.minute).padStart(2, "0")}"`
      ),
      fc.tuple(
        fc.constantFrom("sunrise", "sunset", "dawn", "nautical dusk"),
        fc.integer({ min: -600, max: 600 }),
      )
        .map(([word, minutes]) => `${word}${minutes < 0 ? "-" : "+"}${Math.abs(minutes)}m`),
    ),
    action: fc.constantFrom("on", "off"),
  }).map((r) => `{sockets: [a, b], at: ${r.at}, action: ${r.action}`),
  fc.tuple(timeArb, timeArb).map(([on, off]) =>
    `{sockets: a, on: "${on.hour}:${String(on.minute).padStart(2, "0")}", off: "${off.hour}:${
      String(off.minute).padStart(2, "0")
    }:01"`
  ),
  fc.constantFrom("*/20 * * * *", "0 7 * * 1-5", "15 1,2 * * *").map((c) =>
    `{sockets: b, cron: "${c}", action: on`
  ),
).chain((rule) =>
  fc.record({
    random: fc.constantFrom("", ", random: 30m"),
    days: fc.constantFrom("", ", days: mon-fri", ", days: [sat, sun]"),
  }).map(({ random, days }) => rule + (rule.includes("cron") ? "" : random) + days + "}")
);

Deno.test("plan() returns sorted, reproducible events inside the window for any rules", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...ZONES),
      fc.uniqueArray(ruleArb, { minLength: 1, maxLength: 5 }),
      fc.date({
        min: new Date("2026-01-01T00:00:00Z"),
        max: new Date("2027-12-31T00:00:00Z"),
        noInvalidDate: true,
      }),
      fc.integer({ min: 1, max: 10 }),
      (zone, rules, day, days) => {
        const text = [
          `timezone: ${zone}`,
          "location: {latitude: 51.5, longitude: -0.12}",
          "sockets: {a: {ip: 192.0.2.1}, b: {ip: 192.0.2.2}}",
          "rules:",
          ...rules.map((r) => `  - ${r}`),
        ].join("\n");
        const { schedule, issues } = checkSchedule(text);
        if (schedule === null) {
          // Generated duplicates are legitimately refused; anything else is a generator bug.
          assert.ok(
            issues.every((e) => e.message.includes("does the same as")),
            JSON.stringify(issues),
          );
          return;
        }
        const from = day.toISOString().slice(0, 10);
        const result = plan(schedule, { from, days });
        const again = plan(schedule, { from, days });
        assert.deepEqual(result.events.map((e) => e.local), again.events.map((e) => e.local));
        for (const [i, event] of result.events.entries()) {
          assert.ok(Temporal.Instant.compare(event.at, result.start) >= 0);
          assert.ok(Temporal.Instant.compare(event.at, result.end) < 0);
          if (i > 0) assert.ok(Temporal.Instant.compare(result.events[i - 1]!.at, event.at) <= 0);
          assert.equal(
            Temporal.Instant.from(event.local).epochMilliseconds,
            event.at.epochMilliseconds,
          );
          assert.equal(event.run === "device", event.timer !== null);
        }
      },
    ),
    { numRuns: 60 },
  );
});
