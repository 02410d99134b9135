import type { Plan } from "../plan_types.ts";
import type { Action } from "../types.ts";

/** A stretch of time with one known state of a socket. */
export interface Stretch {
  readonly from: Temporal.Instant;
  readonly to: Temporal.Instant;
  readonly state: Action | null;
}

/**
 * The states of one socket over the plan: from its state at the start (what the windows
 * say, or unknown), changed by each of its events in order.
 */
export function socketStretches(plan: Plan, socket: string): Stretch[] {
  const stretches: Stretch[] = [];
  let state = plan.sockets.find((s) => s.socket === socket)?.stateAtStart ?? null;
  let since = plan.start;
  for (const event of plan.events) {
    if (event.socket !== socket) continue;
    if (Temporal.Instant.compare(event.at, since) > 0) {
      stretches.push({ from: since, to: event.at, state });
      since = event.at;
    }
    state = event.action;
  }
  if (Temporal.Instant.compare(plan.end, since) > 0) {
    stretches.push({ from: since, to: plan.end, state });
  }
  return stretches;
}

const ON = "█";
const PART = "▒";
const OFF = "·";
const UNKNOWN = " ";

/**
 * One character per local wall hour of `date`: on for the whole hour, partly, off, or
 * unknown. Hours missing on a spring-forward day show the state at the gap.
 */
export function hourBar(
  stretches: readonly Stretch[],
  date: Temporal.PlainDate,
  timeZone: string,
): string {
  let bar = "";
  for (let hour = 0; hour < 24; hour++) {
    const from = wallInstant(date, hour, timeZone);
    const to = hour === 23
      ? date.add({ days: 1 }).toZonedDateTime({ timeZone }).toInstant()
      : wallInstant(date, hour + 1, timeZone);
    bar += cell(stretches, from, to);
  }
  return bar;
}

function wallInstant(date: Temporal.PlainDate, hour: number, timeZone: string): Temporal.Instant {
  return date.toPlainDateTime({ hour }).toZonedDateTime(timeZone, { disambiguation: "earlier" })
    .toInstant();
}

function cell(stretches: readonly Stretch[], from: Temporal.Instant, to: Temporal.Instant): string {
  const length = to.epochMilliseconds - from.epochMilliseconds;
  if (length <= 0) {
    const at = stretches.find((s) =>
      Temporal.Instant.compare(s.from, from) <= 0 && Temporal.Instant.compare(from, s.to) < 0
    );
    return at === undefined || at.state === null ? UNKNOWN : at.state === "on" ? ON : OFF;
  }
  let on = 0;
  let known = 0;
  for (const s of stretches) {
    const overlap = Math.min(s.to.epochMilliseconds, to.epochMilliseconds) -
      Math.max(s.from.epochMilliseconds, from.epochMilliseconds);
    if (overlap <= 0 || s.state === null) continue;
    known += overlap;
    if (s.state === "on") on += overlap;
  }
  if (known === 0) return UNKNOWN;
  return on === length ? ON : on === 0 ? OFF : PART;
}

/** The on-stretches that touch `date`, clipped to it, as `HH:MM–HH:MM` (24:00 = day end). */
export function onIntervals(
  stretches: readonly Stretch[],
  date: Temporal.PlainDate,
  timeZone: string,
): string[] {
  const dayStart = date.toZonedDateTime({ timeZone }).toInstant();
  const dayEnd = date.add({ days: 1 }).toZonedDateTime({ timeZone }).toInstant();
  const out: string[] = [];
  for (const s of stretches) {
    if (s.state !== "on") continue;
    const from = Temporal.Instant.compare(s.from, dayStart) > 0 ? s.from : dayStart;
    const to = Temporal.Instant.compare(s.to, dayEnd) < 0 ? s.to : dayEnd;
    if (Temporal.Instant.compare(from, to) >= 0) continue;
    const end = Temporal.Instant.compare(to, dayEnd) === 0 ? "24:00" : clock(to, timeZone);
    out.push(`${clock(from, timeZone)}–${end}`);
  }
  return out;
}

function clock(at: Temporal.Instant, timeZone: string): string {
  const t = at.toZonedDateTimeISO(timeZone);
  const hm = `${String(t.hour).padStart(2, "0")}:${String(t.minute).padStart(2, "0")}`;
  return t.second === 0 ? hm : `${hm}:${String(t.second).padStart(2, "0")}`;
}
