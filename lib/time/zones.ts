/** IANA time-zone facts via `Temporal` (a global in Deno 2.9); never the host's zone. */

import { quoted } from "../util/quote.ts";

/**
 * The UTC offset of an IANA zone at an instant, and whether daylight saving time is in effect.
 *
 * @example
 * ```ts
 * import { zoneOffsetAt } from "./zones.ts";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(zoneOffsetAt("Europe/London", new Date("2026-07-01T12:00:00Z")), {
 *   offsetMinutes: 60,
 *   dst: true,
 * });
 * assert.deepEqual(zoneOffsetAt("Australia/Lord_Howe", new Date("2026-01-01T00:00:00Z")), {
 *   offsetMinutes: 660,
 *   dst: true,
 * });
 * ```
 *
 * @param zone An IANA zone name such as `Europe/London`.
 * @param at The instant.
 * @returns Minutes east of UTC, and `dst` when the offset is above the zone's standard one.
 * @throws {RangeError} If the zone name is unknown.
 */
export function zoneOffsetAt(zone: string, at: Date): { offsetMinutes: number; dst: boolean } {
  const offsetAt = (ms: number) =>
    Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).offsetNanoseconds /
    60e9;
  let offsetMinutes: number;
  try {
    offsetMinutes = offsetAt(at.getTime());
  } catch (error) {
    throw new RangeError(`Cannot use time zone ${quoted(zone)}: it is not a known IANA zone name`, {
      cause: error,
    });
  }
  // Standard time is the smaller of the mid-winter and mid-summer offsets, in either hemisphere.
  const year = at.getUTCFullYear();
  const standard = Math.min(offsetAt(Date.UTC(year, 0, 15)), offsetAt(Date.UTC(year, 6, 15)));
  return { offsetMinutes, dst: offsetMinutes > standard };
}

/**
 * The instants within [from, to) where an IANA zone's UTC offset changes.
 *
 * @example
 * ```ts
 * import { zoneTransitions } from "./zones.ts";
 * import assert from "node:assert/strict";
 *
 * const changes = zoneTransitions("Europe/London", new Date("2026-01-01Z"), new Date("2027-01-01Z"));
 * assert.deepEqual(changes.map((d) => d.toISOString()), [
 *   "2026-03-29T01:00:00.000Z",
 *   "2026-10-25T01:00:00.000Z",
 * ]);
 * ```
 *
 * @param zone An IANA zone name.
 * @param from Start (inclusive).
 * @param to End (exclusive).
 * @returns The transition instants in order.
 */
export function zoneTransitions(zone: string, from: Date, to: Date): Date[] {
  const out: Date[] = [];
  let cursor = Temporal.Instant.fromEpochMilliseconds(from.getTime()).toZonedDateTimeISO(zone);
  const end = to.getTime();
  // Deno's Temporal implements the "next" transition lookup.
  while (true) {
    const next = cursor.getTimeZoneTransition("next");
    if (!next || next.epochMilliseconds >= end) break;
    out.push(new Date(next.epochMilliseconds));
    cursor = next;
  }
  return out;
}
