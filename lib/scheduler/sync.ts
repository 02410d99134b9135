/**
 * Sync: put what the schedule can keep on each socket into the socket itself. Before timers,
 * the socket's clock (when unset or more than 2 s off) and its time zone for the current
 * offset; then table 3: records this schedule owns are compared with what the plan needs,
 * other programs' records are left alone (unless pruning), writes are idempotent and read
 * back (docs/protocol.md#table-3, #device-clock).
 */
import type { SocketController } from "../client/controller.ts";
import { sameTimer, type TimerView, timerView } from "../client/timer_spec.ts";
import { errorJson } from "../error_json.ts";
import type { ErrorCode } from "../errors.ts";
import type { TimerRecord } from "../protocol/records.ts";
import {
  formatOffset,
  type ZoneFields,
  zoneFieldsFor,
  zoneOffsetMinutes,
} from "../protocol/zone.ts";
import { plan as planSchedule } from "../schedule/plan.ts";
import type { Plan } from "../schedule/plan_types.ts";
import type { Schedule } from "../schedule/types.ts";
import { zoneOffsetAt } from "../time/zones.ts";
import { compileRecords, ownerOf } from "./owned_timers.ts";
import type { ScheduledSocket } from "./resolve_sockets.ts";

/** Clock skew above which a socket's clock is set, in ms (docs/protocol.md#device-clock). */
export const MAX_SKEW_MS = 2000;

/**
 * Options for {@linkcode syncSchedule}.
 *
 * @example
 * ```ts
 * import type { SyncOptions } from "@s20/s20/scheduler";
 *
 * const preview: SyncOptions = { now: new Date(), dryRun: true };
 * ```
 */
export interface SyncOptions {
  /** The current time. */
  readonly now: Date;
  /** Compute and report the changes without making them. */
  readonly dryRun?: boolean;
  /** Also remove timers this schedule does not own. */
  readonly prune?: boolean;
  /** Timer records a socket holds. @default {32} */
  readonly capacity?: number;
  /** Days ahead one-shot records are written. @default {7} */
  readonly horizonDays?: number;
  /** Run clock, zone and timers on these aliases only. */
  readonly only?: ReadonlySet<string>;
}

/**
 * What a sync did (or, in a dry run, would do) on one socket.
 *
 * @example
 * ```ts
 * import type { SocketSyncReport } from "@s20/s20/scheduler";
 *
 * const line = (r: SocketSyncReport) => `${r.socket}: ${r.verified ? "ok" : r.error?.message}`;
 * ```
 */
export interface SocketSyncReport {
  /** The socket's alias. */
  readonly socket: string;
  /** Its MAC, when known. */
  readonly mac: string | null;
  /** The clock as found, and whether it was (or would be) set. */
  readonly clock: { readonly skewMs: number | null; readonly set: boolean } | null;
  /** The zone as found and as wanted, and whether it was (or would be) set. */
  readonly zone: { readonly before: string; readonly after: string; readonly set: boolean } | null;
  /** Timer changes (made, or in a dry run to be made). */
  readonly timers: {
    readonly add: TimerView[];
    readonly modify: TimerView[];
    readonly remove: TimerView[];
    readonly unchanged: number;
    readonly foreign: number;
  } | null;
  /** Whether a read-back found table 3 as intended. */
  readonly verified: boolean;
  /** Why the socket could not be synced (a code from `ERROR_CODES`), or `null`. */
  readonly error: { readonly code: ErrorCode; readonly message: string } | null;
}

/**
 * The outcome of a sync over the schedule's sockets.
 *
 * @example
 * ```ts
 * import type { SyncReport } from "@s20/s20/scheduler";
 *
 * const failed = (r: SyncReport) => r.sockets.filter((s) => s.error !== null).map((s) => s.socket);
 * ```
 */
