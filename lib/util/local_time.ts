/**
 * Instants for people: in a time zone (the computer's own by default) with its offset, such as
 * `2026-12-05 18:30:00 +01:00`. One formatter for the CLI's text output and the daemon's text
 * log; JSON keeps ISO strings in UTC.
 */

/** The computer's time zone: `TZ` when it names a zone, else what the system says. */
export function localTimeZone(tz?: string): string {
  const named = tz?.replace(/^:/, "");
  if (named) {
    try {
      return Temporal.Now.zonedDateTimeISO(named).timeZoneId;
    } catch {
      // Not a zone name (a file path, or a POSIX rule): the system's zone below.
    }
  }
  return Temporal.Now.timeZoneId();
}

/**
 * An instant as date, time of day to the second and UTC offset in `timeZone`.
 *
 * @example
 * ```ts
 * import { formatLocalTime } from "./local_time.ts";
 *
 * formatLocalTime(new Date("2026-12-05T17:30:00Z"), "Europe/Berlin"); // "2026-12-05 18:30:00 +01:00"
 * ```
 *
 * @param at The instant (a `Date` or epoch milliseconds).
 * @param timeZone An IANA zone; the computer's zone when absent.
 * @returns Such as `2026-12-05 18:30:00 +01:00`.
 */
export function formatLocalTime(at: Date | number, timeZone: string = localTimeZone()): string {
  const ms = typeof at === "number" ? at : at.getTime();
  const zoned = Temporal.Instant.fromEpochMilliseconds(Math.floor(ms / 1000) * 1000)
    .toZonedDateTimeISO(timeZone);
  const time = zoned.toPlainTime().toString({ smallestUnit: "second" });
  return `${zoned.toPlainDate()} ${time} ${zoned.offset}`;
}
