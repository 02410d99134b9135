import { checkInteger, toPlainDate } from "./parse/validate_arguments.ts";
import { dstChanges } from "./time/dst.ts";
import { ExpandContext } from "./plan/expand.ts";
import { expandRules } from "./plan/occurrences.ts";
import { placeOccurrences } from "./plan/placement.ts";
import { stateAt } from "./plan/state_at.ts";
import type { Plan } from "./plan_types.ts";
import type { Schedule } from "./types.ts";

/**
 * Options of {@linkcode plan}.
 *
 * @example A week from a date, with a smaller timer table
 * ```ts
 * import type { PlanOptions } from "@s20/s20/schedule";
 *
 * const options: PlanOptions = { from: "2026-12-24", days: 7, capacity: 16 };
 * ```
 */
export interface PlanOptions {
  /** First day of the window, in the schedule's zone: a `Temporal.PlainDate` or `YYYY-MM-DD`. */
  readonly from: Temporal.PlainDate | string;
  /**
   * Number of days, 1 to 3660.
   *
   * @default {7}
   */
  readonly days?: number;
  /**
   * Seed of the random offsets; the same seed gives the same plan.
   *
   * @default {schedule.seed}
   */
  readonly seed?: string;
  /**
   * How many days ahead, from `from`, one-shot socket timers are written; later events are
   * the host's until a later plan moves them onto the socket.
   *
   * @default {7}
   */
  readonly horizonDays?: number;
  /**
   * Timer records each socket holds.
   *
   * @default {32}
   */
  readonly capacity?: number;
}

/**
 * Expands a schedule into the concrete events of a window of days, in the schedule's zone.
 * Pure: time is the `from` argument, never the clock or the host's zone. Each event says
 * whether the socket's own timer table fires it or the host, and why; days on which a rule
 * does not fire are listed with the reason, and so are the clock changes in the window.
 *
 * @param schedule A parsed schedule.
 * @param options The window and the socket-table limits.
 * @returns The plan; events in [start of `from`, start of `from` + `days`).
 * @throws {TypeError} If `from` is not a date.
 * @throws {RangeError} If `days`, `horizonDays` or `capacity` is out of range.
 *
 * @example A time in London's spring-forward gap fires at the end of the gap
 * ```ts
 * import { parseSchedule, plan } from "@s20/s20/schedule";
 * import assert from "node:assert/strict";
 *
 * const schedule = parseSchedule(
 *   "timezone: Europe/London\nsockets: {kettle: {ip: 192.0.2.4}}\n" +
 *     "rules: [{sockets: kettle, at: '01:30', action: on}]\n",
 * );
 * const { events, dstChanges } = plan(schedule, { from: "2026-03-29", days: 1 });
 * assert.equal(events[0]?.local, "2026-03-29T02:00:00+01:00");
 * assert.equal(events[0]?.at.toString(), "2026-03-29T01:00:00Z");
 * assert.equal(dstChanges[0]?.description, "clocks go forward 1h: 01:00 becomes 02:00");
 * ```
 */
export function plan(schedule: Schedule, options: PlanOptions): Plan {
  const what = "plan schedule";
  const from = toPlainDate(options?.from, what, "from");
  const { days = 7, seed = schedule.seed, horizonDays = 7, capacity = 32 } = options;
  checkInteger(days, "days", 1, 3660, what);
  checkInteger(horizonDays, "horizonDays", 0, 366, what);
  checkInteger(capacity, "capacity", 0, 65535, what);

  const zone = schedule.timezone;
  const last = from.add({ days: days - 1 });
  const start = from.toZonedDateTime({ timeZone: zone }).toInstant();
  const end = last.add({ days: 1 }).toZonedDateTime({ timeZone: zone }).toInstant();
  const startMs = start.epochMilliseconds;
  const endMs = end.epochMilliseconds;
  // The span reaches back for the state at the start (desiredState's 8-day look-back).
  const ctx = new ExpandContext(schedule, seed, startMs - 10 * 86_400_000, endMs);

  const { occurrences, skipped } = expandRules(schedule, ctx, { from, days, start, end });

  const socketOrder = new Map(Object.keys(schedule.sockets).map((alias, i) => [alias, i]));
  // Off before on at one instant, so back-to-back windows leave the socket on.
  occurrences.sort((a, b) =>
    a.ms - b.ms || (a.action === b.action ? 0 : a.action === "off" ? -1 : 1) ||
    socketOrder.get(a.socket)! - socketOrder.get(b.socket)! || a.rule.index - b.rule.index
  );
  const horizonEnd = from.add({ days: horizonDays }).toZonedDateTime({ timeZone: zone });
  const { events, sockets } = placeOccurrences(schedule, occurrences, {
    clock: ctx.clock,
    capacity,
    horizonDays,
    horizonEndMs: horizonEnd.epochMilliseconds,
    stateAtStart: (socket) => stateAt(schedule, socket, startMs, ctx, 8),
    firstDayLocalMs: Date.UTC(from.year, from.month - 1, from.day),
  });
  const ruleOrder = new Map(schedule.rules.map((rule) => [rule.id, rule.index]));
  skipped.sort((a, b) =>
    a.date.localeCompare(b.date) || ruleOrder.get(a.ruleId)! - ruleOrder.get(b.ruleId)!
  );
  return {
    file: schedule.file,
    timezone: zone,
    from: from.toString(),
    days,
    start,
    end,
    events,
    skipped,
    dstChanges: dstChanges(zone, start, end),
    sockets,
  };
}
