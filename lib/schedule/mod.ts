/**
 * The schedule language of s20, pure: a YAML file in, checked rules and concrete events
 * out, with no network and no clock. Time is always an argument; local times are read in the
 * file's zone, never the host's.
 *
 * - {@linkcode checkSchedule} / {@linkcode parseSchedule} read a file and report every error
 *   as `file:line:column: message` ({@linkcode formatIssues}).
 * - {@linkcode plan} expands the rules over a window of days: DST gaps and overlaps, sun
 *   times by anchor day, random offsets, cron, and whether the socket's timer table or the
 *   host fires each event. {@linkcode formatPlanText} and {@linkcode formatPlanJson} print it;
 *   {@linkcode planSvg} draws it.
 * - For the daemon: {@linkcode compileWeeklyTimers} (weekly socket records) and
 *   {@linkcode desiredState} (what the windows say at an instant).
 * - {@linkcode sunTime} gives one sun event of a day; `SCHEDULE_JSON_SCHEMA` describes the
 *   file for editors.
 *
 * @example Check a file, then plan a week
 * ```ts
 * import { checkSchedule, formatIssues, plan } from "@s20/s20/schedule";
 * import assert from "node:assert/strict";
 *
 * const text = `
 * timezone: Atlantic/Reykjavik
 * location: {latitude: 64.1355, longitude: -21.8954}
 * sockets:
 *   porch: {mac: ac:cf:23:00:00:01}
 * rules:
 *   - name: Porch light
 *     sockets: porch
 *     on: sunset
 *     off: "02:00"
 * `;
 * const { schedule, issues } = checkSchedule(text, { file: "porch.yaml" });
 * assert.equal(formatIssues(issues), "");
 * const week = plan(schedule!, { from: "2026-06-20", days: 7 });
 * // Midsummer sunsets in Reykjavík come after midnight, on the next civil date.
 * const solstice = week.events.find((e) => e.anchorDate === "2026-06-21" && e.action === "on");
 * assert.match(solstice?.local ?? "", /^2026-06-22T00:0\d/);
 * ```
 *
 * @module
 */
// Layout of lib/schedule, and who may import what:
// - Files directly in lib/schedule/ may be imported from other folders of lib/. This module
//   re-exports the public API from some of them; days.ts (weekday words), limits.ts (issue cap)
//   and yaml_source.ts (YAML with positions) are there for the CLI and are not re-exported.
// - Files in the subfolders are private to lib/schedule, so they carry no '_' prefix:
//     parse/     the YAML tree into rules, and the checks of the public functions' arguments
//     notation/  the file's value words (dates, durations, times, cron), parsed and formatted
//     plan/      rules into events: expansion, socket-or-host placement, state at an instant
//     time/      zones, DST and the sun
//   Only files of lib/schedule import them; a need from outside is met by a file up here.
export * from "./types.ts";
// Listed by name: schedule_error.ts also holds sortIssues, which is internal.
export { formatIssues, ScheduleError, type ScheduleIssue } from "./schedule_error.ts";
export * from "./parse_schedule.ts";
export * from "./plan.ts";
export * from "./plan_types.ts";
export * from "./format_plan_text.ts";
export * from "./format_plan_json.ts";
export * from "./plan_svg.ts";
export * from "./weekly_timers.ts";
export * from "./desired_state.ts";
export * from "./sun_time.ts";
