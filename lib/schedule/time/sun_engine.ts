import * as Astronomy from "npm:astronomy-engine@2.1.19";
import type { Location } from "../types.ts";

/**
 * The few astronomical primitives the scheduler needs, so the library behind them can be
 * swapped (docs/scheduling.md#decisions names suncalc 2 as the fallback). Instants are whole seconds:
 * devices and output work at that resolution.
 */
export interface SunEngine {
  /** The first solar transit (hour angle 0) at or after `after`. */
  transit(site: Location, after: Temporal.Instant): Temporal.Instant;
  /**
   * The first time in [after, before) the sun crosses `altitude` going up (`rise`) or down
   * (`set`); `"horizon"` means rise/set proper (upper limb on the refracted horizon).
   */
  crossing(
    site: Location,
    direction: "rise" | "set",
    altitude: "horizon" | number,
    after: Temporal.Instant,
    before: Temporal.Instant,
  ): Temporal.Instant | null;
  /** Geometric altitude of the sun's centre in degrees, no refraction. */
  altitude(site: Location, at: Temporal.Instant): number;
}

const MS_PER_DAY = 86_400_000;

function toDate(instant: Temporal.Instant): Date {
  return new Date(instant.epochMilliseconds);
}

function toInstant(date: Date): Temporal.Instant {
  return Temporal.Instant.fromEpochMilliseconds(Math.round(date.getTime() / 1000) * 1000);
}

function observer(site: Location): Astronomy.Observer {
  return new Astronomy.Observer(site.latitude, site.longitude, 0);
}

/**
 * astronomy-engine 2.1.19: within about 30 s of USNO for every reference event and right on
 * every polar day (docs/scheduling.md#library-choice), and its "next crossing in a window" search finds the
 * grazing events that solar-day formulas drop (docs/scheduling.md#library-choice).
 */
export const astronomyEngine: SunEngine = {
  transit(site, after) {
    return toInstant(
      Astronomy.SearchHourAngle(Astronomy.Body.Sun, observer(site), 0, toDate(after), +1).time.date,
    );
  },
  crossing(site, direction, altitude, after, before) {
    const limitDays = (before.epochMilliseconds - after.epochMilliseconds) / MS_PER_DAY;
    if (limitDays <= 0) return null;
    const sign = direction === "rise" ? +1 : -1;
    const time = altitude === "horizon"
      ? Astronomy.SearchRiseSet(Astronomy.Body.Sun, observer(site), sign, toDate(after), limitDays)
      : Astronomy.SearchAltitude(
        Astronomy.Body.Sun,
        observer(site),
        sign,
        toDate(after),
        limitDays,
        altitude,
      );
    if (time === null) return null;
    const instant = toInstant(time.date);
    return Temporal.Instant.compare(instant, before) < 0 ? instant : null;
  },
  altitude(site, at) {
    const obs = observer(site);
    const eq = Astronomy.Equator(Astronomy.Body.Sun, toDate(at), obs, true, true);
    return Astronomy.Horizon(toDate(at), obs, eq.ra, eq.dec).altitude;
  },
};
