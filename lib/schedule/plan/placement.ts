import { formatDays } from "../days.ts";
import { formatClock } from "../notation/time_spec.ts";
import type { WallTime } from "../../protocol/records.ts";
import type { ZoneClock } from "../time/zone_clock.ts";
import type { DeviceTimer, PlannedEvent, SocketPlan } from "../plan_types.ts";
import type { Action, Rule, Schedule } from "../types.ts";
import { compileWeeklyTimers, type WeeklyTimer } from "../weekly_timers.ts";

/** An occurrence of a rule for one socket, before it is given to the socket or the host. */
export interface Occurrence {
  readonly rule: Rule;
  readonly socket: string;
  readonly source: PlannedEvent["source"];
  readonly action: Action;
  /** Epoch milliseconds. */
  readonly ms: number;
  /** The anchor day, `YYYY-MM-DD`. */
  readonly anchor: string;
  readonly note: string | null;
}

/** Limits of the socket timer tables. */
export interface PlacementLimits {
  readonly clock: ZoneClock;
  /** Timer records per socket. */
  readonly capacity: number;
  /** One-shot records are written only for events before this instant (epoch ms). */
  readonly horizonEndMs: number;
  /** The horizon in days, for messages. */
  readonly horizonDays: number;
  /** What the window rules say at the start, per socket. */
  readonly stateAtStart: (socket: string) => Action | null;
  /** Local midnight of the plan's first day, as local ms (wall fields read as UTC). */
  readonly firstDayLocalMs: number;
}

interface SocketTable {
  readonly weekly: Map<string, WeeklyTimer[]>;
  readonly full: Set<string>;
  readonly oneShot: Set<Occurrence>;
}

const preferDevice = (rule: Rule) => (rule.run === "device" ? 0 : 1);

/**
 * Decides for every occurrence whether the socket's timer table or the host fires it.
 * Weekly records go first (one record serves every week), rules with `run: device` before
 * `auto` ones; then one-shot records in time order within the horizon while slots remain.
 * Everything else is the host's, with the reason. `occurrences` must be sorted by time; the
 * events keep that order.
 */
export function placeOccurrences(
  schedule: Schedule,
  occurrences: readonly Occurrence[],
  limits: PlacementLimits,
): { events: PlannedEvent[]; sockets: SocketPlan[] } {
  const tables = new Map<string, SocketTable>();
  const sockets: SocketPlan[] = [];
  const bySocket = Map.groupBy(occurrences, (o) => o.socket);
  for (const socket of Object.keys(schedule.sockets)) {
    let free = limits.capacity;
    const rules = schedule.rules
      .filter((rule) => rule.sockets.includes(socket) && rule.run !== "host")
      .sort((a, b) => preferDevice(a) - preferDevice(b) || a.index - b.index);
    const table: SocketTable = { weekly: new Map(), full: new Set(), oneShot: new Set() };
    for (const rule of rules) {
      const timers = compileWeeklyTimers(rule)?.map((t) => withoutRepeatedDays(t, limits));
      if (timers === undefined) continue;
      if (timers.length <= free) {
        table.weekly.set(rule.id, timers);
        free -= timers.length;
      } else table.full.add(rule.id);
    }
    const candidates = (bySocket.get(socket) ?? [])
      .filter((o) =>
        o.rule.kind !== "cron" && o.rule.run !== "host" && !table.weekly.has(o.rule.id) &&
        !table.full.has(o.rule.id) && o.ms < limits.horizonEndMs && !limits.clock.isRepeated(o.ms)
      )
      // Stable: within a priority the time order of `occurrences` is kept.
      .sort((a, b) => preferDevice(a.rule) - preferDevice(b.rule));
    for (const candidate of candidates.slice(0, free)) table.oneShot.add(candidate);
    tables.set(socket, table);
    sockets.push({
      socket,
      // A timer left with no day this week (see withoutRepeatedDays) is not written.
      weeklyTimers: [...table.weekly.values()].flat().filter((t) => t.days !== 0),
      oneShotTimers: table.oneShot.size,
      capacity: limits.capacity,
      stateAtStart: limits.stateAtStart(socket),
    });
  }
  const events = occurrences.map((o) =>
    toEvent(o, decide(o, tables.get(o.socket)!, limits), limits)
  );
  return { events, sockets };
}

interface Decision {
  readonly run: "device" | "host";
  readonly reason: string;
  readonly timer: DeviceTimer | null;
}

