import { astronomyEngine, type SunEngine } from "./sun_engine.ts";
import type { Location, SunEvent } from "../types.ts";

/** A sun event of one anchor day, or why there is none. */
export type SunOutcome =
  | { readonly at: Temporal.Instant; readonly reason: null }
  | { readonly at: null; readonly reason: string };

interface EventShape {
  readonly direction: "rise" | "set";
  readonly altitude: "horizon" | number;
  readonly label: string;
}

// Twilight depths are the usual −6/−12/−18° of the sun's centre (docs/scheduling.md#decisions).
const SHAPES: Record<SunEvent, EventShape> = {
  "sunrise": { direction: "rise", altitude: "horizon", label: "sunrise" },
  "sunset": { direction: "set", altitude: "horizon", label: "sunset" },
  "civil-dawn": { direction: "rise", altitude: -6, label: "civil dawn" },
  "civil-dusk": { direction: "set", altitude: -6, label: "civil dusk" },
  "nautical-dawn": { direction: "rise", altitude: -12, label: "nautical dawn" },
  "nautical-dusk": { direction: "set", altitude: -12, label: "nautical dusk" },
  "astronomical-dawn": { direction: "rise", altitude: -18, label: "astronomical dawn" },
  "astronomical-dusk": { direction: "set", altitude: -18, label: "astronomical dusk" },
};

// Rise/set is the upper limb on the refracted horizon: the centre at about −0.833° (USNO).
const HORIZON_CENTRE_DEG = -0.833;

/**
 * Sun events by anchor day in one zone, cached, with the attribution of docs/scheduling.md#date-attribution:
 * a setting-type event of day D is the first one between D's solar transit and the next; a
 * rising-type event of D is the one between the previous transit and D's. So every crossing
 * belongs to exactly one day, and one may fall on the next civil date (Reykjavík, June).
 */
export class SunCalendar {
  readonly #site: Location;
  readonly #timeZone: string;
  readonly #engine: SunEngine;
  readonly #transits = new Map<string, Temporal.Instant>();
  readonly #events = new Map<string, SunOutcome>();

  constructor(site: Location, timeZone: string, engine: SunEngine = astronomyEngine) {
    this.#site = site;
    this.#timeZone = timeZone;
    this.#engine = engine;
  }

  /** The first transit at or after the start of local day `date` (its local noon, roughly). */
  transit(date: Temporal.PlainDate): Temporal.Instant {
    const key = date.toString();
    let transit = this.#transits.get(key);
    if (transit === undefined) {
      // startOfDay, not T00:00: midnight does not exist on some DST days (Santiago, Havana).
      const start = date.toZonedDateTime({ timeZone: this.#timeZone }).toInstant();
      transit = this.#engine.transit(this.#site, start);
      this.#transits.set(key, transit);
    }
    return transit;
  }

  /** The event of anchor day `date` (`iso`: its `YYYY-MM-DD`, if at hand), or why there is none. */
  event(event: SunEvent, date: Temporal.PlainDate, iso: string = date.toString()): SunOutcome {
    const key = `${event} ${iso}`;
    let outcome = this.#events.get(key);
    if (outcome === undefined) {
      outcome = this.#compute(event, date);
      this.#events.set(key, outcome);
    }
    return outcome;
  }

  #compute(event: SunEvent, date: Temporal.PlainDate): SunOutcome {
    const shape = SHAPES[event];
    const noon = this.transit(date);
    const [after, before] = shape.direction === "set"
      ? [noon, this.transit(date.add({ days: 1 }))]
      : [this.transit(date.subtract({ days: 1 })), noon];
    const at = this.#engine.crossing(this.#site, shape.direction, shape.altitude, after, before);
    if (at !== null) return { at, reason: null };
    // No crossing between two transits: the sun stayed on one side the whole time, so its
    // side at this day's transit tells which.
    const threshold = shape.altitude === "horizon" ? HORIZON_CENTRE_DEG : shape.altitude;
    const above = this.#engine.altitude(this.#site, noon) > threshold;
    const side = shape.altitude === "horizon"
      ? (above ? "sun always up" : "sun always down")
      : (above ? `sun stays above ${shape.altitude}°` : `sun stays below ${shape.altitude}°`);
    return { at: null, reason: `no ${shape.label} on ${date} (${side})` };
  }
}
