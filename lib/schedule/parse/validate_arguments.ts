/** Checks of the arguments the public functions take: zones, dates, locations, integer options. */
import type { Location } from "../types.ts";

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
  if (typeof lat !== "number" || !(lat >= -90 && lat <= 90)) {
    throw new RangeError(
      `Cannot ${what}: 'latitude' must be a number from -90 to 90: current value is ${lat}`,
    );
  }
  if (typeof lon !== "number" || !(lon >= -180 && lon <= 180)) {
    throw new RangeError(
      `Cannot ${what}: 'longitude' must be a number from -180 to 180: current value is ${lon}`,
    );
  }
  return { latitude: lat, longitude: lon };
}

/** An integer option within bounds, or `RangeError`. */
export function checkInteger(
  value: number,
  name: string,
  min: number,
  max: number,
  what: string,
): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Cannot ${what}: '${name}' must be an integer from ${min} to ${max}: current value is ${value}`,
    );
  }
  return value;
}
