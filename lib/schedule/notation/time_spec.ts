import { formatDuration, parseDuration } from "./duration.ts";
import { fail, ok, type Parsed } from "./parsed.ts";
import type { SunEvent, TimeSpec } from "../types.ts";

/**
 * Largest offset from a sun event. Twelve hours either way keeps the event nearer its own day
 * than the neighbours'; Tasmota's timers allow the same span (−11:59…+12:00,
 * docs/scheduling.md#how-other-tools-do-it).
 */
export const MAX_OFFSET_SECONDS = 12 * 3600;

const FIXED = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const FIXED_WITH_OFFSET = /^(\d{1,2}:\d{2}(?::\d{2})?)\s*([+-])\s*(.*)$/;
const SUN =
  /^(?:(civil|nautical|astronomical)[\s_-]+)?(sunrise|sunset|dawn|dusk)\s*(?:([+-])\s*(.*))?$/;

const HINT = 'write HH:MM such as "07:30", or sunrise, sunset, dawn or dusk ' +
  "(dawn and dusk may be civil, nautical or astronomical), optionally with an offset " +
  "such as sunset-30m";

/** Reads one time of a rule: `"07:30"`, `"07:30:15"`, `sunset-30m`, `nautical dawn+10m`. */
export function parseTimeSpec(text: string): Parsed<TimeSpec> {
  const trimmed = text.trim();
  const fixed = FIXED.exec(trimmed);
  if (fixed !== null) return parseFixed(trimmed, fixed);
  const withOffset = FIXED_WITH_OFFSET.exec(trimmed);
  if (withOffset !== null) {
    return fail(
      `'${text}' adds an offset to a fixed time; offsets go with sun times only, ` +
        `so write the resulting time instead`,
    );
  }
  const sun = SUN.exec(trimmed);
  if (sun === null) {
    // Lower case only, as in the JSON Schema editors check against.
    if (SUN.test(trimmed.toLowerCase())) {
      return fail(`'${text}' must be written in lower case: '${trimmed.toLowerCase()}'`);
    }
    return fail(`'${text}' is not a time; ${HINT}`);
  }
  const depth = sun[1];
  const word = sun[2]!;
  if (depth !== undefined && (word === "sunrise" || word === "sunset")) {
    return fail(
      `'${text}': '${depth}' applies to dawn and dusk only; write '${word}' or '${depth} ` +
        `${word === "sunrise" ? "dawn" : "dusk"}'`,
    );
  }
  const event =
    (word === "dawn" || word === "dusk" ? `${depth ?? "civil"}-${word}` : word) as SunEvent;
  let offsetSeconds = 0;
  if (sun[3] !== undefined) {
    const duration = parseDuration(sun[4] ?? "");
    if (duration.error !== undefined) {
      return fail(`'${text}' has a bad offset: ${duration.error}`);
    }
    offsetSeconds = sun[3] === "-" ? -duration.value : duration.value;
  }
  if (Math.abs(offsetSeconds) > MAX_OFFSET_SECONDS) {
    return fail(
      `offset ${formatDuration(offsetSeconds)} moves ${word} out of its day; ` +
        `offsets may be at most ${formatDuration(MAX_OFFSET_SECONDS)} either way`,
    );
  }
  return ok({ kind: "sun", event, offsetSeconds, text: trimmed });
}

function parseFixed(text: string, match: RegExpExecArray): Parsed<TimeSpec> {
  const hour = Number(match[1]);
  const minute = Number(match[2]);
  const second = Number(match[3] ?? 0);
  if (hour > 23 || minute > 59 || second > 59) {
    return fail(
      `'${text}' is not a time of day; hours go from 00 to 23 and minutes and seconds ` +
        `from 00 to 59 (for midnight write "00:00")`,
    );
  }
  return ok({ kind: "fixed", hour, minute, second, text });
}

/** The wall time as `HH:MM:SS`, or `HH:MM` when the seconds are zero. */
export function formatClock(hour: number, minute: number, second: number): string {
  const hm = `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
  return second === 0 ? hm : `${hm}:${String(second).padStart(2, "0")}`;
}
