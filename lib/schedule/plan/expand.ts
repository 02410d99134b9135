import { hashString, numberStream } from "../../util/hash.ts";
import { inDateRange } from "../notation/dates.ts";
import { dayBit, formatDays } from "../days.ts";
import { formatDuration } from "../notation/duration.ts";
import { resolveLocal } from "../time/resolve_local.ts";
import { SunCalendar } from "../time/sun_calendar.ts";
import { formatClock } from "../notation/time_spec.ts";
import { ZoneClock } from "../time/zone_clock.ts";
import type { EventRule, FixedTime, Rule, Schedule, TimeSpec, WindowRule } from "../types.ts";

/** A local calendar day with the fields rules test, computed once per plan. */
export interface Day {
  readonly date: Temporal.PlainDate;
  /** `YYYY-MM-DD`. */
  readonly iso: string;
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** 1 = Monday … 7 = Sunday. */
  readonly dayOfWeek: number;
}

/**
 * What resolving needs besides the rule: the zone (as a precomputed clock), the seed, the
 * shared sun calendar, and a cache of days. One per plan, so every rule shares the caches.
 */
export class ExpandContext {
  readonly timeZone: string;
  readonly seed: string;
  readonly clock: ZoneClock;
  readonly #schedule: Schedule;
  readonly #days = new Map<string, Day>();
  #sun: SunCalendar | null = null;

  /** `fromMs`/`toMs`: the span of instants the caller will ask about. */
  constructor(schedule: Schedule, seed: string, fromMs: number, toMs: number) {
    this.#schedule = schedule;
    this.timeZone = schedule.timezone;
    this.seed = seed;
    this.clock = new ZoneClock(schedule.timezone, fromMs, toMs);
  }

  /** The sun calendar, made on first use: schedules without sun rules never pay for it. */
  get sun(): SunCalendar {
    if (this.#sun === null) {
      const location = this.#schedule.location;
      // parseSchedule refuses sun times without a location; a hand-built Schedule may not.
      if (location === null) {
        throw new TypeError("Cannot compute sun times: the schedule has no location");
      }
      this.#sun = new SunCalendar(location, this.timeZone);
    }
    return this.#sun;
  }

  /** The day of a date, cached. */
  day(date: Temporal.PlainDate): Day {
    const iso = date.toString();
    let day = this.#days.get(iso);
    if (day === undefined) {
      day = {
        date,
        iso,
        year: date.year,
        month: date.month,
        day: date.day,
        dayOfWeek: date.dayOfWeek,
      };
      this.#days.set(iso, day);
    }
    return day;
  }

  /** The day after, cached. */
  next(day: Day): Day {
    return this.day(day.date.add({ days: 1 }));
  }
}

/** An instant (epoch ms) a time spec gives for anchor day D, with a note when DST moved it. */
export type Resolved =
  | { readonly ms: number; readonly note: string | null; readonly reason?: undefined }
  | { readonly ms?: undefined; readonly reason: string };

/** Why a rule does not apply on anchor day D, or `null` if it does. */
export function ruleSkipReason(rule: Rule, day: Day): string | null {
  if ((rule.days & dayBit(day.dayOfWeek)) === 0) return `not in days (${formatDays(rule.days)})`;
  if (rule.dates.length > 0 && !rule.dates.some((range) => inDateRange(day, range))) {
    return `not in dates (${rule.dates.map((r) => r.text).join(", ")})`;
  }
  const excepted = rule.except.find((range) => inDateRange(day, range));
  return excepted === undefined ? null : `excepted (${excepted.text})`;
}

function resolveFixed(spec: FixedTime, day: Day, ctx: ExpandContext): Resolved {
  // Days without a clock change have one reading of every wall time: plain arithmetic.
  const fast = ctx.clock.instantOf(day.iso, spec.hour, spec.minute, spec.second);
  if (fast !== null) return { ms: fast, note: null };
  const local = resolveLocal(day.date, spec, ctx.timeZone);
  const wall = formatClock(spec.hour, spec.minute, spec.second);
  const ms = local.at.epochMilliseconds;
  if (local.inGap) {
    const end = ctx.clock.wall(ms);
    return {
      ms,
      note: `${wall} does not exist on ${day.iso} (clocks go forward); fires at ${
        formatClock(end.hour, end.minute, end.second)
      }, the end of the gap`,
    };
  }
  return {
    ms,
    note: local.inOverlap
      ? `${wall} happens twice on ${day.iso} (clocks go back); fires at the first`
      : null,
  };
}

