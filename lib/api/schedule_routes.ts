/**
 * `/v1/schedule…`: what the schedule daemon is doing (last sync, next events), its plan for
 * any days, and a reload of its file.
 */
import { S20Error } from "../errors.ts";
import { plan } from "../schedule/plan.ts";
import type { Schedule } from "../schedule/types.ts";
import type { DaemonStatus } from "../scheduler/daemon.ts";
import type { AutomationStatus } from "../scheduler/automation_host.ts";
import type { LogEntry } from "../scheduler/log_entry.ts";
import type { Clock } from "../time/clock.ts";
import { HttpError, integerParam, jsonResponse } from "./http.ts";
import { allow, CALL, notFound, type Route } from "./routing.ts";

/**
 * What the API needs of a schedule daemon (a `SchedulerDaemon` is one).
 *
 * @example
 * ```ts
 * import type { ScheduleSource } from "@s20/s20/api";
 * import type { SchedulerDaemon } from "@s20/s20/scheduler";
 *
 * const source = (daemon: SchedulerDaemon): ScheduleSource => daemon;
 * ```
 */
export interface ScheduleSource {
  /** The schedule being run, once loaded. */
  readonly schedule: Schedule | null;
  /** What it is doing, with the next `nextCount` events. */
  status(nextCount?: number): DaemonStatus;
  /** Its log entries from now on. */
  logs(signal?: AbortSignal): AsyncIterableIterator<LogEntry>;
  /** Re-reads the file; `false` when it has errors (the old schedule keeps running). */
  reload(): Promise<boolean>;
  /** The schedule's automations (absent: it hosts none). */
  automations?(): AutomationStatus[];
  /** Restarts one automation; `false` when there is none of that name. */
  restartAutomation?(name: string): Promise<boolean>;
}

/** The 404 of a daemon that runs no schedule. */
export function noSchedule(): HttpError {
  return new HttpError(
    "NO_SCHEDULE",
    "This daemon runs no schedule (it is 's20 serve'); run 's20 schedule run FILE' for one",
  );
}

/** What a schedule endpoint gets: the daemon, the wall clock and the request's URL. */
type ScheduleHandler = (scheduler: ScheduleSource, clock: Clock, url: URL) => Promise<Response>;

/** The schedule's endpoints by path after `/v1/schedule` (`""` for itself), then by method. */
export const SCHEDULE_ROUTES: ReadonlyMap<string, Route<ScheduleHandler>> = new Map<
  string,
  Route<ScheduleHandler>
>([
  ["", {
    [CALL]: "?next=N",
    GET: (scheduler, _, url) => Promise.resolve(statusResponse(scheduler, url)),
  }],
  ["plan", {
    [CALL]: "?days=N&from=YYYY-MM-DD",
    GET: (scheduler, clock, url) => Promise.resolve(planResponse(scheduler, clock, url)),
  }],
  ["reload", { POST: reloadResponse }],
  ["automations", {
    GET: (scheduler) => Promise.resolve(jsonResponse(200, scheduler.automations?.() ?? [])),
  }],
]);

/** `POST /v1/schedule/automations/NAME/restart`: its path has a name in it, so it is apart. */
const RESTART = /^automations\/([A-Za-z0-9][A-Za-z0-9_-]{0,31})\/restart$/;

/** Answers `/v1/schedule`, `/v1/schedule/plan` and `/v1/schedule/reload` (`rest` after it). */
export async function scheduleRequest(
  scheduler: ScheduleSource | null,
  clock: Clock,
  request: Request,
  url: URL,
  rest: readonly string[],
): Promise<Response> {
  const method = request.method;
  const restart = RESTART.exec(rest.join("/"));
  if (restart) {
    if (!scheduler) throw noSchedule();
    if (method !== "POST") allow(method, ["POST"]);
    if (!(await scheduler.restartAutomation?.(restart[1]!))) {
      throw new HttpError(
        "AUTOMATION_NOT_FOUND",
        `The schedule has no automation '${restart[1]}'; 's20 automations' lists them`,
      );
    }
    return jsonResponse(200, { restarted: restart[1] });
  }
  const route = SCHEDULE_ROUTES.get(rest.join("/"));
  if (!route) throw notFound(method, url.pathname);
  if (!scheduler) throw noSchedule();
  const handler = route[method];
  if (!handler) allow(method, Object.keys(route));
  return await handler!(scheduler, clock, url);
}

function statusResponse(scheduler: ScheduleSource, url: URL): Response {
  const next = integerParam(url.searchParams.get("next"), "next", 1, 1000) ?? 10;
  const status = scheduler.status(next);
  // The status without the plan, which can be long: `/v1/schedule/plan` gives it.
  const lastSync = status.lastSync
    ? {
      at: status.lastSync.at,
      dryRun: status.lastSync.dryRun,
      deviceCapable: status.lastSync.deviceCapable,
      sockets: status.lastSync.sockets,
    }
    : null;
  return jsonResponse(200, { ...status, lastSync });
}

async function reloadResponse(scheduler: ScheduleSource): Promise<Response> {
  if (!(await scheduler.reload())) {
    throw new S20Error(
      "SCHEDULE_INVALID",
      "The schedule file has errors; the old schedule keeps running. See the daemon's log, " +
        "or run 's20 schedule check FILE'",
    );
  }
  return jsonResponse(200, { reloaded: true });
}

function planResponse(scheduler: ScheduleSource, clock: Clock, url: URL): Response {
  const schedule = scheduler.schedule;
  if (!schedule) {
    throw new HttpError("NOT_READY", "The schedule is not loaded yet; try again shortly");
  }
  const days = integerParam(url.searchParams.get("days"), "days", 1, 3660) ?? 7;
  const capacity = integerParam(url.searchParams.get("capacity"), "capacity", 0, 255) ?? 32;
  const from = url.searchParams.get("from") ??
    Temporal.Instant.fromEpochMilliseconds(clock.now()).toZonedDateTimeISO(schedule.timezone)
      .toPlainDate().toString();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) {
    throw new HttpError("INVALID_VALUE", "'from' must be a date as YYYY-MM-DD");
  }
  // Temporal instants serialise as UTC ISO 8601, as in `s20 schedule plan --json`.
  return jsonResponse(200, plan(schedule, { from, days, capacity }));
}
