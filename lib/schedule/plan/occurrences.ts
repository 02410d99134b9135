import { cronRuns } from "../notation/cron.ts";
import {
  type Day,
  type ExpandContext,
  resolveEventOn,
  resolveWindowOn,
  ruleSkipReason,
} from "./expand.ts";
import type { Occurrence } from "./placement.ts";
import type { PlannedEvent, SkippedDay } from "../plan_types.ts";
import type { Rule, Schedule } from "../types.ts";

// Anchor days on either side of the window whose events may still land in it: a sun event
// falls within about 1.5 days of its day's noon, and offset and random add 12 h each at most.
const MARGIN_DAYS = 3;

/** Every rule's occurrences in [startMs, endMs), one per socket, and the days each skips. */
export function expandRules(
  schedule: Schedule,
  ctx: ExpandContext,
  window: {
    readonly from: Temporal.PlainDate;
    readonly days: number;
    readonly start: Temporal.Instant;
    readonly end: Temporal.Instant;
  },
): { occurrences: Occurrence[]; skipped: SkippedDay[] } {
  const startMs = window.start.epochMilliseconds;
  const endMs = window.end.epochMilliseconds;
  const anchors: Day[] = [];
  for (let i = -MARGIN_DAYS; i < window.days + MARGIN_DAYS; i++) {
    anchors.push(ctx.day(window.from.add({ days: i })));
  }
  const windowDays = anchors.slice(MARGIN_DAYS, MARGIN_DAYS + window.days);
  const inWindow = new Set(windowDays.map((day) => day.iso));

  const occurrences: Occurrence[] = [];
  const skipped: SkippedDay[] = [];
  // Skips are reported for the window's own days; the margin days are only searched.
  const skip = (rule: Rule, day: Day, reason: string) => {
    if (!inWindow.has(day.iso)) return;
    skipped.push({
      ruleId: rule.id,
      ruleName: rule.name,
      date: day.iso,
      sockets: rule.sockets,
      reason,
    });
  };
  const emit = (
    rule: Rule,
    source: PlannedEvent["source"],
    action: "on" | "off",
    ms: number,
    anchor: string,
    note: string | null,
  ) => {
    if (ms < startMs || ms >= endMs) return;
    for (const socket of rule.sockets) {
      occurrences.push({ rule, socket, source, action, ms, anchor, note });
    }
  };

  for (const rule of schedule.rules) {
    if (rule.kind === "cron") {
      // A cron run's day is its local date; the filters apply to that.
      const allowed = new Map<string, boolean>();
      for (const day of windowDays) {
        const reason = ruleSkipReason(rule, day);
        allowed.set(day.iso, reason === null);
        if (reason !== null) skip(rule, day, reason);
      }
      for (const at of cronRuns(rule.cron, ctx.timeZone, window.start, window.end)) {
        const ms = at.epochMilliseconds;
        const wall = ctx.clock.wall(ms);
        const iso = `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`;
        if (allowed.get(iso) !== false) emit(rule, "cron", rule.action, ms, iso, null);
      }
      continue;
    }
    for (const day of anchors) {
      const reason = ruleSkipReason(rule, day);
      if (reason !== null) {
        skip(rule, day, reason);
        continue;
      }
      if (rule.kind === "event") {
        const event = resolveEventOn(rule, day, ctx);
        if (event.ms === undefined) skip(rule, day, event.reason);
        else emit(rule, "event", rule.action, event.ms, day.iso, event.note);
        continue;
      }
      const opened = resolveWindowOn(rule, day, ctx);
      if (opened.onMs === undefined) {
        skip(rule, day, opened.reason);
        continue;
      }
      emit(rule, "window-start", "on", opened.onMs, day.iso, opened.onNote);
      emit(rule, "window-end", "off", opened.offMs, day.iso, opened.offNote);
    }
  }
  return { occurrences, skipped };
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