/** Places a time spec on anchor day D. */
function resolveTime(spec: TimeSpec, day: Day, ctx: ExpandContext): Resolved {
  if (spec.kind === "fixed") return resolveFixed(spec, day, ctx);
  const outcome = ctx.sun.event(spec.event, day.date, day.iso);
  if (outcome.at === null) return { reason: outcome.reason };
  return { ms: outcome.at.epochMilliseconds + spec.offsetSeconds * 1000, note: null };
}

/** One occurrence of an event rule on anchor day D, random offset included. */
export function resolveEventOn(rule: EventRule, day: Day, ctx: ExpandContext): Resolved {
  const resolved = resolveTime(rule.at, day, ctx);
  if (resolved.ms === undefined || rule.randomSeconds === 0) return resolved;
  const [offset] = randomOffsets(rule.randomSeconds, {
    seed: ctx.seed,
    ruleId: rule.id,
    date: day.iso,
  }, 1);
  return { ms: resolved.ms + offset! * 1000, note: jitterNote(offset!, resolved.note) };
}

/** A window of one anchor day: open at `onMs`, closed at `offMs`. */
export type ResolvedWindow =
  | {
    readonly onMs: number;
    readonly offMs: number;
    readonly onNote: string | null;
    readonly offNote: string | null;
    readonly reason?: undefined;
  }
  | { readonly onMs?: undefined; readonly reason: string };

/**
 * The window of anchor day D: it opens at `on` of D and closes at the first `off` after that,
 * taken from D or D+1 (so `on: "22:00"`, `off: "06:00"` closes the next morning). The choice
 * of D or D+1 is made before random offsets, so jitter never moves a window to another day.
 */
export function resolveWindowOn(rule: WindowRule, day: Day, ctx: ExpandContext): ResolvedWindow {
  const on = resolveTime(rule.on, day, ctx);
  if (on.ms === undefined) return { reason: on.reason };
  let off: Resolved | null = null;
  let missing: string | null = null;
  for (const candidate of [day, ctx.next(day)]) {
    const resolved = resolveTime(rule.off, candidate, ctx);
    if (resolved.ms === undefined) {
      missing ??= resolved.reason;
      continue;
    }
    if (resolved.ms > on.ms) {
      off = resolved;
      break;
    }
  }
  if (off === null || off.ms === undefined) {
    return { reason: missing ?? `'${rule.off.text}' never comes after '${rule.on.text}'` };
  }
  const [onShift, offShift] = randomOffsets(
    rule.randomSeconds,
    { seed: ctx.seed, ruleId: rule.id, date: day.iso },
    2,
  ) as [number, number];
  const onMs = on.ms + onShift * 1000;
  const offMs = off.ms + offShift * 1000;
  if (offMs <= onMs) {
    return {
      reason: `random offsets (${formatDuration(onShift)}, ${
        formatDuration(offShift)
      }) would close the window before it opens`,
    };
  }
  return {
    onMs,
    offMs,
    onNote: jitterNote(onShift, on.note),
    offNote: jitterNote(offShift, off.note),
  };
}

function jitterNote(offset: number, note: string | null): string | null {
  if (offset === 0) return note;
  const random = `random offset ${offset > 0 ? "+" : ""}${formatDuration(offset)}`;
  return note === null ? random : `${note}; ${random}`;
}

/**
 * The random offsets of one rule on one anchor day, in whole seconds, uniform in
 * [-halfWidth, +halfWidth]. Seeded by (schedule seed, rule id, anchor day) only, so a plan is
 * the same every time it is made, whatever the window or the other rules. A window draws
 * twice (on edge, then off edge); an event once.
 */
function randomOffsets(
  halfWidth: number,
  key: { seed: string; ruleId: string; date: string },
  count: number,
): number[] {
  if (halfWidth <= 0) return new Array<number>(count).fill(0);
  const next = numberStream(hashString(`${key.seed}\u0000${key.ruleId}\u0000${key.date}`));
  const span = 2 * halfWidth + 1;
  return Array.from({ length: count }, () => Math.floor(next() * span) - halfWidth);
}
