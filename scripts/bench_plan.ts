// deno-lint-ignore-file no-console
/**
 * Benchmark of the schedule planner (issue 6): plan 100 rules over 365 days; the goal is
 * under 1 s. Prints figures, asserts nothing: run `deno run -A scripts/bench_plan.ts`.
 *
 * The 100 rules are a household's worth, spread over 20 sockets in London: fixed times,
 * sun times with offsets and twilights, windows (fixed, sun-based, across midnight), dated
 * and excepted rules, random offsets and a few cron rules. A separate line times the most
 * expensive kind alone, a `*／30` cron rule (17,520 runs a year), since croner's cost is per
 * run.
 */
import { parseSchedule, plan } from "../lib/schedule/mod.ts";

const SOCKETS = 20;
const DAYS = 365;
const ROUNDS = 5;

function hhmm(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `"${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}"`;
}

/** 100 rules of every kind, deterministic so runs compare. */
function householdRules(): string[] {
  const rules: string[] = [];
  const socket = (i: number) => `s${i % SOCKETS}`;
  const days = ["mon-fri", "weekends", "daily", "[mon, wed, fri]", "tue-thu"];
  const sun = ["sunrise", "sunset", "dawn", "dusk", "nautical dawn", "civil dusk"];
  for (let i = 0; i < 30; i++) {
    rules.push(
      `{sockets: ${socket(i)}, at: ${hhmm(360 + i * 37)}, action: ${i % 2 ? "off" : "on"}, ` +
        `days: ${days[i % days.length]}}`,
    );
  }
  for (let i = 0; i < 25; i++) {
    const offset = (i % 7) * 10 - 30;
    rules.push(
      `{sockets: ${socket(i + 3)}, at: ${sun[i % sun.length]}${offset < 0 ? "-" : "+"}` +
        `${Math.abs(offset)}m, action: ${i % 2 ? "off" : "on"}}`,
    );
  }
  for (let i = 0; i < 10; i++) {
    rules.push(
      `{sockets: ${socket(i + 5)}, on: ${hhmm(1260 + i * 11)}, off: ${hhmm(360 + i * 7)}}`,
    );
  }
  for (let i = 0; i < 10; i++) {
    rules.push(
      `{sockets: [${socket(i)}, ${socket(i + 10)}], on: sunset-${i + 1}m, off: ${
        hhmm(1380 + i)
      }, ` +
        `random: ${5 + i}m}`,
    );
  }
  for (let i = 0; i < 10; i++) {
    rules.push(
      `{sockets: ${socket(i + 7)}, at: ${hhmm(1000 + i * 13)}, action: on, ` +
        `dates: [12-01..01-06, 2026-0${1 + (i % 9)}-10..2026-0${1 + (i % 9)}-20], except: 12-25}`,
    );
  }
  for (let i = 0; i < 10; i++) {
    rules.push(`{sockets: ${socket(i + 11)}, at: ${hhmm(420 + i * 29)}, action: off, random: 20m}`);
  }
  const crons = ["0 7 * * 1-5", "30 18 * * *", "0 12 1 * *", "0 9 * * 6", "15 */6 * * *"];
  crons.forEach((pattern, i) => {
    rules.push(`{sockets: ${socket(i + 13)}, cron: "${pattern}", action: ${i % 2 ? "off" : "on"}}`);
  });
  return rules;
}

function scheduleText(rules: readonly string[]): string {
  const sockets = Array.from({ length: SOCKETS }, (_, i) => `  s${i}: {ip: 192.0.2.${i + 10}}`);
  return [
    "timezone: Europe/London",
    "location: {latitude: 51.5072, longitude: -0.1276}",
    "sockets:",
    ...sockets,
    "rules:",
    ...rules.map((rule) => `  - ${rule}`),
  ].join("\n");
}

function time<T>(run: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = run();
  return { ms: performance.now() - start, value };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const rules = householdRules();
const text = scheduleText(rules);
const parsed = time(() => parseSchedule(text, { file: "bench.yaml" }));
const schedule = parsed.value;
const options = { from: "2026-01-01", days: DAYS };

const cold = time(() => plan(schedule, options));
const warm = Array.from({ length: ROUNDS }, () => time(() => plan(schedule, options)).ms);
const week = Array.from(
  { length: ROUNDS },
  () => time(() => plan(schedule, { from: "2026-03-25", days: 7 })).ms,
);
const interval = parseSchedule(
  scheduleText(['{sockets: s0, cron: "*/30 * * * *", action: on}']),
  { file: "interval.yaml" },
);
const cron = time(() => plan(interval, options));

const result = cold.value;
console.log(
  `schedule planner benchmark (Deno ${Deno.version.deno}, ${navigator.hardwareConcurrency} cores)`,
);
console.log(
  `rules: ${schedule.rules.length} on ${SOCKETS} sockets; window: ${DAYS} days from ${options.from}`,
);
console.log(`parse + check: ${parsed.ms.toFixed(1)} ms`);
console.log(
  `plan 100 rules x 365 days: ${cold.ms.toFixed(0)} ms first run, ${
    median(warm).toFixed(0)
  } ms median of ${ROUNDS} more (goal < 1000 ms)`,
);
console.log(
  `  -> ${result.events.length} events (${
    result.events.filter((e) => e.run === "device").length
  } on sockets), ${result.skipped.length} skipped days, ${result.dstChanges.length} DST changes`,
);
console.log(`plan 100 rules x 7 days: ${median(week).toFixed(1)} ms median of ${ROUNDS}`);
console.log(
  `one "*/30 * * * *" cron rule x 365 days: ${
    cron.ms.toFixed(0)
  } ms for ${cron.value.events.length} runs` +
    ` (croner, ${(cron.ms * 1000 / cron.value.events.length).toFixed(0)} µs per run)`,
);
