/**
 * A zone's offsets over a span of time, read once from Temporal, then used as plain numbers:
 * planning a year touches tens of thousands of instants, and a Temporal call per instant
 * costs more than the rest of the plan. Only UTC arithmetic is used on top (Date.UTC and the
 * getUTC* methods are defined without any host zone, ECMA-262 §21.4.1).
 */
import type { WallTime } from "../../protocol/records.ts";

const MS_PER_DAY = 86_400_000;
// Margin around the span: events may sit up to ~3 days from their anchor day.
const MARGIN_MS = 5 * MS_PER_DAY;

export class ZoneClock {
  readonly timeZone: string;
  /** Instants (ms) at which the offset changes, ascending. */
  readonly #changes: number[] = [];
  /** Offset in ms before the first change, then after each change. */
  readonly #offsets: number[] = [];
  /** Local dates (YYYY-MM-DD) touched by a change: the fast paths do not apply there. */
  readonly #changeDates = new Set<string>();
  /** Wall times that come twice (clocks going back), as [start, end) in local ms. */
  readonly #repeated: [number, number][] = [];
  readonly #from: number;
  readonly #to: number;

  constructor(timeZone: string, fromMs: number, toMs: number) {
    this.timeZone = timeZone;
    this.#from = fromMs - MARGIN_MS;
    this.#to = toMs + MARGIN_MS;
    let cursor = Temporal.Instant.fromEpochMilliseconds(this.#from).toZonedDateTimeISO(timeZone);
    this.#offsets.push(cursor.offsetNanoseconds / 1e6);
    for (;;) {
      const next = cursor.getTimeZoneTransition("next");
      if (next === null || next.epochMilliseconds > this.#to) break;
      const before = this.#offsets.at(-1)!;
      const after = next.offsetNanoseconds / 1e6;
      this.#changes.push(next.epochMilliseconds);
      this.#offsets.push(after);
      if (after < before) {
        this.#repeated.push([next.epochMilliseconds + after, next.epochMilliseconds + before]);
      }
      // Every local date from the wall time before the change to the one after it (a whole
      // day can be skipped, as Samoa did in 2011).
      const first = Math.floor((next.epochMilliseconds + Math.min(before, after)) / MS_PER_DAY);
      const last = Math.floor((next.epochMilliseconds + Math.max(before, after)) / MS_PER_DAY);
      for (let d = first; d <= last; d++) this.#changeDates.add(isoDate(d * MS_PER_DAY));
      cursor = next;
    }
  }

  /** Whether `ms` is inside the span this clock knows. */
  covers(ms: number): boolean {
    return ms >= this.#from && ms <= this.#to;
  }

  /** The zone's UTC offset at an instant, in ms. */
  offsetAt(ms: number): number {
    if (!this.covers(ms)) {
      return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(this.timeZone)
        .offsetNanoseconds / 1e6;
    }
    let lo = 0;
    let hi = this.#changes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#changes[mid]! <= ms) lo = mid + 1;
      else hi = mid;
    }
    return this.#offsets[lo]!;
  }

  /**
   * Whether the wall time of `ms` comes twice: it lies in the hour (or so) a clock going back
   * repeats, on either pass.
   */
  isRepeated(ms: number): boolean {
    return this.isRepeatedWall(ms + this.offsetAt(ms));
  }

  /** Whether a wall time, as local ms (wall fields read as UTC), comes twice. */
  isRepeatedWall(localMs: number): boolean {
    return this.#repeated.some(([start, end]) => localMs >= start && localMs < end);
  }

  /** Whether a clock change touches this local date. */
  isChangeDate(isoDate: string): boolean {
    return this.#changeDates.has(isoDate);
  }

  /**
   * The instant of a wall time on a date without a clock change, or `null` when the date has
   * one (the caller then resolves it the careful way).
   */
  instantOf(isoDay: string, hour: number, minute: number, second: number): number | null {
    if (this.#changeDates.has(isoDay)) return null;
    const [y, m, d] = isoDay.split("-").map(Number) as [number, number, number];
    const wall = Date.UTC(y, m - 1, d, hour, minute, second);
    const guess = wall - this.offsetAt(wall);
    const offset = this.offsetAt(guess);
    const ms = wall - offset;
    return this.offsetAt(ms) === offset && this.covers(ms) ? ms : null;
  }

  /** Wall-clock fields of an instant. */
  wall(ms: number): WallTime {
    const local = new Date(ms + this.offsetAt(ms));
    return {
      year: local.getUTCFullYear(),
      month: local.getUTCMonth() + 1,
      day: local.getUTCDate(),
      hour: local.getUTCHours(),
      minute: local.getUTCMinutes(),
      second: local.getUTCSeconds(),
    };
  }

  /** ISO 8601 with offset, as Temporal writes it: `2026-03-29T02:00:00+01:00`. */
  iso(ms: number): string {
    const offset = this.offsetAt(ms);
    if (ms % 1000 !== 0 || offset % 60_000 !== 0) {
      // Sub-second instants and historical second-precision offsets: let Temporal spell them.
      return Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(this.timeZone)
        .toString({ timeZoneName: "never" });
    }
    const local = new Date(ms + offset).toISOString().slice(0, 19);
    const sign = offset < 0 ? "-" : "+";
    const minutes = Math.abs(offset) / 60_000;
    return `${local}${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
  }
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
