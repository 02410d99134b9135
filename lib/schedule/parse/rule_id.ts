import { hashString } from "../../util/hash.ts";
import type { DateRange, Rule, TimeSpec } from "../types.ts";

/**
 * What a rule does, as text: two rules do the same exactly when these are equal. Its name,
 * place in the file and `run:`/`catchUp:` are left out: they change how, not what.
 */
export function ruleContent(rule: Rule): string {
  const time = (t: TimeSpec) =>
    t.kind === "fixed" ? [t.hour, t.minute, t.second] : [t.event, t.offsetSeconds];
  const dates = (list: readonly DateRange[]) => list.map((r) => [r.start, r.end]);
  const what = rule.kind === "event"
    ? [time(rule.at), rule.action]
    : rule.kind === "window"
    ? [time(rule.on), time(rule.off)]
    : [rule.cron, rule.action];
  return JSON.stringify([
    rule.kind,
    [...rule.sockets].sort(),
    what,
    rule.days,
    dates(rule.dates),
    dates(rule.except),
    rule.randomSeconds,
  ]);
}

/**
 * `r` + 8 hex digits of what the rule does, so reordering or renaming rules keeps ids. 32 bits
 * can collide; `attempt` > 0 gives the other candidates for the rules that lose a collision.
 */
export function contentId(content: string, attempt = 0): string {
  const hash = hashString(attempt === 0 ? content : `${content}#${attempt}`);
  return "r" + hash.toString(16).padStart(8, "0");
}

/**
 * One id per distinct content. Each rule gets its content's hash; where two different contents
 * share a hash, the contents are ordered and all but the first take the next free candidate,
 * so the ids do not depend on the order of the rules in the file.
 *
 * @param contents The distinct contents.
 * @param taken Ids that are not free (explicit `id:`s).
 */
export function uniqueContentIds(
  contents: Iterable<string>,
  taken: ReadonlySet<string> = new Set(),
): Map<string, string> {
  const byHash = new Map<string, string[]>();
  for (const content of contents) {
    const id = contentId(content);
    const group = byHash.get(id);
    if (group === undefined) byHash.set(id, [content]);
    else if (!group.includes(content)) group.push(content);
  }
  const used = new Set([...taken, ...byHash.keys()]);
  const ids = new Map<string, string>();
  for (const [id, group] of byHash) {
    const [first, ...rest] = group.sort();
    ids.set(first!, id);
    for (const content of rest) {
      let attempt = 1;
      let candidate = contentId(content, attempt);
      while (used.has(candidate)) candidate = contentId(content, ++attempt);
      used.add(candidate);
      ids.set(content, candidate);
    }
  }
  return ids;
}
