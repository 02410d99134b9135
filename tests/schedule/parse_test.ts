/** Reading good files: what every field becomes, defaults, ids, and the example file. */
import assert from "node:assert/strict";
import {
  checkSchedule,
  formatIssues,
  parseSchedule,
  type Rule,
  type Schedule,
} from "../../lib/schedule/mod.ts";
import { FIXTURES, scheduleOf } from "../helpers/schedule_builders.ts";

function readFixture(name: string): Schedule {
  const text = Deno.readTextFileSync(new URL(`valid/${name}`, FIXTURES));
  return parseSchedule(text, { file: name, defaultTimeZone: "Europe/Paris" });
}

const EXAMPLE = new URL("../../schedules.example.yaml", import.meta.url);

Deno.test("parseSchedule() reads schedules.example.yaml, which uses every feature", () => {
  const schedule = parseSchedule(Deno.readTextFileSync(EXAMPLE), {
    file: "schedules.example.yaml",
    defaultTimeZone: "UTC",
  });
  assert.equal(schedule.timezone, "Europe/London");
  assert.deepEqual(schedule.location, { latitude: 51.5072, longitude: -0.1276 });
  assert.equal(schedule.seed, "example");
  const addresses = Object.values(schedule.sockets);
  assert.ok(addresses.some((a) => a.mac !== undefined && a.ip !== undefined));
  assert.ok(addresses.some((a) => a.name !== undefined));
  const rules = schedule.rules;
  const kinds = new Set(rules.map((r) => r.kind));
  assert.deepEqual([...kinds].sort(), ["cron", "event", "window"]);
  const times = rules.flatMap((r) =>
    r.kind === "event" ? [r.at] : r.kind === "window" ? [r.on, r.off] : []
  );
  const sunEvents = new Set(times.flatMap((t) => (t.kind === "sun" ? [t.event] : [])));
  for (const event of ["sunrise", "sunset", "civil-dawn", "civil-dusk"] as const) {
    assert.ok(sunEvents.has(event), `uses ${event}`);
  }
  assert.ok(times.some((t) => t.kind === "sun" && t.offsetSeconds < 0), "a negative offset");
  assert.ok(times.some((t) => t.kind === "sun" && t.offsetSeconds > 0), "a positive offset");
  assert.ok(rules.some((r) => r.days === 0b001_1111), "mon-fri");
  assert.ok(rules.some((r) => r.days === 0b110_0000), "weekends");
  const wrapping = rules.flatMap((r) => r.dates).find((d) => d.start.month > d.end.month);
  assert.ok(wrapping !== undefined, "dates wrapping the year end");
  assert.ok(rules.some((r) => r.except.length > 0), "except");
  assert.ok(rules.some((r) => r.randomSeconds === 900), "random: 15m");
  assert.deepEqual(new Set(rules.map((r) => r.run)), new Set(["auto", "device", "host"]));
  assert.ok(rules.some((r) => r.catchUpSeconds === 1800), "catchUp: 30m");
  assert.ok(rules.some((r) => r.id === "xmas"), "an explicit id");
  assert.ok(rules.every((r) => r.name !== null), "every rule is named");
  // The demo needs a sunset event, a window, a random rule and a fixed-time device timer.
  assert.ok(
    rules.some((r) => r.kind === "event" && r.at.kind === "sun" && r.at.event === "sunset"),
  );
  assert.ok(
    rules.some((r) => r.kind === "event" && r.at.kind === "fixed" && r.run === "device"),
  );
});

Deno.test("parseSchedule() fills in the defaults", () => {
  const schedule = readFixture("minimal.yaml");
  assert.equal(schedule.timezone, "Europe/Paris", "the defaultTimeZone option");
  assert.equal(schedule.location, null);
  assert.equal(schedule.seed, "s20");
  assert.equal(schedule.file, "minimal.yaml");
  const rule = schedule.rules[0]!;
  assert.equal(rule.run, "auto");
  assert.equal(rule.catchUpSeconds, 600);
  assert.equal(rule.days, 0b111_1111);
  assert.deepEqual(rule.dates, []);
  assert.equal(rule.randomSeconds, 0);
  assert.equal(rule.name, null);
  assert.match(rule.id, /^r[0-9a-f]{8}$/);
  assert.deepEqual([rule.line, rule.column], [5, 5]);
  assert.deepEqual(rule.kind === "event" && rule.at, {
    kind: "fixed",
    hour: 7,
    minute: 0,
    second: 0,
    text: "07:00",
  });
});

Deno.test("parseSchedule() uses the host's zone only when neither the file nor the caller names one", () => {
  const schedule = parseSchedule("sockets: {a: {ip: 192.0.2.1}}\nrules: []\n");
  assert.equal(schedule.timezone, Temporal.Now.timeZoneId());
  assert.throws(
    () => parseSchedule("sockets: {}\nrules: []\n", { defaultTimeZone: "Nowhere/Land" }),
    RangeError,
  );
});

Deno.test("parseSchedule() normalises MACs and zone names and follows YAML aliases", () => {
  const schedule = readFixture("anchors.yaml");
  assert.equal(schedule.sockets.porch?.mac, "ac:cf:23:00:00:31");
  assert.equal(schedule.sockets.yard?.mac, "ac:cf:23:00:00:32");
  assert.deepEqual(schedule.rules[1]!.sockets, ["porch", "yard", "garage"]);
  assert.equal(schedule.rules[1]!.days, 0b111_0101, "mon, wed, fri-sun");
  const rule = schedule.rules[0]!;
  assert.ok(rule.kind === "event" && rule.at.kind === "fixed" && rule.at.second === 30);
  const lower = scheduleOf(["timezone: america/new_york", "sockets: {}", "rules: []"]);
  assert.equal(lower.timezone, "America/New_York");
});

