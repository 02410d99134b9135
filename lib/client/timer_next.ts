/** When a timer record next fires, from the socket's zone offset and a clock. */
import type { TimerRecord } from "../protocol/records.ts";
import { formatOffset } from "../protocol/zone.ts";

/**
 * The next instant a record fires, strictly after `now`: weekly records on their next day of
 * the week, one-shot records on their date if still to come. The socket reads its timers in
 * its own time zone, the offset of table 4, and on its own clock (here: assumed right).
 *
 * @example
 * ```ts
 * import { nextTimerFire } from "./timer_next.ts";
 * import assert from "node:assert/strict";
 *
 * const record = { id: 1, on: true, year: 2026, month: 12, day: 1, hour: 7, minute: 30,
 *   second: 0, weekly: true, days: 0b0011111, label: new Uint8Array(16) }; // mon–fri
 * const next = nextTimerFire(record, Date.parse("2026-12-05T12:00:00Z"), 60); // a Saturday
 * assert.equal(new Date(next!).toISOString(), "2026-12-07T06:30:00.000Z"); // Monday, 07:30 +01:00
 * ```
 *
 * @param record A table-3 record.
 * @param now Epoch milliseconds.
 * @param offsetMinutes The socket's offset east of UTC (see `zoneOffsetMinutes`).
 * @returns Epoch milliseconds, or `null` for a one-shot record in the past or a weekly record
 *   without days.
 */
export function nextTimerFire(
  record: TimerRecord,
  now: number,
  offsetMinutes: number,
): number | null {
  const zone = formatOffset(offsetMinutes);
  const local = Temporal.Instant.fromEpochMilliseconds(now).toZonedDateTimeISO(zone);
  const at = (date: Temporal.PlainDate) =>
    date.toZonedDateTime({
      timeZone: zone,
      plainTime: { hour: record.hour, minute: record.minute, second: record.second },
    }).epochMilliseconds;
  if (!record.weekly) {
    let date;
    try {
      date = Temporal.PlainDate.from(
        { year: record.year, month: record.month, day: record.day },
        { overflow: "reject" },
      );
    } catch {
      return null; // No such date: the socket never fires it.
    }
    const when = at(date);
    return when > now ? when : null;
  }
  for (let ahead = 0; ahead <= 7; ahead++) {
    const date = local.toPlainDate().add({ days: ahead });
    if ((record.days & (1 << (date.dayOfWeek - 1))) === 0) continue;
    const when = at(date);
    if (when > now) return when;
  }
  return null;
}
