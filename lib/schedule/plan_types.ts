import type { WallTime } from "../protocol/records.ts";
import type { Action } from "./types.ts";
import type { WeeklyTimer } from "./weekly_timers.ts";

/**
 * How a planned event sits in the socket's timer table: a weekly record shared by every
 * occurrence of its rule, or a one-shot record for this occurrence. Times are socket-local
 * wall time, which is the schedule's zone.
 *
 * @example
 * ```ts
 * import type { DeviceTimer } from "@s20/s20/schedule";
 *
 * const timer: DeviceTimer = {
 *   kind: "once", year: 2026, month: 6, day: 21, hour: 21, minute: 35, second: 12,
 * };
 * ```
 */
export type DeviceTimer =
  | Pick<WallTime, "hour" | "minute" | "second"> & {
    /** Repeats every week on `days` (repeat bit 7 set). */
    readonly kind: "weekly";
    /** Weekdays, bit 0 = Monday … bit 6 = Sunday. */
    readonly days: number;
  }
  | WallTime & {
    /** Fires once on the date given. */
    readonly kind: "once";
  };

/**
 * One switching of one socket.
 *
 * @example
 * ```ts
 * import type { PlannedEvent } from "@s20/s20/schedule";
 *
 * function line(event: PlannedEvent): string {
 *   return `${event.local} ${event.socket} ${event.action} (${event.run}: ${event.reason})`;
 * }
 * ```
 */
export interface PlannedEvent {
  /** When, as an instant (JSON: ISO 8601 in UTC). */
  readonly at: Temporal.Instant;
  /** When, in the schedule's zone: ISO 8601 with offset, such as `2026-03-29T02:00:00+01:00`. */
  readonly local: string;
  /** Socket alias. */
  readonly socket: string;
  /** Switch on or off. */
  readonly action: Action;
  /** The rule's id. */
  readonly ruleId: string;
  /** The rule's `name:`, or `null`. */
  readonly ruleName: string | null;
  /** What kind of edge: an event rule, either edge of a window, or a cron run. */
  readonly source: "event" | "window-start" | "window-end" | "cron";
  /** Who fires it: the socket's timer table or the host. */
  readonly run: "device" | "host";
  /** Why it runs there. */
  readonly reason: string;
  /** The day D the rule was evaluated for (`YYYY-MM-DD`); may differ from the local date. */
  readonly anchorDate: string;
  /** The socket timer it needs when `run` is `device`; otherwise `null`. */
  readonly timer: DeviceTimer | null;
  /** How a clock change or a random offset moved it, or `null`. */
  readonly note: string | null;
}

/**
 * A day on which a rule does not fire, and why.
 *
 * @example
 * ```ts
 * import type { SkippedDay } from "@s20/s20/schedule";
 *
 * const skip: SkippedDay = {
 *   ruleId: "porch", ruleName: null, date: "2026-06-01", sockets: ["porch"],
 *   reason: "no sunset on 2026-06-01 (sun always up)",
 * };
 * ```
 */
export interface SkippedDay {
  /** The rule's id. */
  readonly ruleId: string;
  /** The rule's `name:`, or `null`. */
  readonly ruleName: string | null;
  /** The anchor day, `YYYY-MM-DD`. */
  readonly date: string;
  /** The sockets it would have switched. */
  readonly sockets: readonly string[];
  /** Such as `not in days (mon-fri)`, `excepted (12-25)`, `no sunset on … (sun always up)`. */
  readonly reason: string;
}

/**
 * A change of the zone's UTC offset inside the planned window.
 *
 * @example
 * ```ts
 * import type { DstChange } from "@s20/s20/schedule";
 *
 * function summary(change: DstChange): string {
 *   return `${change.local}: ${change.description}`;
 * }
 * ```
 */
export interface DstChange {
  /** When (JSON: ISO 8601 in UTC). */
  readonly at: Temporal.Instant;
  /** The new local time with its offset. */
  readonly local: string;
  /** Offset before, such as `+00:00`. */
  readonly offsetBefore: string;
  /** Offset after, such as `+01:00`. */
  readonly offsetAfter: string;
  /** Such as `clocks go forward 1h: 01:00 becomes 02:00`. */
  readonly description: string;
}

/**
 * What one socket's timer table holds for the plan.
 *
 * @example
 * ```ts
 * import type { SocketPlan } from "@s20/s20/schedule";
 *
 * function used(socket: SocketPlan): string {
 *   return `${socket.weeklyTimers.length + socket.oneShotTimers} of ${socket.capacity}`;
 * }
 * ```
 */
export interface SocketPlan {
  /** Socket alias. */
  readonly socket: string;
  /** Weekly records placed on the socket. */
  readonly weeklyTimers: readonly WeeklyTimer[];
  /** How many one-shot records the plan puts on it (within the horizon). */
  readonly oneShotTimers: number;
  /** The table size the plan assumed. */
  readonly capacity: number;
  /** What the window rules say at the start of the plan (see `desiredState`). */
  readonly stateAtStart: Action | null;
}

/**
 * Concrete events of a schedule over a window of days, in the schedule's zone.
 *
 * @example
 * ```ts
 * import type { Plan } from "@s20/s20/schedule";
 *
 * function hostEvents(plan: Plan): number {
 *   return plan.events.filter((event) => event.run === "host").length;
 * }
 * ```
 */
export interface Plan {
  /** The schedule's file name. */
  readonly file: string;
  /** The schedule's zone. */
  readonly timezone: string;
  /** First day, `YYYY-MM-DD`. */
  readonly from: string;
  /** Number of days. */
  readonly days: number;
  /** Start of the first day. */
  readonly start: Temporal.Instant;
  /** Start of the day after the last. */
  readonly end: Temporal.Instant;
  /** Every event in [start, end), by instant; at one instant, `off` before `on`. */
  readonly events: readonly PlannedEvent[];
  /** Days in the window on which a rule does not fire, by date. */
  readonly skipped: readonly SkippedDay[];
  /** Offset changes in the window. */
  readonly dstChanges: readonly DstChange[];
  /** Per socket, in the order of the file. */
  readonly sockets: readonly SocketPlan[];
}