Deno.test("parseSchedule() reads sun times, twilight depths, dates and run modes", () => {
  const schedule = readFixture("sun_and_dates.yaml");
  assert.equal(schedule.seed, "7");
  const [dawn, dusk, rise, set] = schedule.rules as [Rule, Rule, Rule, Rule];
  assert.ok(dawn.kind === "window");
  assert.deepEqual(dawn.on, {
    kind: "sun",
    event: "astronomical-dawn",
    offsetSeconds: 0,
    text: "astronomical dawn",
  });
  assert.deepEqual(dawn.off, {
    kind: "sun",
    event: "nautical-dawn",
    offsetSeconds: 1200,
    text: "nautical dawn+20m",
  });
  assert.equal(dawn.id, "dawn");
  assert.ok(dusk.kind === "event" && dusk.at.kind === "sun");
  assert.equal(dusk.at.event, "civil-dusk");
  assert.equal(dusk.at.offsetSeconds, -600);
  assert.deepEqual(dusk.dates.map((d) => d.text), [
    "2026-12-01..2026-12-24",
    "12-31",
    "01-01..01-06",
  ]);
  assert.deepEqual(dusk.except[0]!.start, { year: 2026, month: 12, day: 13 });
  assert.equal(dusk.randomSeconds, 300);
  assert.ok(rise.kind === "event" && rise.at.kind === "sun" && rise.at.offsetSeconds === 4500);
  assert.equal(rise.days, 0b001_0001, "monday, friday");
  assert.equal(rise.run, "host");
  assert.equal(rise.catchUpSeconds, 0);
  assert.ok(set.kind === "event" && set.at.kind === "sun" && set.at.offsetSeconds === -2700);
  assert.equal(set.run, "device");
  assert.equal(set.catchUpSeconds, 3600);
});

Deno.test("parseSchedule() reads cron rules and wrapping day ranges", () => {
  const schedule = readFixture("cron_and_windows.yaml");
  const [pump, rest, night] = schedule.rules as [Rule, Rule, Rule];
  assert.ok(pump.kind === "cron" && pump.cron === "0 */15 6-20 * * *" && pump.action === "on");
  assert.ok(rest.kind === "cron" && rest.action === "off");
  assert.equal(night.days, 0b111_0001, "fri-mon wraps the week end");
});

Deno.test("parseSchedule() derives ids from what a rule does, not where it is or what it is called", () => {
  const rules = [
    "  - {name: First, sockets: a, at: '07:00', action: on}",
    "  - {sockets: a, on: sunset, off: '23:00'}",
  ];
  const head = [
    "location: {latitude: 50, longitude: 8}",
    "sockets: {a: {ip: 192.0.2.1}}",
    "rules:",
  ];
  const one = scheduleOf([...head, ...rules]);
  const swapped = scheduleOf([...head, rules[1]!, rules[0]!.replace("First", "Renamed")]);
  assert.equal(one.rules[0]!.id, swapped.rules[1]!.id);
  assert.equal(one.rules[1]!.id, swapped.rules[0]!.id);
  const moved = scheduleOf([...head, rules[0]!.replace("07:00", "07:01"), rules[1]!]);
  assert.notEqual(moved.rules[0]!.id, one.rules[0]!.id);
  assert.notEqual(one.rules[0]!.id, one.rules[1]!.id);
});

Deno.test("checkSchedule() reports schema errors after a YAML syntax error elsewhere", () => {
  const text = [
    "timezone: UTC",
    "sockets:",
    "  a: {ip: 192.0.2.1}",
    "  b: {ip: [192.0.2.2}",
    "rules:",
    "  - {sockets: a, at: '07:00', action: on, days: nope}",
  ].join("\n");
  const { issues } = checkSchedule(text, { file: "s.yaml" });
  const text2 = formatIssues(issues);
  assert.match(text2, /^s\.yaml:4:\d+: YAML syntax error/m);
  assert.match(text2, /^s\.yaml:6:49: 'nope' is not a day/m);
});

Deno.test("checkSchedule() throws TypeError for a non-string and reports an empty file", () => {
  assert.throws(() => checkSchedule(42 as unknown as string), TypeError);
  const { issues } = checkSchedule("", { file: "e.yaml" });
  assert.equal(
    formatIssues(issues),
    "e.yaml:1:1: the schedule is empty; it needs 'sockets:' " +
      "and 'rules:' (see schedules.example.yaml)",
  );
});

Deno.test("formatIssues() orders issues by place", () => {
  const text = formatIssues([
    { file: "a.yaml", line: 9, column: 1, message: "late" },
    { file: "a.yaml", line: 2, column: 7, message: "right" },
    { file: "a.yaml", line: 2, column: 3, message: "left" },
  ]);
  assert.equal(text, "a.yaml:2:3: left\na.yaml:2:7: right\na.yaml:9:1: late");
});

Deno.test("the schedule example in the README is a valid schedule", () => {
  const markdown = Deno.readTextFileSync(new URL("../../README.md", import.meta.url));
  // The README's first yaml block with rules is the format's example.
  const block = [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!)
    .find((text) => text.includes("rules:"));
  assert.ok(block !== undefined, "README.md has a schedule example");
  const { issues } = checkSchedule(block, { file: "README.md", defaultTimeZone: "UTC" });
  assert.deepEqual(issues, []);
});
