/**
 * The typed form of a schedule file, as `parseSchedule` returns it. Durations are whole
 * seconds, weekday sets are 7-bit masks in the socket's own order (bit 0 = Monday … bit 6 =
 * Sunday, docs/protocol.md#table-3), so the daemon can copy them into timer records unchanged.
 *
 * @module
 */

/**
 * What a rule does to a socket: switch it on or off.
 *
 * @example
 * ```ts
 * import type { Action } from "@s20/s20/schedule";
 *
 * const action: Action = "on";
 * ```
 */
export type Action = "on" | "off";

/**
 * Where a rule should run: on the socket's own timer table, on the host, or wherever fits
 * (`auto`, which prefers the socket).
 *
 * @example
 * ```ts
 * import type { RunMode } from "@s20/s20/schedule";
 *
 * const run: RunMode = "auto";
 * ```
 */
export type RunMode = "device" | "host" | "auto";

/**
 * A sun event: sunrise and sunset (upper limb on the refracted horizon, USNO's convention),
 * and dawn and dusk at the three twilight depths (−6°, −12°, −18°).
 *
 * @example
 * ```ts
 * import type { SunEvent } from "@s20/s20/schedule";
 *
 * const event: SunEvent = "nautical-dusk";
 * ```
 */
export type SunEvent =
  | "sunrise"
  | "sunset"
  | "civil-dawn"
  | "civil-dusk"
  | "nautical-dawn"
  | "nautical-dusk"
  | "astronomical-dawn"
  | "astronomical-dusk";

/**
 * A wall-clock time in the schedule's zone, such as `"07:30"`.
 *
 * @example
 * ```ts
 * import type { FixedTime } from "@s20/s20/schedule";
 *
 * const time: FixedTime = { kind: "fixed", hour: 7, minute: 30, second: 0, text: "07:30" };
 * ```
 */
export interface FixedTime {
  /** Discriminant. */
  readonly kind: "fixed";
  /** Hour, 0–23. */
  readonly hour: number;
  /** Minute, 0–59. */
  readonly minute: number;
  /** Second, 0–59. */
  readonly second: number;
  /** The time as written in the file. */
  readonly text: string;
}

/**
 * A sun event of the anchor day plus an exact offset, such as `"sunset-30m"`.
 *
 * @example
 * ```ts
 * import type { SunTime } from "@s20/s20/schedule";
 *
 * const time: SunTime = { kind: "sun", event: "sunset", offsetSeconds: -1800, text: "sunset-30m" };
 * ```
 */
export interface SunTime {
  /** Discriminant. */
  readonly kind: "sun";
  /** Which crossing. */
  readonly event: SunEvent;
  /** Seconds added to the event's instant; negative is earlier. */
  readonly offsetSeconds: number;
  /** The time as written in the file. */
  readonly text: string;
}

/**
 * A time of day in a rule: a wall-clock time or a sun event with an offset.
 *
 * @example
 * ```ts
 * import type { TimeSpec } from "@s20/s20/schedule";
 *
 * function describe(time: TimeSpec): string {
 *   return time.kind === "fixed" ? `at ${time.text}` : `${time.offsetSeconds} s from ${time.event}`;
 * }
 * ```
 */
export type TimeSpec = FixedTime | SunTime;

/**
 * A month and day, with a year when the file gave one (`"12-24"` or `"2026-12-24"`).
 *
 * @example
 * ```ts
 * import type { CalendarDay } from "@s20/s20/schedule";
 *
 * const christmas: CalendarDay = { year: null, month: 12, day: 25 };
 * ```
 */
export interface CalendarDay {
  /** The year, or `null` for "every year". */
  readonly year: number | null;
  /** Month, 1–12. */
  readonly month: number;
  /** Day of the month, 1–31. */
  readonly day: number;
}

/**
 * A range of dates, both ends included. Without years it repeats every year and may wrap the
 * year end (`12-01..01-06`); a single date is a range of one day.
 *
 * @example
 * ```ts
 * import type { DateRange } from "@s20/s20/schedule";
 *
 * const holidays: DateRange = {
 *   start: { year: null, month: 12, day: 20 },
 *   end: { year: null, month: 1, day: 6 },
 *   text: "12-20..01-06",
 * };
 * ```
 */
