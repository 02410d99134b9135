/** Checks of the arguments the public functions take: zones, dates, locations, integer options. */
import type { Location } from "../types.ts";
import { checkInteger as checkIntegerIn, checkNumber } from "../../util/range.ts";

/** Checks an IANA zone name; returns it as Temporal spells it (`europe/london` → `Europe/London`). */
export function canonicalTimeZone(name: string): string | null {
  try {
    return new Temporal.ZonedDateTime(0n, name).timeZoneId;
  } catch {
    return null;
  }
}

/** A zone argument, or `RangeError`. */
export function toTimeZone(value: unknown, what: string): string {
  const zone = typeof value === "string" ? canonicalTimeZone(value) : null;
  if (zone === null) {
    throw new RangeError(
      `Cannot ${what}: 'timeZone' must be an IANA zone such as "Europe/London": current value is ${
        JSON.stringify(value)
      }`,
    );
  }
  return zone;
}

/** A date argument (`Temporal.PlainDate` or `YYYY-MM-DD`), or `TypeError`. */
export function toPlainDate(value: unknown, what: string, name: string): Temporal.PlainDate {
  if (value instanceof Temporal.PlainDate) return value;
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    try {
      return Temporal.PlainDate.from(value, { overflow: "reject" });
    } catch {
      // Falls through to the message below.
    }
  }
  throw new TypeError(
    `Cannot ${what}: '${name}' must be a Temporal.PlainDate or a YYYY-MM-DD date: current value is ${
      JSON.stringify(String(value))
    }`,
  );
}

/** A location argument, or `RangeError`. */
export function checkLocation(value: Location | null | undefined, what: string): Location {
  const lat = value?.latitude;
  const lon = value?.longitude;
  return {
    latitude: checkNumber(what, "latitude", lat, -90, 90),
    longitude: checkNumber(what, "longitude", lon, -180, 180),
  };
}

/** An integer option within bounds, or `RangeError`. */
export function checkInteger(
  value: number,
  name: string,
  min: number,
  max: number,
  what: string,
): number {
  return checkIntegerIn(what, name, value, min, max);
}
