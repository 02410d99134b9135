import { hashString } from "../util/hash.ts";
import type { DateRange, Rule, TimeSpec } from "./types.ts";

/** `r` + 8 hex digits of what the rule does, so reordering or renaming rules keeps ids. */
export function contentId(rule: Rule): string {
  const time = (t: TimeSpec) =>
    t.kind === "fixed" ? [t.hour, t.minute, t.second] : [t.event, t.offsetSeconds];
  const dates = (list: readonly DateRange[]) => list.map((r) => [r.start, r.end]);
  const what = rule.kind === "event"
    ? [time(rule.at), rule.action]
    : rule.kind === "window"
    ? [time(rule.on), time(rule.off)]
    : [rule.cron, rule.action];
  const content = JSON.stringify([
    rule.kind,
    [...rule.sockets].sort(),
    what,
    rule.days,
    dates(rule.dates),
    dates(rule.except),
    rule.randomSeconds,
  ]);
  return "r" + hashString(content).toString(16).padStart(8, "0");
}