export interface DateRange {
  /** First day. */
  readonly start: CalendarDay;
  /** Last day, included. */
  readonly end: CalendarDay;
  /** As written in the file. */
  readonly text: string;
}

/**
 * How the host reaches a socket. At least one field is set.
 *
 * @example
 * ```ts
 * import type { SocketAddress } from "@s20/s20/schedule";
 *
 * const hall: SocketAddress = { mac: "ac:cf:23:00:00:01", ip: "192.0.2.10" };
 * ```
 */
export interface SocketAddress {
  /** MAC address, lower case with colons. */
  readonly mac?: string;
  /** IPv4 address. */
  readonly ip?: string;
  /** The name stored in the socket. */
  readonly name?: string;
}

/**
 * Where the sun times are computed.
 *
 * @example
 * ```ts
 * import type { Location } from "@s20/s20/schedule";
 *
 * const london: Location = { latitude: 51.5072, longitude: -0.1276 };
 * ```
 */
export interface Location {
  /** Degrees north, −90 to 90. */
  readonly latitude: number;
  /** Degrees east, −180 to 180. */
  readonly longitude: number;
}

/**
 * What every kind of rule has.
 *
 * @example
 * ```ts
 * import type { RuleCommon } from "@s20/s20/schedule";
 *
 * function label(rule: RuleCommon): string {
 *   return rule.name ?? rule.id;
 * }
 * ```
 */
export interface RuleCommon {
  /**
   * Stable identifier: the rule's `id:` field, or `r` and eight hex digits hashed from what
   * the rule does (sockets, times, action, days, dates, random), so reordering rules or
   * renaming them keeps it. At most 12 characters, to fit a timer label with room to spare.
   */
  readonly id: string;
  /** Position in the file's `rules` list, from 0. */
  readonly index: number;
  /** The `name:` field, or `null`. */
  readonly name: string | null;
  /** Socket aliases the rule switches. */
  readonly sockets: readonly string[];
  /** Weekdays of the anchor day on which the rule applies: bit 0 = Monday … bit 6 = Sunday. */
  readonly days: number;
  /** Dates on which the rule applies; empty means every date. */
  readonly dates: readonly DateRange[];
  /** Dates on which it does not, even if `dates` and `days` say so. */
  readonly except: readonly DateRange[];
  /** Half-width of the random window in seconds; 0 for none. */
  readonly randomSeconds: number;
  /** Where it should run. */
  readonly run: RunMode;
  /** How late, in seconds, a missed occurrence may still be fired after downtime (0 = never). */
  readonly catchUpSeconds: number;
  /** Line of the rule in the file, from 1. */
  readonly line: number;
  /** Column of the rule in the file, from 1. */
  readonly column: number;
}

/**
 * A rule that switches at one time on each day it applies (`at:` with `action:`).
 *
 * @example
 * ```ts
 * import type { EventRule } from "@s20/s20/schedule";
 *
 * function when(rule: EventRule): string {
 *   return `${rule.action} at ${rule.at.text}`;
 * }
 * ```
 */
export interface EventRule extends RuleCommon {
  /** Discriminant. */
  readonly kind: "event";
  /** When. */
  readonly at: TimeSpec;
  /** What. */
  readonly action: Action;
}

/**
 * A rule that keeps sockets on between two times (`on:` … `off:`). The window opens at `on`
 * of the anchor day and closes at the first `off` after that, taken from the same day or the
 * next (so `on: "22:00"`, `off: "06:00"` closes the next morning).
 *
 * @example
 * ```ts
 * import type { WindowRule } from "@s20/s20/schedule";
 *
 * function span(rule: WindowRule): string {
 *   return `${rule.on.text}–${rule.off.text}`;
 * }
 * ```
 */
