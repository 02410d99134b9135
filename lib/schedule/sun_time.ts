import { SunCalendar } from "./time/sun_calendar.ts";
import { checkLocation, toPlainDate, toTimeZone } from "./parse/validate_arguments.ts";
import type { Location, SunEvent } from "./types.ts";

const EVENTS: readonly SunEvent[] = [
  "sunrise",
  "sunset",
  "civil-dawn",
  "civil-dusk",
  "nautical-dawn",
  "nautical-dusk",
  "astronomical-dawn",
  "astronomical-dusk",
];

/**
 * Where and for which day {@linkcode sunTime} computes.
 *
 * @example
 * ```ts
 * import type { SunTimeOptions } from "@s20/s20/schedule";
 *
 * const options: SunTimeOptions = {
 *   date: "2026-12-21",
 *   location: { latitude: 69.6496, longitude: 18.956 },
 *   timeZone: "Europe/Oslo",
 * };
 * ```
 */
export interface SunTimeOptions {
  /** The anchor day D, as a `Temporal.PlainDate` or `YYYY-MM-DD`. */
  readonly date: Temporal.PlainDate | string;
  /** The observer. */
  readonly location: Location;
  /**
   * IANA zone whose calendar day D is (the day's solar transit anchors the search).
   *
   * @default {"UTC"}
   */
  readonly timeZone?: string;
}

/**
 * A sun event of one day, or why it does not happen.
 *
 * @example
 * ```ts
 * import type { SunTimeResult } from "@s20/s20/schedule";
 *
 * function show(result: SunTimeResult): string {
 *   return result.local ?? result.reason ?? "";
 * }
 * ```
 */
export interface SunTimeResult {
  /** The event asked for. */
  readonly event: SunEvent;
  /** The anchor day, `YYYY-MM-DD`. */
  readonly date: string;
  /** When it happens, to the second; `null` on a polar day or night. */
  readonly at: Temporal.Instant | null;
  /** `at` in the zone, ISO 8601 with offset, or `null`. */
  readonly local: string | null;
  /** Why there is no event, such as `no sunset on 2026-06-01 (sun always up)`; else `null`. */
  readonly reason: string | null;
}

/**
 * Computes a sun event of day D: a sunset (or dusk) is the first one after D's solar transit
 * and before the next; a sunrise (or dawn) is the one between the previous transit and D's.
 * The result may therefore fall on the next civil date, as Reykjavík's June sunsets do.
 *
 * @param event Which event.
 * @param options The day, place and zone.
 * @returns The instant, or `null` with the reason.
 * @throws {TypeError} If `event` is not a sun event or `date` is not a date.
 * @throws {RangeError} If the location or the zone is out of range.
 *
 * @example Reykjavík's sunset of 21 June 2026 is just after midnight
 * ```ts
 * import { sunTime } from "@s20/s20/schedule";
 * import assert from "node:assert/strict";
 *
 * const sunset = sunTime("sunset", {
 *   date: "2026-06-21",
 *   location: { latitude: 64.1355, longitude: -21.8954 },
 *   timeZone: "Atlantic/Reykjavik",
 * });
 * assert.match(sunset.local ?? "", /^2026-06-22T00:0/);
 * ```
 */
export function sunTime(event: SunEvent, options: SunTimeOptions): SunTimeResult {
  if (!EVENTS.includes(event)) {
    throw new TypeError(
      `Cannot compute sun time: 'event' must be one of ${EVENTS.join(", ")}: current value is ${
        JSON.stringify(event)
      }`,
    );
  }
  const { timeZone = "UTC" } = options;
  const date = toPlainDate(options.date, "compute sun time", "date");
  const zone = toTimeZone(timeZone, "compute sun time");
  const location = checkLocation(options.location, "compute sun time");
  const outcome = new SunCalendar(location, zone).event(event, date);
  return {
    event,
    date: date.toString(),
    at: outcome.at,
    local: outcome.at?.toZonedDateTimeISO(zone).toString({ timeZoneName: "never" }) ?? null,
    reason: outcome.reason,
  };
}
