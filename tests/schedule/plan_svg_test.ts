/**
 * The week as a picture: `planSvg` draws one bar per on-interval of each socket, sun lines per
 * day, clock changes and "now", and `s20 schedule plan --svg` writes the same picture.
 */
import assert from "node:assert/strict";
import { parseSchedule } from "../../lib/schedule/parse_schedule.ts";
import { plan } from "../../lib/schedule/plan.ts";
import { planSunLines, planSvg } from "../../lib/schedule/plan_svg.ts";
import { run } from "../helpers/cli_run.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const YAML = `
timezone: Europe/London
location: { latitude: 51.5, longitude: -0.12 }
sockets:
  lamp: { ip: 192.0.2.2 }
  fan: { ip: 192.0.2.3 }
  heater: { ip: 192.0.2.4 }
rules:
  - { name: Wake, sockets: lamp, at: "07:30", action: on, days: mon-fri }
  - { name: Work, sockets: lamp, at: "09:00", action: off, days: mon-fri }
  - { name: Dusk, sockets: [lamp, fan], on: sunset, off: "23:00" }
  - { name: Warm, sockets: heater, on: "06:00", off: "08:00", random: 20m }
`;

/** The elements of `cls` (a whole class word) for a socket, or all. */
function count(svg: string, cls: string, socket?: string): number {
  const pattern = new RegExp(
    `class="${cls}"${socket ? ` data-socket="${socket}"` : ""}`,
    "g",
  );
  return svg.match(pattern)?.length ?? 0;
}

Deno.test("planSvg draws each on-interval as a bar, sun lines per day, and the clock change", () => {
  const schedule = parseSchedule(YAML, { file: "home.yaml" });
  // Thursday 22 to Wednesday 28 October 2026: five weekdays, clocks go back on Sunday 25.
  const week = plan(schedule, { from: "2026-10-22", days: 7 });
  const now = Temporal.Instant.from("2026-10-24T12:00:00Z");
  const svg = planSvg(week, { sun: planSunLines(schedule, week), now });
  assert.ok(svg.startsWith("<svg "));
  assert.equal(count(svg, "bar", "lamp"), 5 + 7, "morning on weekdays, evening every day");
  assert.equal(count(svg, "bar", "fan"), 7);
  assert.equal(count(svg, "bar", "heater"), 7);
  assert.equal(count(svg, "sunrise"), 7);
  assert.equal(count(svg, "sunset"), 7);
  assert.equal(count(svg, "dst"), 1);
  assert.match(svg, /clocks go back 1h/);
  assert.equal(count(svg, "now"), 1);
  // Every event is marked, and by who runs it.
  const events = svg.match(/class="event (device|host)"/g) ?? [];
  assert.equal(events.length, week.events.length);
  for (const run of ["device", "host"] as const) {
    assert.equal(count(svg, `event ${run}`), week.events.filter((e) => e.run === run).length);
  }
  assert.ok(count(svg, "event device") > 0);
  // Deterministic: the same plan draws the same picture.
  assert.equal(planSvg(week, { sun: planSunLines(schedule, week), now }), svg);
});

Deno.test("planSvg starts a bar at the plan's start when the socket is on then, and escapes names", () => {
  const schedule = parseSchedule(
    `timezone: UTC
sockets: { night: { ip: 192.0.2.9 } }
rules: [{ sockets: night, on: "22:00", off: "06:00" }]
`,
    { file: "a<b>.yaml" },
  );
  const night = plan(schedule, { from: "2026-01-05", days: 2 });
  const svg = planSvg(night);
  // On from the start to 06:00, 22:00–06:00, 22:00 to the end.
  assert.equal(count(svg, "bar", "night"), 3);
  assert.ok(svg.includes("Plan of a&#60;b&#62;.yaml"));
  assert.ok(!svg.includes("a<b"));
  assert.equal(count(svg, "sunrise"), 0, "no location, no sun lines");
  assert.equal(count(svg, "now"), 0);
});

Deno.test("s20 schedule plan --svg writes the picture of the days asked for", async () => {
  await using dir = await tempDir();
  const file = `${dir.path}/home.yaml`;
  const svg = `${dir.path}/week.svg`;
  await Deno.writeTextFile(file, YAML);
  const result = await run([
    "schedule",
    "plan",
    file,
    "--from",
    "2026-10-22",
    "--days",
    "3",
    "--svg",
    svg,
  ]);
  assert.equal(result.code, 0, result.err);
  assert.match(result.out, /lamp/);
  const text = await Deno.readTextFile(svg);
  assert.equal(count(text, "sunset"), 3);
  assert.equal(count(text, "bar", "fan"), 3);
  assert.match(text, /3 days from 2026-10-22/);
});
