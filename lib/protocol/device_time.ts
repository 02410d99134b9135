/**
 * The S20's clock: an unsigned 32-bit count of seconds since 1900-01-01T00:00:00Z (the NTP
 * era-0 timestamp; docs/protocol.md#discovery, #device-clock). It wraps on 2036-02-07T06:28:16Z.
 */

/** Seconds from 1900-01-01 to 1970-01-01 (RFC 5905 §6). */
export const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

const ERA_SECONDS = 2 ** 32;
/** Instant (ms since 1970) when the 32-bit count wraps: 2036-02-07T06:28:16Z. */
const WRAP_MS = (ERA_SECONDS - NTP_UNIX_OFFSET_SECONDS) * 1000;
/**
 * Device readings before 2001 mean "never set" (docs/protocol.md#device-clock, #disagreements item
 * 14).
 */
const FIRST_SET_MS = Date.UTC(2001, 0, 1);
const FIRST_SET_RAW = FIRST_SET_MS / 1000 + NTP_UNIX_OFFSET_SECONDS;
/** After the wrap, a small reading counts as era 1 only if it is not far in the future. */
const FUTURE_TOLERANCE_MS = 366 * 24 * 3600 * 1000;

/**
 * Converts a device clock reading to a `Date`, or `null` when the clock is unset (a reading
 * before 2001, as after a power cut without a time source).
 *
 * Readings from 2001 to the 2036 wrap are taken as they are. A smaller reading is either an
 * unset clock or, once `now` has passed the wrap, a time in the next 136-year era; it is read
 * as the latter when `now` is past the wrap and the result is not more than a year ahead of
 * `now`.
 *
 * @example Read the clock field of a discovery reply
 * ```ts
 * import { deviceTimeToDate } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * assert.equal(deviceTimeToDate(0xda5790dc)?.toISOString(), "2016-01-30T19:43:24.000Z");
 * assert.equal(deviceTimeToDate(0xbc17c393), null); // 2000-01-01: never set
 * const after = new Date("2036-06-01T00:00:00Z");
 * assert.equal(deviceTimeToDate(86_400, after)?.toISOString(), "2036-02-08T06:28:16.000Z");
 * ```
 *
 * @param raw The u32 reading.
 * @param now The current time, used only to read values after the 2036 wrap.
 * @returns The instant, or `null` when unset.
 */
export function deviceTimeToDate(raw: number, now?: Date): Date | null {
  if (!Number.isInteger(raw) || raw < 0 || raw >= ERA_SECONDS) {
    throw new RangeError(`Cannot read device time: ${raw} is not an unsigned 32-bit integer`);
  }
  if (raw >= FIRST_SET_RAW) return new Date((raw - NTP_UNIX_OFFSET_SECONDS) * 1000);
  if (now !== undefined && now.getTime() >= WRAP_MS) {
    const eraOne = WRAP_MS + raw * 1000;
    if (eraOne <= now.getTime() + FUTURE_TOLERANCE_MS) return new Date(eraOne);
  }
  return null;
}

/**
 * Converts an instant to the device clock's u32 reading, wrapping after 2036-02-07.
 *
 * @example Encode the time the WiWo app sent in capture 4
 * ```ts
 * import { dateToDeviceTime } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * assert.equal(dateToDeviceTime(new Date("2016-01-30T19:43:24Z")), 0xda5790dc);
 * assert.equal(dateToDeviceTime(new Date("2036-02-07T06:28:17Z")), 1);
 * ```
 *
 * @param date The instant; fractions of a second are dropped.
 * @returns The reading, 0 ≤ n < 2³².
 * @throws {RangeError} If the date is invalid or before 1900.
 */
export function dateToDeviceTime(date: Date): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError("Cannot encode device time: the date is invalid");
  const seconds = Math.floor(ms / 1000) + NTP_UNIX_OFFSET_SECONDS;
  if (seconds < 0) {
    throw new RangeError(`Cannot encode device time: ${date.toISOString()} is before 1900`);
  }
  return seconds % ERA_SECONDS;
}