function decide(o: Occurrence, table: SocketTable, limits: PlacementLimits): Decision {
  const { rule } = o;
  const host = (why: string): Decision => ({
    run: "host",
    reason: rule.run === "device" ? `run: device, but ${why}; the host fires it` : why,
    timer: null,
  });
  if (rule.run === "host") return { run: "host", reason: "run: host", timer: null };
  if (rule.kind === "cron") {
    return { run: "host", reason: "cron rules run on the host", timer: null };
  }
  const local = limits.clock.wall(o.ms);
  const date = `${local.year}-${pad(local.month)}-${pad(local.day)}`;
  if (limits.clock.isRepeated(o.ms)) {
    // The daemon moves the socket's offset back at the change, so the socket's clock shows
    // this time twice and its record could fire at both; the host fires the first only.
    return host(
      `${formatClock(local.hour, local.minute, local.second)} comes twice on ${date} ` +
        "as the clocks go back; the host fires it once",
    );
  }
  const weekly = table.weekly.get(rule.id)?.find((t) => t.source === o.source);
  if (weekly !== undefined) {
    const clock = formatClock(weekly.hour, weekly.minute, weekly.second);
    if (
      local.hour !== weekly.hour || local.minute !== weekly.minute || local.second !== weekly.second
    ) {
      // A clock change moved this occurrence off the record's wall time (to a gap's end).
      return host(
        `the weekly socket timer at ${clock} cannot fire at ${
          formatClock(local.hour, local.minute, local.second)
        } on ${date}`,
      );
    }
    if ((weekly.days & (1 << weekdayOf(localMsOf(local)))) === 0) {
      return host(
        `the weekly socket timer at ${clock} leaves out this weekday until the clocks have gone ` +
          "back (its time comes twice that day)",
      );
    }
    return {
      run: "device",
      reason: `weekly socket timer (${formatDays(weekly.days)} at ${clock})`,
      timer: {
        kind: "weekly",
        hour: weekly.hour,
        minute: weekly.minute,
        second: weekly.second,
        days: weekly.days,
      },
    };
  }
  if (table.oneShot.has(o)) {
    return {
      run: "device",
      reason: `one-shot socket timer (${oneShotWhy(o)})`,
      timer: { kind: "once", ...limits.clock.wall(o.ms) },
    };
  }
  if (o.ms >= limits.horizonEndMs) {
    return host(`beyond the ${limits.horizonDays}-day horizon of socket timers`);
  }
  return host(`the socket timer table is full (${limits.capacity} timers)`);
}

/** Why an occurrence needs a one-shot record rather than a weekly one. */
function oneShotWhy(o: Occurrence): string {
  const { rule } = o;
  const time = rule.kind === "event"
    ? rule.at
    : rule.kind === "window"
    ? (o.source === "window-start" ? rule.on : rule.off)
    : null;
  if (time?.kind === "sun") return "sun times move every day";
  if (rule.randomSeconds > 0) return "random offset";
  if (rule.dates.length > 0 || rule.except.length > 0) return "dated rule";
  return "the window's other edge is a sun time";
}

function toEvent(o: Occurrence, decision: Decision, limits: PlacementLimits): PlannedEvent {
  return {
    at: Temporal.Instant.fromEpochMilliseconds(o.ms),
    local: limits.clock.iso(o.ms),
    socket: o.socket,
    action: o.action,
    ruleId: o.rule.id,
    ruleName: o.rule.name,
    source: o.source,
    run: decision.run,
    reason: decision.reason,
    anchorDate: o.anchor,
    timer: decision.timer,
    note: o.note,
  };
}

const DAY_MS = 86_400_000;

/**
 * The timer without the weekdays of the coming week (from the plan's first day) on which its
 * wall time comes twice, because the clocks go back: the socket would fire at both passes,
 * so the host fires that occurrence. The daemon syncs every day, which puts the day back once
 * the change is over.
 */
function withoutRepeatedDays(timer: WeeklyTimer, limits: PlacementLimits): WeeklyTimer {
  const timeOfDay = ((timer.hour * 60 + timer.minute) * 60 + timer.second) * 1000;
  let repeated = 0;
  for (let d = 0; d < 7; d++) {
    const local = limits.firstDayLocalMs + d * DAY_MS + timeOfDay;
    if (limits.clock.isRepeatedWall(local)) repeated |= 1 << weekdayOf(local);
  }
  return repeated & timer.days ? { ...timer, days: timer.days & ~repeated } : timer;
}

/** Local ms (wall fields read as UTC) of wall-clock fields. */
function localMsOf(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/** Monday = 0 … Sunday = 6 of a local ms, the bit order of the repeat byte. */
function weekdayOf(localMs: number): number {
  return (new Date(localMs).getUTCDay() + 6) % 7;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
