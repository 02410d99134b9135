/**
 * An automation run on its own, in a terminal (`deno run script.ts`): the same context the
 * daemon gives, over `connect()` (the daemon's API when one runs, else UDP), with the system
 * clock, lines on stderr and Ctrl-C as its signal. Develop a script here, then list it in the
 * schedule for the daemon to host.
 */
import type { Controller } from "../client/controller.ts";
import type { Schedule } from "../schedule/types.ts";
import type {
  Automation,
  AutomationContext,
  ScheduleGlance,
} from "../scheduler/automation_context.ts";
import { sleep, systemClock } from "../time/clock.ts";

/**
 * Options of {@linkcode runAlone}.
 *
 * @example
 * ```ts
 * import type { RunAloneOptions } from "@s20/s20/automation";
 *
 * const options: RunAloneOptions = { options: { from: "desk", to: ["hall"] }, schedule: "home.yaml" };
 * ```
 */
export interface RunAloneOptions {
  /** The context's `options` (what the schedule entry's `options:` would give). */
  readonly options?: Readonly<Record<string, unknown>>;
  /** A schedule file: its aliases name sockets, and `schedule()` reads its windows. */
  readonly schedule?: string;
  /** The name in log lines. @default {"automation"} */
  readonly name?: string;
  /** The sockets; `connect()` when absent (closed at the end only then). */
  readonly controller?: Controller;
  /** Stops the automation; Ctrl-C (SIGINT) also does. */
  readonly signal?: AbortSignal;
  /** Where lines go. @default {one line each on stderr} */
  readonly log?: (line: string) => void;
}

/**
 * Runs an automation outside the daemon until Ctrl-C or `signal`; it resolves when the
 * automation ends and rejects with what it threw.
 *
 * @example The end of an automation's module, so it also runs alone
 * ```ts ignore
 * import { type AutomationContext, runAlone } from "@s20/s20/automation";
 *
 * export default async function ({ signal, log }: AutomationContext): Promise<void> {
 *   log("running");
 *   await new Promise((resolve) => signal.addEventListener("abort", resolve));
 * }
 * if (import.meta.main) await runAlone((await import(import.meta.url)).default);
 * ```
 */
export async function runAlone(main: Automation, options: RunAloneOptions = {}): Promise<void> {
  const name = options.name ?? "automation";
  const stop = new AbortController();
  options.signal?.addEventListener("abort", () => stop.abort(options.signal!.reason));
  const onInterrupt = () => stop.abort(new DOMException("interrupted", "AbortError"));
  Deno.addSignalListener("SIGINT", onInterrupt);
  // Loaded here, not at the top: inside the daemon's worker this module is imported too (the
  // script imports it), and there it must stay small: no API client, UDP or YAML parser.
  const schedule = options.schedule ? await readSchedule(options.schedule) : null;
  const { connect } = await import("../api/connect.ts");
  const sockets = options.controller ?? await connect();
  const write = options.log ??
    ((line: string) => void Deno.stderr.writeSync(new TextEncoder().encode(`${line}\n`)));
  const context: AutomationContext = {
    name,
    sockets: schedule ? withAliases(sockets, schedule.sockets) : sockets,
    signal: stop.signal,
    options: options.options ?? {},
    log: (message, level = "info") =>
      write(
        `${new Date().toISOString()} ${level === "info" ? "" : `${level} `}[${name}] ${message}`,
      ),
    sleep: (ms, also) =>
      sleep(systemClock, ms, also ? AbortSignal.any([stop.signal, also]) : stop.signal),
    now: () => Promise.resolve(new Date(systemClock.now())),
    schedule: async () => schedule ? await glance(options.schedule!, schedule) : null,
  };
  try {
    await main(context);
  } catch (error) {
    if (!(stop.signal.aborted && error === stop.signal.reason)) throw error;
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
    if (!options.controller) await sockets.close();
  }
}

type Checked = Schedule;

async function readSchedule(file: string): Promise<Checked> {
  const { checkSchedule } = await import("../schedule/parse_schedule.ts");
  const { formatIssues } = await import("../schedule/schedule_error.ts");
  const { readTextFileStrict } = await import("../util/read_text_file.ts");
  const { schedule, issues } = checkSchedule(readTextFileStrict(file, { what: "schedule file" }), {
    file,
  });
  if (!schedule) throw new SyntaxError(`${file} has errors:\n${formatIssues(issues)}`);
  return schedule;
}

/** The controller, with the schedule's aliases standing for their MAC or address. */
function withAliases(controller: Controller, aliases: Checked["sockets"]): Controller {
  return Object.assign(Object.create(controller) as Controller, {
    socket: (target: Parameters<Controller["socket"]>[0]) => {
      const known = typeof target === "string" && Object.hasOwn(aliases, target)
        ? aliases[target]!
        : null;
      if (!known) return controller.socket(target);
      if (!known.mac && !known.ip) return controller.socket(known.name!);
      return controller.socket({
        ...(known.mac ? { mac: known.mac } : {}),
        ...(known.ip ? { ip: known.ip } : {}),
      });
    },
  });
}

async function glance(file: string, schedule: Checked): Promise<ScheduleGlance> {
  const { desiredState } = await import("../schedule/desired_state.ts");
  const now = Temporal.Now.instant();
  return {
    file,
    timezone: schedule.timezone,
    sockets: Object.fromEntries(
      Object.entries(schedule.sockets).map((
        [alias, address],
      ) => [alias, { mac: address.mac ?? null, desired: desiredState(schedule, alias, now) }]),
    ),
    nextEvents: [],
    recentEvents: [],
  };
}
