/**
 * `/web/…`: what the page needs besides the API: the sockets to list, the schedule's picture
 * and the errors of its file, and a doctor's view from inside the daemon. (Socket calls and
 * the event stream are the API's own `/v1` endpoints.)
 */
import type { Controller } from "../client/controller.ts";
import { S20Client } from "../client/client.ts";
import { type DoctorKnownSocket, doctorReport } from "../api/doctor_report.ts";
import { HttpError, integerParam, jsonResponse } from "../api/http.ts";
import { describeHolder } from "../api/port_holder.ts";
import { allow, notFound } from "../api/routing.ts";
import type { ScheduleSource } from "../api/schedule_routes.ts";
import { noSchedule } from "../api/schedule_routes.ts";
import { checkSchedule } from "../schedule/parse_schedule.ts";
import { plan } from "../schedule/plan.ts";
import { planSunLines, planSvg } from "../schedule/plan_svg.ts";
import type { Clock } from "../time/clock.ts";
import { ipv4Interfaces } from "../transport/interfaces.ts";
import { readTextFileStrict } from "../util/read_text_file.ts";

/**
 * A socket the page lists: by alias (config or schedule), or heard from on the network.
 *
 * @example
 * ```ts
 * import type { WebSocketEntry } from "@s20/s20/api";
 *
 * const desk: WebSocketEntry = { alias: "desk", mac: "ac:cf:23:00:00:01", ip: "192.0.2.7" };
 * ```
 */
export interface WebSocketEntry {
  /** The name the user gave it, or `null`. */
  readonly alias: string | null;
  /** Its MAC, lower case with colons, when known. */
  readonly mac: string | null;
  /** Its IPv4 address (with `:PORT` when not 10000), when known. */
  readonly ip: string | null;
}

/** What the `/web` routes read. */
export interface WebSources {
  readonly controller: Controller;
  readonly scheduler: ScheduleSource | null;
  readonly clock: Clock;
  /** Sockets named outside the schedule (the config file). */
  readonly sockets?: () => readonly WebSocketEntry[];
}

/** The target the API takes for an entry: `MAC@IP`, else the IP, else the MAC. */
function targetOf(entry: WebSocketEntry): string {
  if (entry.mac && entry.ip) return `${entry.mac}@${entry.ip}`;
  return entry.ip ?? entry.mac ?? "";
}

/** The sockets to list: the schedule's, then the config's, then any others heard from. */
export function listSockets(sources: WebSources): Array<
  WebSocketEntry & { readonly target: string; readonly scheduled: boolean }
> {
  const list: Array<WebSocketEntry & { target: string; scheduled: boolean }> = [];
  const seen = new Set<string>();
  const heard = sources.controller instanceof S20Client
    ? [...sources.controller.known.values()].map((found) => ({
      alias: null,
      mac: found.mac,
      ip: found.port === 10000 ? found.ip : `${found.ip}:${found.port}`,
    }))
    : [];
  const add = (entry: WebSocketEntry, scheduled: boolean) => {
    // A socket named by address alone is called by MAC@IP once it has been heard from, so the
    // page and the daemon share one handle on it (and one view of its state).
    const mac = entry.mac ?? heard.find((h) => h.ip === entry.ip)?.mac ?? null;
    const full = { ...entry, mac };
    const keys = [full.alias, full.mac, full.ip].filter((k): k is string => k !== null);
    if (keys.length === 0 || keys.some((k) => seen.has(k))) return;
    for (const k of keys) seen.add(k);
    list.push({ ...full, target: targetOf(full), scheduled });
  };
  const schedule = sources.scheduler?.schedule;
  for (const [alias, address] of Object.entries(schedule?.sockets ?? {})) {
    add({ alias, mac: address.mac ?? null, ip: address.ip ?? null }, true);
  }
  for (const entry of sources.sockets?.() ?? []) add(entry, false);
  for (const entry of heard) add(entry, false);
  return list;
}

/** The schedule file's errors now (it may have changed since it was loaded). */
function fileErrors(file: string): Array<{ line: number; column: number; message: string }> {
  let text: string;
  try {
    text = readTextFileStrict(file, { what: "schedule file" });
  } catch (error) {
    return [{ line: 0, column: 0, message: (error as Error).message }];
  }
  const { issues } = checkSchedule(text, { file });
  return issues.map(({ line, column, message }) => ({ line, column, message }));
}

