import type { Plan } from "./plan_types.ts";

/**
 * Options of {@linkcode formatPlanJson}.
 *
 * @example One line per plan, for logs
 * ```ts
 * import type { FormatPlanJsonOptions } from "@s20/s20/schedule";
 *
 * const compact: FormatPlanJsonOptions = { indent: 0 };
 * ```
 */
export interface FormatPlanJsonOptions {
  /**
   * Spaces per indentation level; 0 for one line.
   *
   * @default {2}
   */
  readonly indent?: number;
}

/**
 * Formats a plan as JSON: the same data as the text form, each instant (`at`, `start`,
 * `end`) in UTC ISO 8601 and each event's `local` time in ISO 8601 with its offset.
 *
 * @param plan A plan from `plan()`.
 * @param options Indentation.
 * @returns The JSON text.
 *
 * @example
 * ```ts
 * import { formatPlanJson, parseSchedule, plan } from "@s20/s20/schedule";
 * import assert from "node:assert/strict";
 *
 * const schedule = parseSchedule(
 *   "timezone: America/New_York\nsockets: {fan: {ip: 192.0.2.2}}\n" +
 *     "rules: [{sockets: fan, at: '02:30', action: off}]\n",
 * );
 * const json = JSON.parse(formatPlanJson(plan(schedule, { from: "2026-03-08", days: 1 })));
 * assert.equal(json.events[0].at, "2026-03-08T07:00:00Z");
 * assert.equal(json.events[0].local, "2026-03-08T03:00:00-04:00");
 * ```
 */
export function formatPlanJson(plan: Plan, options: FormatPlanJsonOptions = {}): string {
  const { indent = 2 } = options;
  // Temporal.Instant's toJSON is UTC ISO 8601, so the plan needs no conversion.
  return JSON.stringify(plan, null, indent);
}
