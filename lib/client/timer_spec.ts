/** Friendly timer descriptions ↔ table-3 records. */
import { type TimerRecord, WEEKDAY_BITS } from "../protocol/records.ts";
import { blankTimerLabel } from "../protocol/timer_record.ts";
import { quoted } from "../util/quote.ts";

/**
 * A day of the week, as used in timer specs.
 *
 * @example
 * ```ts
 * import type { Weekday } from "@s20/s20";
 *
 * const weekend: Weekday[] = ["sat", "sun"];
 * ```
 */
export type Weekday = keyof typeof WEEKDAY_BITS;

const WEEKDAYS = Object.keys(WEEKDAY_BITS) as Weekday[];

/**
 * A timer in the socket's local time: weekly on `days`, or once on `date`.
 *
 * @example On at 07:30 on weekdays; off once on New Year's Eve at 23:00
 * ```ts
 * import type { TimerSpec } from "@s20/s20";
 *
 * const weekdays: TimerSpec = { on: true, time: "07:30", days: ["mon", "tue", "wed", "thu", "fri"] };
 * const once: TimerSpec = { on: false, time: "23:00:00", date: "2026-12-31" };
 * ```
 */
export interface TimerSpec {
  /** Switch on (`true`) or off. */
  readonly on: boolean;
  /** `HH:MM` or `HH:MM:SS`, socket local time. */
  readonly time: string;
  /** Repeat weekly on these days. Give `days` or `date`. */
  readonly days?: readonly Weekday[];
  /** Fire once on this date, `YYYY-MM-DD`. */
  readonly date?: string;
  /** Record id to use (u16); a free one is picked when omitted. */
  readonly id?: number;
}

function parseTime(time: string): [number, number, number] {
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(time.trim());
  const [h, m, s] = match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : [];
  if (h === undefined || m === undefined || s === undefined || h > 23 || m > 59 || s > 59) {
    throw new TypeError(
      `Cannot use timer time ${quoted(time)}: expected HH:MM or HH:MM:SS, 00:00–23:59:59`,
    );
  }
  return [h, m, s];
}

function parseDate(date: string): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  if (match) {
    const [y, mo, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const probe = new Date(Date.UTC(y, mo - 1, d));
    if (
      probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d
    ) {
      return [y, mo, d];
    }
  }
  throw new TypeError(`Cannot use timer date ${quoted(date)}: expected a real date as YYYY-MM-DD`);
}

/** The weekday bit mask for a list of days. */
export function daysMask(days: readonly Weekday[]): number {
  let mask = 0;
  for (const day of days) {
    const bit = WEEKDAY_BITS[day];
    if (bit === undefined) {
      throw new TypeError(
        `Cannot use weekday ${quoted(day)}: expected one of ${WEEKDAYS.join(", ")}`,
      );
    }
    mask |= bit;
  }
  return mask;
}

/** The days of a weekday bit mask, Monday first. */
export function maskDays(mask: number): Weekday[] {
  return WEEKDAYS.filter((day) => (mask & WEEKDAY_BITS[day]) !== 0);
}

/**
 * Builds the table-3 record for a spec. Weekly timers carry `today` as their (informational)
 * creation date, as the vendor app does (docs/protocol.md#table-3).
 *
 * @throws {TypeError} For a bad time, date or weekday, or neither/both of `days` and `date`.
 */
export function timerRecordFor(spec: TimerSpec, id: number, today: Date): TimerRecord {
  const [hour, minute, second] = parseTime(spec.time);
  if ((spec.days === undefined) === (spec.date === undefined)) {
    throw new TypeError("Cannot build a timer: give either 'days' (weekly) or 'date' (once)");
  }
  if (spec.days !== undefined) {
    const days = daysMask(spec.days);
    if (days === 0) throw new TypeError("Cannot build a weekly timer with no days");
    return {
      id,
      label: blankTimerLabel(),
      on: spec.on,
      year: today.getUTCFullYear(),
      month: today.getUTCMonth() + 1,
      day: today.getUTCDate(),
      hour,
      minute,
      second,
      weekly: true,
      days,
    };
  }
  const [year, month, day] = parseDate(spec.date!);
  return {
    id,
    label: blankTimerLabel(),
    on: spec.on,
    year,
    month,
    day,
    hour,
    minute,
    second,
    weekly: false,
    days: 0,
  };
}

/** `HH:MM:SS` of a record. */
export function timerTime(record: TimerRecord): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(record.hour)}:${two(record.minute)}:${two(record.second)}`;
}

/** `YYYY-MM-DD` of a record. */
export function timerDate(record: TimerRecord): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${String(record.year).padStart(4, "0")}-${two(record.month)}-${two(record.day)}`;
}

/** Whether two records would behave the same (labels aside). */
export function sameTimer(a: TimerRecord, b: TimerRecord): boolean {
  return a.id === b.id && a.on === b.on && a.hour === b.hour && a.minute === b.minute &&
    a.second === b.second && a.weekly === b.weekly && a.days === b.days &&
    (a.weekly || (a.year === b.year && a.month === b.month && a.day === b.day));
}

/**
 * A timer record as people read it and as JSON: weekly timers have `days`, one-shot `date`.
 *
 * @example
 * ```ts
 * import type { TimerView } from "@s20/s20";
 *
 * const view: TimerView = { id: 7, action: "on", time: "07:30:00", days: ["mon", "fri"] };
 * ```
 */
export interface TimerView {
  /** Record id. */
  readonly id: number;
  /** What it switches to. */
  readonly action: "on" | "off";
  /** Socket local time, `HH:MM:SS`. */
  readonly time: string;
  /** Weekly: the days. */
  readonly days?: Weekday[];
  /** One-shot: the date, `YYYY-MM-DD`. */
  readonly date?: string;
}

/** The readable form of a record (see {@linkcode TimerView}). */
export function timerView(t: TimerRecord): TimerView {
  return {
    id: t.id,
    action: t.on ? "on" : "off",
    time: timerTime(t),
    ...(t.weekly ? { days: maskDays(t.days) } : { date: timerDate(t) }),
  };
}

/** `weekly mon,tue` or `once 2026-12-31`. */
export function timerWhen(view: TimerView): string {
  return view.days ? `weekly ${view.days.join(",")}` : `once ${view.date}`;
}
