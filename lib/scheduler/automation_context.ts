/**
 * What an automation's default export receives, hosted by the daemon or run alone. The same
 * shape either way, so a script developed in a terminal runs unchanged in the daemon.
 */
import type { Controller } from "../client/controller.ts";

/**
 * One socket of the schedule, as an automation sees it.
 *
 * @example
 * ```ts
 * import type { ScheduledSocketGlance } from "@s20/s20/automation";
 *
 * const scheduledOn = (s: ScheduledSocketGlance) => s.desired === "on";
 * ```
 */
export interface ScheduledSocketGlance {
  /** Its MAC, once known. */
  readonly mac: string | null;
  /** What its window rules say now; `null` when no window covers this moment. */
  readonly desired: "on" | "off" | null;
}

/**
 * The schedule's status, as an automation sees it: its sockets and what they should be.
 *
 * @example
 * ```ts
 * import type { ScheduleGlance } from "@s20/s20/automation";
 *
 * const aliases = (s: ScheduleGlance) => Object.keys(s.sockets);
 * ```
 */
export interface ScheduleGlance {
  /** The schedule file. */
  readonly file: string;
  /** Its zone. */
  readonly timezone: string;
  /** Each alias of `sockets:`. */
  readonly sockets: Readonly<Record<string, ScheduledSocketGlance>>;
  /** The next planned events (up to 10). */
  readonly nextEvents: readonly GlancedEvent[];
  /** The planned events of the last hour, whoever fired them, oldest first. */
  readonly recentEvents: readonly GlancedEvent[];
}

/**
 * One planned event, as an automation sees it.
 *
 * @example
 * ```ts
 * import type { GlancedEvent } from "@s20/s20/automation";
 *
 * const line = (e: GlancedEvent) => `${e.at} ${e.socket} ${e.action} (${e.rule})`;
 * ```
 */
export interface GlancedEvent {
  /** The socket's alias. */
  readonly socket: string;
  /** What it does. */
  readonly action: "on" | "off";
  /** When, as an ISO 8601 instant. */
  readonly at: string;
  /** The rule's name, or its id. */
  readonly rule: string;
}

/**
 * What an automation receives. `sockets` is a {@linkcode Controller} like the one `connect()`
 * returns: schedule aliases and the names stored in the sockets (any case, looked up by the
 * daemon on a handle's first call) name sockets as MACs and addresses do.
 *
 * @example A script that logs every switch until it is stopped
 * ```ts
 * import type { AutomationContext } from "@s20/s20/automation";
 *
 * export async function logSwitches({ sockets, signal, log }: AutomationContext): Promise<void> {
 *   for await (const e of sockets.events({ signal })) {
 *     if (e.type === "state") log(`${e.mac} is ${e.on ? "on" : "off"}`);
 *   }
 * }
 * ```
 */
export interface AutomationContext {
  /** The automation's name (in the daemon's log and `s20 automations`). */
  readonly name: string;
  /** The sockets, through the daemon (or `connect()` when run alone). */
  readonly sockets: Controller;
  /** Aborts when the automation must stop: the daemon stops, reloads it, or restarts it. */
  readonly signal: AbortSignal;
  /** The entry's `options:` from the schedule (or the runner's), as plain data. */
  readonly options: Readonly<Record<string, unknown>>;
  /**
   * Writes a line to the daemon's log and event stream, tagged with the automation.
   *
   * @param message The line.
   * @param level How much it matters. @default {"info"}
   */
  log(message: string, level?: "info" | "warn" | "error"): void;
  /**
   * Waits `ms` on the daemon's clock (a virtual one in tests); rejects with the signal's reason
   * when the automation is stopped, or when `signal` aborts.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** The daemon's time. */
  now(): Promise<Date>;
  /** The schedule the daemon runs, or `null` when there is none (run alone without one). */
  schedule(): Promise<ScheduleGlance | null>;
}

/**
 * An automation: the default export of its module.
 *
 * @example
 * ```ts
 * import type { Automation } from "@s20/s20/automation";
 *
 * const idle: Automation = async ({ signal }) => {
 *   await new Promise((resolve) => signal.addEventListener("abort", resolve));
 * };
 * ```
 */
export type Automation = (context: AutomationContext) => Promise<void>;