export interface SyncReport {
  /** When the sync ran. */
  readonly at: Date;
  /** Whether nothing was changed. */
  readonly dryRun: boolean;
  /** The plan the records came from (the host runs its other events). */
  readonly plan: Plan;
  /** Whether the socket's zone can carry the schedule's (not for quarter-hour zones). */
  readonly deviceCapable: boolean;
  /** One report per socket. */
  readonly sockets: SocketSyncReport[];
}

/** Whether a clock needs setting: unset, or off by more than 2 s beyond what we can measure. */
export function clockIsOff(reading: { skewMs: number | null; uncertaintyMs: number }): boolean {
  return reading.skewMs === null || Math.abs(reading.skewMs) - reading.uncertaintyMs > MAX_SKEW_MS;
}

/** A local date in the schedule's zone. */
function localDate(now: Date, zone: string): Temporal.PlainDate {
  return Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(zone)
    .toPlainDate();
}

/** The zone fields the schedule's zone needs now, or `null` when no S20 can express it. */
export function zoneFieldsNow(schedule: Schedule, now: Date): ZoneFields | null {
  const { offsetMinutes, dst } = zoneOffsetAt(schedule.timezone, now);
  try {
    return zoneFieldsFor(offsetMinutes, { dst });
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

/** Plans the device part: from today, `horizonDays` of one-shot records. */
export function planForSync(
  schedule: Schedule,
  now: Date,
  options: { capacity: number; horizonDays: number },
): Plan {
  return planSchedule(schedule, {
    from: localDate(now, schedule.timezone),
    days: options.horizonDays + 1,
    horizonDays: options.horizonDays,
    capacity: options.capacity,
  });
}

/** The records one socket should hold, from the plan's device events still to come. */
export function desiredRecords(
  plan: Plan,
  alias: string,
  foreignIds: ReadonlySet<number>,
  now: Date,
  zone: string,
): TimerRecord[] {
  const today = localDate(now, zone);
  const future = plan.events.filter((e) =>
    e.socket === alias && e.run === "device" && e.at.epochMilliseconds > now.getTime()
  );
  return compileRecords(future, foreignIds, {
    year: today.year,
    month: today.month,
    day: today.day,
  });
}

function errorOf(error: unknown): { code: ErrorCode; message: string } {
  const { code, message } = errorJson(error).error;
  return { code, message };
}

/** Clock, zone and timers of one socket. */
async function syncOne(
  entry: ScheduledSocket,
  existing: TimerRecord[],
  desired: TimerRecord[] | null,
  zone: ZoneFields | null,
  options: SyncOptions,
): Promise<SocketSyncReport> {
  const socket = entry.socket as SocketController;
  const { dryRun = false, prune = false } = options;
  let clock: SocketSyncReport["clock"] = null;
  let zoneReport: SocketSyncReport["zone"] = null;
  let timers: SocketSyncReport["timers"] = null;
  const report = (verified: boolean, error: SocketSyncReport["error"]): SocketSyncReport => ({
    socket: entry.alias,
    mac: socket.mac,
    clock,
    zone: zoneReport,
    timers,
    verified,
    error,
  });
  try {
    const reading = await socket.clock();
    const off = clockIsOff(reading);
    if (off && !dryRun) await socket.syncClock();
    clock = { skewMs: reading.skewMs, set: off };

    if (zone) {
      const data = await socket.info();
      const before = `UTC${formatOffset(zoneOffsetMinutes(data))}${data.dst ? " (DST)" : ""}`;
      const after = `UTC${formatOffset(zoneOffsetMinutes(zone))}${zone.dst ? " (DST)" : ""}`;
      const differs = data.timeZone !== zone.timeZone || data.halfHour !== zone.halfHour ||
        data.dst !== zone.dst;
      if (differs && !dryRun) await socket.setTimeZone(zoneOffsetMinutes(zone), { dst: zone.dst });
      zoneReport = { before, after, set: differs };
    }

    const want = desired ?? [];
    const same = (a: TimerRecord, b: TimerRecord) => sameTimer(a, b) && ownerOf(a) === ownerOf(b);
    const removable = existing.filter((t) => ownerOf(t) !== null || prune);
    const remove = removable.filter((t) => !want.some((d) => d.id === t.id));
    const put = want.filter((d) => !existing.some((t) => same(t, d)));
    const modify = put.filter((d) => existing.some((t) => t.id === d.id));
    const add = put.filter((d) => !existing.some((t) => t.id === d.id));
    timers = {
      add: add.map(timerView),
      modify: modify.map(timerView),
      remove: remove.map(timerView),
      unchanged: want.length - put.length,
      foreign: existing.filter((t) => ownerOf(t) === null).length,
    };
    if (dryRun) return report(false, null);
    // Removals first: they free room in the socket's table for the additions.
    for (const t of remove) await socket.removeTimer(t.id);
    for (const t of put) await socket.putTimer(t);
    const after = await socket.timers();
    const verified = want.every((d) => after.some((t) => same(t, d))) &&
      !after.some((t) => (ownerOf(t) !== null || prune) && !want.some((d) => d.id === t.id));
    return report(verified, null);
  } catch (error) {
    return report(false, errorOf(error));
  }
}

/**
 * Syncs every socket of the schedule (or `options.only`). Sockets are done in parallel; one
 * failing does not stop the others, and its error is in the report.
 *
 * @example Preview what a sync would write
 * ```ts ignore
 * import { S20Client } from "@s20/s20";
 * import { parseSchedule } from "@s20/s20/schedule";
 * import { resolveSockets, syncSchedule } from "@s20/s20/scheduler";
 *
 * const schedule = parseSchedule(await Deno.readTextFile("schedules.yaml"));
 * await using client = new S20Client();
 * const sockets = await resolveSockets(schedule, client);
 * const report = await syncSchedule(schedule, sockets, { now: new Date(), dryRun: true });
 * ```
 *
 * @param schedule The schedule.
 * @param sockets Its sockets, from {@linkcode resolveSockets}.
 * @param options The time, dry run, pruning, capacity and horizon.
 * @returns One report per socket, and the plan used.
 */
export async function syncSchedule(
  schedule: Schedule,
  sockets: readonly ScheduledSocket[],
  options: SyncOptions,
): Promise<SyncReport> {
  const { now, capacity = 32, horizonDays = 7, only } = options;
  const chosen = sockets.filter((s) => !only || only.has(s.alias));
  const zone = zoneFieldsNow(schedule, now);
  // Read every table first: other programs' records take room the plan must leave them.
  const tables = await Promise.all(chosen.map(async (entry) => {
    if (!entry.socket) return { entry, existing: null, error: entry.error };
    try {
      return { entry, existing: await entry.socket.timers(), error: null };
    } catch (error) {
      return { entry, existing: null, error: error as Error };
    }
  }));
  const foreign = Math.max(
    0,
    ...tables.map((t) => t.existing?.filter((r) => ownerOf(r) === null).length ?? 0),
  );
  const plan = planForSync(schedule, now, {
    capacity: zone ? Math.max(0, capacity - foreign) : 0,
    horizonDays,
  });
  const reports = await Promise.all(tables.map(({ entry, existing, error }) => {
    if (!existing) {
      return {
        socket: entry.alias,
        mac: entry.socket?.mac ?? null,
        clock: null,
        zone: null,
        timers: null,
        verified: false,
        error: errorOf(error),
      } satisfies SocketSyncReport;
    }
    const foreignIds = new Set(existing.filter((r) => ownerOf(r) === null).map((r) => r.id));
    const desired = zone
      ? desiredRecords(plan, entry.alias, foreignIds, now, schedule.timezone)
      : [];
    return syncOne(entry, existing, desired, zone, options);
  }));
  return {
    at: now,
    dryRun: options.dryRun ?? false,
    plan,
    deviceCapable: zone !== null,
    sockets: reports,
  };
}