export interface WindowRule extends RuleCommon {
  /** Discriminant. */
  readonly kind: "window";
  /** When the window opens. */
  readonly on: TimeSpec;
  /** When it closes. */
  readonly off: TimeSpec;
}

/**
 * A rule given as a cron expression (5 or 6 fields, croner's dialect), run by the host.
 *
 * @example
 * ```ts
 * import type { CronRule } from "@s20/s20/schedule";
 *
 * function pattern(rule: CronRule): string {
 *   return rule.cron;
 * }
 * ```
 */
export interface CronRule extends RuleCommon {
  /** Discriminant. */
  readonly kind: "cron";
  /** The expression, evaluated in the schedule's zone. */
  readonly cron: string;
  /** What each run does. */
  readonly action: Action;
}

/**
 * Any rule.
 *
 * @example
 * ```ts
 * import type { Rule } from "@s20/s20/schedule";
 *
 * function isHostOnly(rule: Rule): boolean {
 *   return rule.kind === "cron" || rule.run === "host";
 * }
 * ```
 */
export type Rule = EventRule | WindowRule | CronRule;

/**
 * A checked schedule file.
 *
 * @example
 * ```ts
 * import { parseSchedule, type Schedule } from "@s20/s20/schedule";
 * import assert from "node:assert/strict";
 *
 * const schedule: Schedule = parseSchedule(
 *   "timezone: Europe/London\nsockets: {desk: {ip: 192.0.2.7}}\n" +
 *     "rules: [{sockets: desk, at: '07:30', action: on}]\n",
 * );
 * assert.equal(schedule.rules[0]?.kind, "event");
 * ```
 */
export interface Schedule {
  /** The file name used in messages. */
  readonly file: string;
  /** IANA zone every local time is read in. */
  readonly timezone: string;
  /** Where sun times are computed; `null` when no rule needs them and none was given. */
  readonly location: Location | null;
  /** Seed of the random offsets (the `seed:` field, or `"s20"`). */
  readonly seed: string;
  /** Socket aliases and how to reach each. */
  readonly sockets: Readonly<Record<string, SocketAddress>>;
  /** The rules, in file order. */
  readonly rules: readonly Rule[];
  /** Scripts the daemon hosts (`automations:`), in file order; empty when there are none. */
  readonly automations: readonly AutomationEntry[];
}

/**
 * What an automation may do beyond switching sockets through the daemon: Deno's permissions,
 * each a list of what is granted (hosts for `net`, paths relative to the schedule file for
 * `read` and `write`, variable names for `env`). Absent: nothing.
 *
 * @example
 * ```ts
 * import type { AutomationAllow } from "@s20/s20/schedule";
 *
 * const allow: AutomationAllow = { net: ["api.example.org"], read: ["./data"], env: ["TZ"] };
 * ```
 */
export interface AutomationAllow {
  /** Hosts (`host` or `host:port`) it may reach. */
  readonly net?: readonly string[];
  /** Paths it may read, as written in the file. */
  readonly read?: readonly string[];
  /** Paths it may write, as written in the file. */
  readonly write?: readonly string[];
  /** Environment variables it may read. */
  readonly env?: readonly string[];
}

/**
 * One item of `automations:`: a TypeScript module whose default export the daemon runs in a
 * sandboxed worker.
 *
 * @example
 * ```ts
 * import type { AutomationEntry } from "@s20/s20/schedule";
 *
 * const link: AutomationEntry = {
 *   name: "link",
 *   script: "./automations/link.ts",
 *   allow: {},
 *   options: { from: "desk", to: ["hall"] },
 *   line: 9,
 *   column: 13,
 * };
 * ```
 */
export interface AutomationEntry {
  /** Its name in logs and the API: `name:`, or the script's file name without extension. */
  readonly name: string;
  /** The script's path as written, relative to the schedule file. */
  readonly script: string;
  /** What it may do besides switching sockets. */
  readonly allow: AutomationAllow;
  /** The `options:` mapping, handed to the script as is (plain data). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Line of its `script:` value in the file (from 1), for messages. */
  readonly line: number;
  /** Column of its `script:` value (from 1). */
  readonly column: number;
}
