/**
 * Weekday masks in the schedule file's words (`mon-fri`, `weekends`, `sat,sun`). Public to the
 * rest of lib/ on purpose: the CLI's `timers add --days` reads the same words, so a socket timer
 * and a schedule rule are written alike. Not part of the `@s20/s20/schedule` API.
 *
 * @example
 * ```ts
 * import { formatDays, parseDays } from "./days.ts";
 * import assert from "node:assert/strict";
 *
 * const { value: mask } = parseDays(["mon-fri"]);
 * assert.equal(mask, 0b001_1111);
 * assert.equal(formatDays(mask!), "mon-fri");
 * ```
 *
 * @module
 */
import { fail, ok, type Parsed } from "./notation/parsed.ts";

/**
 * Every weekday: bits 0–6, Monday first, as the socket's repeat byte (docs/protocol.md#table-3).
 */
export const ALL_DAYS = 0b111_1111;

const NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const LONG_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const GROUPS: Record<string, number> = {
  daily: ALL_DAYS,
  weekdays: 0b001_1111,
  weekends: 0b110_0000,
  weekend: 0b110_0000,
};

const HINT = "use mon, tue, wed, thu, fri, sat, sun, ranges such as mon-fri, " +
  "or weekdays, weekends, daily";

/** Index 0–6 (Monday first) of a day name, or -1. */
function dayIndex(word: string): number {
  const short = NAMES.indexOf(word as typeof NAMES[number]);
  return short >= 0 ? short : LONG_NAMES.indexOf(word);
}

/** Reads `days:` items (`mon-fri`, `weekends`, `sat`, comma lists) into a weekday mask. */
export function parseDays(items: readonly string[]): Parsed<number> {
  let mask = 0;
  for (const item of items) {
    for (const raw of item.split(",")) {
      const token = raw.trim();
      if (token === "") continue;
      if (token !== token.toLowerCase()) {
        // Lower case only, as in the JSON Schema editors check against.
        return fail(`'${token}' must be written in lower case: '${token.toLowerCase()}'`);
      }
      const group = Object.hasOwn(GROUPS, token) ? GROUPS[token] : undefined;
      if (group !== undefined) {
        mask |= group;
        continue;
      }
      const range = /^([a-z]+)\s*-\s*([a-z]+)$/.exec(token);
      if (range !== null) {
        const from = dayIndex(range[1]!);
        const to = dayIndex(range[2]!);
        if (from < 0 || to < 0) {
          return fail(`'${token}' is not a range of days; ${HINT}`);
        }
        // A range may wrap the week end: fri-mon is Friday to Monday.
        for (let i = from;; i = (i + 1) % 7) {
          mask |= 1 << i;
          if (i === to) break;
        }
        continue;
      }
      const index = dayIndex(token);
      if (index < 0) return fail(`'${token}' is not a day; ${HINT}`);
      mask |= 1 << index;
    }
  }
  if (mask === 0) {
    return fail(
      "'days' is empty; list at least one day (such as mon-fri), " +
        "or remove 'days' to apply the rule every day",
    );
  }
  return ok(mask);
}

/** Bit of a Temporal `dayOfWeek` (1 = Monday … 7 = Sunday). */
export function dayBit(dayOfWeek: number): number {
  return 1 << (dayOfWeek - 1);
}

/** Moves every day of a mask one day later (Sunday wraps to Monday). */
export function shiftDays(mask: number): number {
  return ((mask << 1) | (mask >> 6)) & ALL_DAYS;
}

/** A mask in the file's words, ranges where they help: `mon-fri`, `sat,sun`, `daily`. */
export function formatDays(mask: number): string {
  if ((mask & ALL_DAYS) === ALL_DAYS) return "daily";
  if ((mask & ALL_DAYS) === GROUPS.weekends) return "weekends";
  const parts: string[] = [];
  let i = 0;
  while (i < 7) {
    if ((mask & (1 << i)) === 0) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < 7 && (mask & (1 << (j + 1))) !== 0) j++;
    parts.push(j - i >= 2 ? `${NAMES[i]}-${NAMES[j]}` : NAMES.slice(i, j + 1).join(","));
    i = j + 1;
  }
  return parts.join(",");
}
