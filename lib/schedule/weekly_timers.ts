import { shiftDays } from "./days.ts";
import type { Action, FixedTime, Rule } from "./types.ts";

/**
 * A repeating record for the socket's own timer table (docs/protocol.md#table-3): repeat bit 7
 * set, weekday bits 0–6 (Monday first), and a socket-local wall time.
 *
 * @example
 * ```ts
 * import type { WeeklyTimer } from "@s20/s20/schedule";
 *
 * const timer: WeeklyTimer = {
 *   ruleId: "desk-am", source: "event", action: "on", hour: 7, minute: 30, second: 0,
 *   days: 0b001_1111,
 * };
 * ```
 */
export interface WeeklyTimer {
  /** The rule it comes from. */
  readonly ruleId: string;
  /** Which edge of the rule. */
  readonly source: "event" | "window-start" | "window-end";
  /** Switch on or off. */
  readonly action: Action;
  /** Hour, 0–23, in the schedule's zone. */
  readonly hour: number;
  /** Minute, 0–59. */
  readonly minute: number;
  /** Second, 0–59. */
  readonly second: number;
  /** Weekdays it fires on: bit 0 = Monday … bit 6 = Sunday. */
  readonly days: number;
}

/**
 * Compiles a rule to weekly socket timers when it has that form: fixed wall times on
 * weekdays, with no dates, exceptions or random offset, and not `run: host`. A window gives
 * two timers; when it closes on the next day its off timer's days move one day later.
 *
 * @param rule A rule of a parsed schedule.
 * @returns The timers, or `null` when the rule has no weekly form (sun times, cron, dates,
 *   random offsets), which the daemon then runs as one-shot records or on the host.
 *
 * @example A night window from Monday to Friday closes Tuesday to Saturday
 * ```ts
 * import { compileWeeklyTimers, parseSchedule } from "@s20/s20/schedule";
 * import assert from "node:assert/strict";
 *
 * const schedule = parseSchedule(
 *   "timezone: UTC\nsockets: {heater: {ip: 192.0.2.5}}\n" +
 *     "rules: [{sockets: heater, on: '22:00', off: '06:00', days: mon-fri}]\n",
 * );
 * const [on, off] = compileWeeklyTimers(schedule.rules[0]!) ?? [];
 * assert.equal(on?.days, 0b001_1111);
 * assert.equal(off?.days, 0b011_1110);
 * assert.equal(off?.hour, 6);
 * ```
 */
export function compileWeeklyTimers(rule: Rule): WeeklyTimer[] | null {
  if (
    rule.kind === "cron" || rule.run === "host" || rule.randomSeconds !== 0 ||
    rule.dates.length > 0 || rule.except.length > 0
  ) {
    return null;
  }
  const timer = (
    time: FixedTime,
    source: WeeklyTimer["source"],
    action: Action,
    days: number,
  ): WeeklyTimer => ({
    ruleId: rule.id,
    source,
    action,
    hour: time.hour,
    minute: time.minute,
    second: time.second,
    days,
  });
  if (rule.kind === "event") {
    return rule.at.kind === "fixed" ? [timer(rule.at, "event", rule.action, rule.days)] : null;
  }
  const { on, off } = rule;
  if (on.kind !== "fixed" || off.kind !== "fixed") return null;
  const closesNextDay = off.hour * 3600 + off.minute * 60 + off.second <=
    on.hour * 3600 + on.minute * 60 + on.second;
  return [
    timer(on, "window-start", "on", rule.days),
    timer(off, "window-end", "off", closesNextDay ? shiftDays(rule.days) : rule.days),
  ];
}
