import { checkInteger } from "./parse/validate_arguments.ts";
import { hourBar, onIntervals, socketStretches } from "./plan/timeline.ts";
import type { Plan, PlannedEvent, SkippedDay } from "./plan_types.ts";

/**
 * Options of {@linkcode formatPlanText}.
 *
 * @example
 * ```ts
 * import type { FormatPlanTextOptions } from "@s20/s20/schedule";
 *
 * const brief: FormatPlanTextOptions = { timeline: false };
 * ```
 */
export interface FormatPlanTextOptions {
  /**
   * Include the per-socket timeline (an hour bar per day and the on-intervals).
   *
   * @default {true}
   */
  readonly timeline?: boolean;
  /**
   * At most this many days of timeline per socket; the rest is summarised in one line.
   *
   * @default {31}
   */
  readonly timelineDays?: number;
}

const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/**
 * Formats a plan for people: each event (local time, socket, action, rule, socket or host
 * and why), the days rules skip with the reasons, the clock changes, and a compact timeline
 * per socket. No colours: colouring is the caller's choice.
 *
 * @param plan A plan from `plan()`.
 * @param options What to include.
 * @returns The text, lines joined with `\n`, ending without a newline.
 * @throws {RangeError} If `timelineDays` is out of range.
 *
 * @example
 * ```ts
 * import { formatPlanText, parseSchedule, plan } from "@s20/s20/schedule";
 * import assert from "node:assert/strict";
 *
 * const schedule = parseSchedule(
 *   "timezone: Europe/Paris\nsockets: {lamp: {ip: 192.0.2.3}}\n" +
 *     "rules: [{name: Evening, sockets: lamp, on: '19:00', off: '23:30'}]\n",
 * );
 * const text = formatPlanText(plan(schedule, { from: "2026-05-04", days: 1 }));
 * assert.match(text, /Mon 2026-05-04 19:00:00 \+02:00 +lamp +on +Evening/);
 * assert.match(text, /lamp\n +Mon 05-04 +·{19}█{4}▒ +19:00–23:30/);
 * ```
 */
export function formatPlanText(plan: Plan, options: FormatPlanTextOptions = {}): string {
  const { timeline = true, timelineDays = 31 } = options;
  checkInteger(timelineDays, "timelineDays", 1, 3660, "format plan");
  const last = Temporal.PlainDate.from(plan.from).add({ days: plan.days - 1 });
  const lines = [
    `Plan of ${plan.file} from ${plan.from} to ${last} (${plan.days} day${
      plan.days === 1 ? "" : "s"
    }) in ${plan.timezone}`,
    "",
    "Events",
    ...eventLines(plan.events),
  ];
  if (plan.skipped.length > 0) lines.push("", "Skipped", ...skippedLines(plan.skipped));
  if (plan.dstChanges.length > 0) {
    lines.push(
      "",
      "Clock changes",
      ...plan.dstChanges.map((c) =>
        `  ${stamp(c.local)} (${c.offsetBefore} → ${c.offsetAfter}): ${c.description}`
      ),
    );
  }
  if (plan.sockets.length > 0) {
    lines.push("", "Socket timers");
    for (const s of plan.sockets) {
      lines.push(
        `  ${s.socket}: ${s.weeklyTimers.length} weekly + ${s.oneShotTimers} one-shot of ${s.capacity}`,
      );
    }
  }
  if (timeline) lines.push("", ...timelineLines(plan, timelineDays));
  return lines.join("\n");
}

/** `Sun 2026-03-29 02:00:00 +01:00` from an ISO local time with offset. */
function stamp(local: string): string {
  const date = Temporal.PlainDate.from(local.slice(0, 10));
  return `${WEEKDAYS[date.dayOfWeek - 1]} ${local.slice(0, 10)} ${local.slice(11, 19)} ${
    local.slice(19)
  }`;
}

function ruleLabel(item: { ruleId: string; ruleName: string | null }): string {
  return item.ruleName === null ? item.ruleId : `${item.ruleName} [${item.ruleId}]`;
}

function eventLines(events: readonly PlannedEvent[]): string[] {
  if (events.length === 0) return ["  (none)"];
  const socketWidth = Math.max(...events.map((e) => e.socket.length));
  const ruleWidth = Math.max(...events.map((e) => ruleLabel(e).length));
  return events.flatMap((e) => {
    const line = `  ${stamp(e.local)}  ${e.socket.padEnd(socketWidth)}  ${e.action.padEnd(3)}  ` +
      `${ruleLabel(e).padEnd(ruleWidth)}  ${e.run === "device" ? "socket" : "host  "}  ${e.reason}`;
    const anchor = e.anchorDate === e.local.slice(0, 10) ? [] : [`anchor day ${e.anchorDate}`];
    const notes = [...anchor, ...(e.note === null ? [] : [e.note])];
    return notes.length === 0 ? [line] : [line, `      ↳ ${notes.join("; ")}`];
  });
}

/** Runs of consecutive days with the same rule and reason become one line. */
function skippedLines(skipped: readonly SkippedDay[]): string[] {
  const general = (s: SkippedDay) => s.reason.replace(` on ${s.date}`, "");
  const runs: { first: SkippedDay; last: SkippedDay }[] = [];
  const open = new Map<string, { first: SkippedDay; last: SkippedDay }>();
  for (const s of skipped) {
    const key = `${s.ruleId}\u0000${general(s)}`;
    const run = open.get(key);
    if (
      run !== undefined &&
      Temporal.PlainDate.from(run.last.date).add({ days: 1 }).toString() === s.date
    ) {
      run.last = s;
      continue;
    }
    const fresh = { first: s, last: s };
    open.set(key, fresh);
    runs.push(fresh);
  }
  return runs.map(({ first, last }) => {
    const dates = first.date === last.date ? first.date : `${first.date}..${last.date}`;
    const reason = first === last ? first.reason : general(first);
    return `  ${dates}  ${ruleLabel(first)} (${first.sockets.join(", ")}): ${reason}`;
  });
}

function timelineLines(plan: Plan, maxDays: number): string[] {
  const lines = [
    "Timeline (one column per hour from 00 to 23: █ on, ▒ partly on, · off, blank unknown)",
  ];
  const first = Temporal.PlainDate.from(plan.from);
  const shown = Math.min(plan.days, maxDays);
  for (const socket of plan.sockets) {
    const stretches = socketStretches(plan, socket.socket);
    lines.push(`  ${socket.socket}`);
    for (let i = 0; i < shown; i++) {
      const date = first.add({ days: i });
      const intervals = onIntervals(stretches, date, plan.timezone);
      lines.push(
        `    ${WEEKDAYS[date.dayOfWeek - 1]} ${date.toString().slice(5)}  ${
          hourBar(stretches, date, plan.timezone)
        }  ${intervals.join(", ")}`.trimEnd(),
      );
    }
    if (shown < plan.days) lines.push(`    … ${plan.days - shown} more days`);
  }
  return lines;
}
