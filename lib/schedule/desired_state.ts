import { checkInteger } from "./parse/validate_arguments.ts";
import { ExpandContext } from "./plan/expand.ts";
import { stateAt } from "./plan/state_at.ts";
import type { Action, Schedule } from "./types.ts";

/**
 * Options of {@linkcode desiredState}.
 *
 * @example
 * ```ts
 * import type { DesiredStateOptions } from "@s20/s20/schedule";
 *
 * const options: DesiredStateOptions = { lookbackDays: 3 };
 * ```
 */
export interface DesiredStateOptions {
  /**
   * Seed of random offsets, as in `plan`.
   *
   * @default {schedule.seed}
   */
  readonly seed?: string;
  /**
   * How many days back a window rule still speaks: a rule whose last window closed longer
   * ago than this (a Christmas-only rule in July) says nothing.
   *
   * @default {8}
   */
  readonly lookbackDays?: number;
}

/**
 * What the window rules say a socket should be at an instant, for reconciling after a start
 * or downtime: `"on"` inside any of its windows; `"off"` when a window rule has had a window
 * in the last `lookbackDays` days but none is open now; `null` when no window rule speaks
 * (the socket has none, or none applied recently). Event and cron rules are edges, not
 * states, and are not consulted.
 *
 * @param schedule A parsed schedule.
 * @param socket A socket alias of the schedule.
 * @param instant The moment to ask about.
 * @param options Seed and look-back.
 * @returns `"on"`, `"off"` or `null`.
 * @throws {RangeError} If the socket is not in the schedule or an option is out of range.
 *
 * @example
 * ```ts
 * import { desiredState, parseSchedule } from "@s20/s20/schedule";
 * import assert from "node:assert/strict";
 *
 * const schedule = parseSchedule(
 *   "timezone: Europe/Berlin\nsockets: {tv: {ip: 192.0.2.8}}\n" +
 *     "rules: [{sockets: tv, on: '18:00', off: '22:30'}]\n",
 * );
 * const at = (iso: string) => Temporal.ZonedDateTime.from(iso).toInstant();
 * assert.equal(desiredState(schedule, "tv", at("2026-05-04T19:00[Europe/Berlin]")), "on");
 * assert.equal(desiredState(schedule, "tv", at("2026-05-04T23:00[Europe/Berlin]")), "off");
 * ```
 */
export function desiredState(
  schedule: Schedule,
  socket: string,
  instant: Temporal.Instant,
  options: DesiredStateOptions = {},
): Action | null {
  if (!Object.hasOwn(schedule.sockets, socket)) {
    throw new RangeError(
      `Cannot compute desired state: unknown socket '${socket}'; known: ${
        Object.keys(schedule.sockets).join(", ")
      }`,
    );
  }
  if (!(instant instanceof Temporal.Instant)) {
    throw new TypeError("Cannot compute desired state: 'instant' must be a Temporal.Instant");
  }
  const { seed = schedule.seed, lookbackDays = 8 } = options;
  checkInteger(lookbackDays, "lookbackDays", 1, 366, "compute desired state");
  const ms = instant.epochMilliseconds;
  const ctx = new ExpandContext(
    schedule,
    seed,
    ms - (lookbackDays + 2) * 86_400_000,
    ms + 2 * 86_400_000,
  );
  return stateAt(schedule, socket, ms, ctx, lookbackDays);
}
