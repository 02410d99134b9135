/**
 * When table-3 timers fire (docs/protocol.md#table-3). Pure functions on "local ms": the socket's
 * local wall time written as if it were UTC, so calendar fields come from `getUTC*()` and the
 * host's zone never leaks in.
 */
import type { TimerRecord } from "../protocol/records.ts";

const DAY_MS = 86_400_000;

/**
 * Monday = 0 … Sunday = 6, the bit order of the repeat byte (orvfms; docs/protocol.md#disagreements
 * item 3).
 */
function weekdayOf(localMs: number): number {
  return (new Date(localMs).getUTCDay() + 6) % 7;
}

/**
 * The first local instant strictly after `afterLocalMs` at which `timer` fires, or `null` if it
 * never will (a one-shot in the past, a weekly timer with no day bits).
 */
export function nextFiring(timer: TimerRecord, afterLocalMs: number): number | null {
  const timeOfDay = ((timer.hour * 60 + timer.minute) * 60 + timer.second) * 1000;
  if (!timer.weekly) {
    const date = new Date(0);
    date.setUTCFullYear(timer.year, timer.month - 1, timer.day);
    const at = date.getTime() + timeOfDay;
    return at > afterLocalMs ? at : null;
  }
  if (timer.days === 0) return null;
  const dayStart = Math.floor(afterLocalMs / DAY_MS) * DAY_MS;
  for (let d = 0; d <= 7; d++) {
    const at = dayStart + d * DAY_MS + timeOfDay;
    if (at > afterLocalMs && (timer.days & (1 << weekdayOf(at))) !== 0) return at;
  }
  return null;
}

/** The timers due first after `afterLocalMs` (several when they share the instant). */
export interface DueTimers {
  /** Local ms of the firing. */
  readonly at: number;
  /** The timers that fire then, in table order. */
  readonly timers: readonly TimerRecord[];
}

/** The next firing among `timers`, or `null` when none will fire. */
export function nextDue(timers: readonly TimerRecord[], afterLocalMs: number): DueTimers | null {
  let best: number | null = null;
  let due: TimerRecord[] = [];
  for (const timer of timers) {
    const at = nextFiring(timer, afterLocalMs);
    if (at === null) continue;
    if (best === null || at < best) {
      best = at;
      due = [timer];
    } else if (at === best) due.push(timer);
  }
  return best === null ? null : { at: best, timers: due };
}
