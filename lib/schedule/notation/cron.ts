// croner 11 is required: 10.x shifts gap times and can go backwards through a DST gap
// (docs/scheduling.md#croners-dst-behaviour-measured).
import { Cron, type CronOptions } from "npm:croner@11.0.1";
import { fail, ok, type Parsed } from "./parsed.ts";

/**
 * The options of every cron rule (docs/scheduling.md#cron): "no-wildcard" makes lists count as
 * interval jobs, so only single-value times get the gap-end/first-overlap treatment, the same
 * as our fixed-time rules. `paused` keeps croner from arming timers: we only enumerate.
 */
function cronOptions(timezone: string): CronOptions {
  return { timezone, fixedTimeRule: "no-wildcard", mode: "5-or-6-parts", paused: true };
}

/** Checks a cron expression; the error quotes croner's reason. */
export function checkCron(pattern: string): Parsed<string> {
  const trimmed = pattern.trim().replace(/\s+/g, " ");
  const fields = trimmed === "" ? 0 : trimmed.split(" ").length;
  let cron: Cron;
  try {
    // croner also takes a 7th (year) field; we keep to the two common forms.
    if (fields < 5 || fields > 6) throw new RangeError("field count");
    cron = new Cron(trimmed, cronOptions("UTC"));
  } catch (error) {
    const reason = fields < 5 || fields > 6
      ? `it has ${fields} field${fields === 1 ? "" : "s"}`
      : error instanceof Error
      ? error.message.replace(/^CronPattern:\s*/, "").replace(/\.$/, "").toLowerCase()
      : "croner rejected it";
    return fail(
      `'${pattern}' is not a cron expression: ${reason}; write 5 fields ` +
        `(minute hour day-of-month month day-of-week) or 6 with seconds first, such as "*/30 * * * *"`,
    );
  }
  // A fixed reference keeps the check independent of today's date.
  if (cron.nextRun(new Date(Date.UTC(2000, 0, 1))) === null) {
    return fail(`'${pattern}' never fires; check the day-of-month and month fields`);
  }
  return ok(trimmed);
}

/** Every run of `pattern` in [start, end), in `timezone`, as instants. */
export function cronRuns(
  pattern: string,
  timezone: string,
  start: Temporal.Instant,
  end: Temporal.Instant,
): Temporal.Instant[] {
  const cron = new Cron(pattern, cronOptions(timezone));
  const endMs = end.epochMilliseconds;
  const runs: Temporal.Instant[] = [];
  // nextRun(t) is strictly after t; step back 1 ms so a run exactly at `start` counts.
  let cursor = start.epochMilliseconds - 1;
  for (;;) {
    const next = cron.nextRun(new Date(cursor));
    if (next === null) break;
    const ms = next.getTime();
    // croner 9/10 sometimes returned a time before its argument (docs/scheduling.md#known-croner-issues): guard.
    if (ms <= cursor || ms >= endMs) break;
    runs.push(Temporal.Instant.fromEpochMilliseconds(ms));
    cursor = ms;
  }
  return runs;
}
