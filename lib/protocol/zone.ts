/**
 * The socket's idea of local time: a whole-hour zone (table 4 byte 163), a half-hour bit and a
 * DST bit (byte 160, the orvfms reading; docs/protocol.md#table-4). The socket stores an offset,
 * not rules, so whoever manages it must rewrite these at every DST change.
 */

/**
 * The three table-4 fields that set a socket's UTC offset.
 *
 * @example India, UTC+05:30
 * ```ts
 * import type { ZoneFields } from "@s20/s20";
 *
 * const india: ZoneFields = { timeZone: 5, halfHour: true, dst: false };
 * ```
 */
export interface ZoneFields {
  /** Whole hours from UTC, −12…14. */
  readonly timeZone: number;
  /** Add 30 minutes away from UTC, in the direction of `timeZone`'s sign. */
  readonly halfHour: boolean;
  /** Add one hour of daylight saving time. */
  readonly dst: boolean;
}

/**
 * The UTC offset, in minutes, that a socket applies for these fields.
 *
 * @example
 * ```ts
 * import { zoneOffsetMinutes } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * assert.equal(zoneOffsetMinutes({ timeZone: -4, halfHour: true, dst: false }), -270); // Caracas 2015
 * assert.equal(zoneOffsetMinutes({ timeZone: 0, halfHour: false, dst: true }), 60); // London, summer
 * ```
 *
 * @param fields The table-4 fields.
 * @returns Minutes east of UTC.
 */
export function zoneOffsetMinutes(fields: ZoneFields): number {
  const half = fields.halfHour ? (fields.timeZone < 0 ? -30 : 30) : 0;
  return fields.timeZone * 60 + half + (fields.dst ? 60 : 0);
}

/**
 * The fields that make a socket apply `offsetMinutes`. With `dst: true` the DST bit carries one
 * hour of the offset where that can be expressed (what the vendor app writes in summer); the
 * offset the socket applies is the same either way.
 *
 * @example Zones the socket can and cannot express
 * ```ts
 * import { zoneFieldsFor } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(zoneFieldsFor(60, { dst: true }), { timeZone: 0, halfHour: false, dst: true });
 * assert.deepEqual(zoneFieldsFor(-210), { timeZone: -3, halfHour: true, dst: false }); // St John's
 * assert.throws(() => zoneFieldsFor(345), RangeError); // Kathmandu, UTC+05:45
 * ```
 *
 * @param offsetMinutes Minutes east of UTC the socket should apply.
 * @param options `dst`: the offset includes an hour of daylight saving time.
 * @returns The fields to write.
 * @throws {RangeError} For quarter-hour zones and offsets beyond −12…+14 hours.
 */
export function zoneFieldsFor(
  offsetMinutes: number,
  options: { readonly dst?: boolean } = {},
): ZoneFields {
  if (!Number.isInteger(offsetMinutes) || offsetMinutes < -12 * 60 || offsetMinutes > 14 * 60) {
    throw new RangeError(
      `Cannot set a socket's zone to UTC${
        formatOffset(offsetMinutes)
      }: offsets must be whole minutes from -12:00 to +14:00`,
    );
  }
  if (offsetMinutes % 30 !== 0) {
    throw new RangeError(
      `Cannot set a socket's zone to UTC${formatOffset(offsetMinutes)}: an S20 knows only whole ` +
        "and half hours, so quarter-hour zones (such as Asia/Kathmandu, UTC+05:45) would run " +
        "its timers 15 minutes off; run those rules on the host instead",
    );
  }
  const withDst = options.dst ? split(offsetMinutes - 60) : null;
  if (withDst) return { ...withDst, dst: true };
  const plain = split(offsetMinutes);
  if (!plain) {
    throw new RangeError(
      `Cannot set a socket's zone to UTC${
        formatOffset(offsetMinutes)
      }: a half-hour offset needs a non-zero whole-hour part`,
    );
  }
  return { ...plain, dst: false };
}

/** Splits a whole- or half-hour offset into hours and the half-hour bit, if expressible. */
function split(minutes: number): { timeZone: number; halfHour: boolean } | null {
  const hours = Math.trunc(minutes / 60);
  const rest = minutes - hours * 60;
  if (rest === 0) return { timeZone: hours, halfHour: false };
  // The half hour goes in the direction of the hours' sign, so ±00:30 cannot be written.
  if (hours === 0) return null;
  return { timeZone: hours, halfHour: true };
}

/**
 * Formats minutes east of UTC as `+05:30`, `-03:30`, `+00:00`.
 *
 * @example
 * ```ts
 * import { formatOffset } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatOffset(-210), "-03:30");
 * ```
 *
 * @param minutes Minutes east of UTC.
 * @returns The offset as `±HH:MM`.
 */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.trunc(abs / 60)).padStart(2, "0")}:${
    String(abs % 60).padStart(2, "0")
  }`;
}