/** The sockets the user named (schedule, then config) that have an address: what doctor probes. */
function namedSockets(sources: WebSources): DoctorKnownSocket[] {
  const named = new Map<string, DoctorKnownSocket>();
  const add = (alias: string, mac: string | null, ip: string | null) => {
    if (ip !== null && !named.has(alias)) named.set(alias, { alias, ip, mac });
  };
  for (const [alias, a] of Object.entries(sources.scheduler?.schedule?.sockets ?? {})) {
    add(alias, a.mac ?? null, a.ip ?? null);
  }
  for (const s of sources.sockets?.() ?? []) if (s.alias !== null) add(s.alias, s.mac, s.ip);
  return [...named.values()];
}

/**
 * What `s20 doctor` beside the daemon would find, from inside it: the same report, with the
 * daemon's own controller (which owns the UDP port, so its discovery is the one to run).
 */
async function doctor(sources: WebSources): Promise<Record<string, unknown>> {
  const interfaces = ipv4Interfaces();
  const udp = sources.controller instanceof S20Client ? sources.controller.local : null;
  const number = udp?.port ?? 10000;
  const self = describeHolder(
    { pid: Deno.pid, command: null, address: udp?.hostname ?? "0.0.0.0" },
    Deno.pid,
  );
  const report = await doctorReport({
    interfaces,
    port: { number, free: false, owners: [self], needs: null },
    daemon: { pid: Deno.pid },
    problem: null,
    known: namedSockets(sources),
    controller: () => sources.controller,
    // A page waits for the answer: a shorter discovery than the command's 3 s.
    wait: DOCTOR_WAIT_MS,
  });
  return {
    mode: sources.scheduler ? "schedule" : "serve",
    pid: Deno.pid,
    udp,
    interfaces,
    known: report.known,
    discovered: report.discovered,
    findings: report.findings,
  };
}

/** How long the page's doctor listens for answers to its discovery, in ms. */
const DOCTOR_WAIT_MS = 2000;

/** Answers `/web/{sockets,schedule,plan.svg,doctor}` (`rest` after `/web`). */
export async function webDataRequest(
  sources: WebSources,
  request: Request,
  url: URL,
  rest: readonly string[],
): Promise<Response> {
  const what = rest.join("/");
  const method = request.method;
  switch (what) {
    case "sockets":
      allow(method, ["GET"]);
      return jsonResponse(200, { sockets: listSockets(sources) });
    case "doctor":
      allow(method, ["GET"]);
      return jsonResponse(200, await doctor(sources));
    case "schedule": {
      allow(method, ["GET"]);
      const scheduler = sources.scheduler;
      if (!scheduler) throw noSchedule();
      const status = scheduler.status(10);
      const owned = Object.fromEntries(
        plan(scheduler.schedule!, { from: today(sources), days: 1 }).sockets.map((
          s,
        ) => [s.socket, s.weeklyTimers.length]),
      );
      return jsonResponse(200, {
        file: status.file,
        timezone: status.timezone,
        nextEvents: status.nextEvents,
        weeklyTimers: owned,
        errors: fileErrors(status.file),
      });
    }
    case "plan.svg": {
      allow(method, ["GET"]);
      const schedule = sources.scheduler?.schedule;
      if (!sources.scheduler) throw noSchedule();
      if (!schedule) throw new HttpError("NOT_READY", "The schedule is not loaded yet");
      const days = integerParam(url.searchParams.get("days"), "days", 1, 62) ?? 7;
      const from = url.searchParams.get("from") ?? today(sources);
      if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) {
        throw new HttpError("INVALID_VALUE", "'from' must be a date as YYYY-MM-DD");
      }
      const result = plan(schedule, { from, days });
      const now = Temporal.Instant.fromEpochMilliseconds(sources.clock.now());
      const svg = planSvg(result, { sun: planSunLines(schedule, result), now });
      return new Response(svg, {
        headers: { "content-type": "image/svg+xml; charset=utf-8", "cache-control": "no-store" },
      });
    }
  }
  throw notFound(method, url.pathname);
}

/** Today in the schedule's zone. */
function today(sources: WebSources): string {
  return Temporal.Instant.fromEpochMilliseconds(sources.clock.now())
    .toZonedDateTimeISO(sources.scheduler?.schedule?.timezone ?? "UTC").toPlainDate().toString();
}
