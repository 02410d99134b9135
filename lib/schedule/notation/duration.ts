import { fail, ok, type Parsed } from "./parsed.ts";

// Units in descending order, each at most once, so "1h15m" has exactly one reading.
const DURATION = /^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?$/;

/** Reads `1h15m`, `30m`, `45s` (units h, m, s, largest first) as whole seconds. */
export function parseDuration(text: string): Parsed<number> {
  const trimmed = text.trim();
  const match = DURATION.exec(trimmed);
  if (trimmed === "" || match === null || match.slice(1).every((g) => g === undefined)) {
    return fail(
      `'${text}' is not a duration; write hours, minutes and seconds with units, ` +
        `such as 30m, 1h15m or 45s`,
    );
  }
  const [hours, minutes, seconds] = match.slice(1).map((g) => Number(g ?? 0)) as [
    number,
    number,
    number,
  ];
  return ok(hours * 3600 + minutes * 60 + seconds);
}

/** Writes seconds back in the file's notation (`1h15m`, `30m`, `0s`), for messages and output. */
export { formatDuration } from "../../util/duration.ts";
