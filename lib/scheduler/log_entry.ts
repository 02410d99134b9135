/** One line per decision of the daemon, as data; the CLI prints it as text or JSON lines. */
import { formatLocalTime, localTimeZone } from "../util/local_time.ts";

/**
 * What the daemon decided or saw.
 *
 * @example
 * ```ts
 * import type { LogKind } from "@s20/s20/scheduler";
 *
 * const important: LogKind[] = ["fired", "missed", "mismatch"];
 * ```
 */
export type LogKind =
  | "started"
  | "stopped"
  | "loaded"
  | "reload-failed"
  | "state-lost"
  | "fired"
  | "skipped"
  | "missed"
  | "reconciled"
  | "synced"
  | "sync-failed"
  | "clock-set"
  | "zone-set"
  | "verified"
  | "mismatch"
  | "offline"
  | "online"
  | "reboot"
  | "state"
  | "error"
  | "automation"
  | "automation-started"
  | "automation-stopped"
  | "automation-failed"
  | "automation-parked"
  | "script-saved";

/**
 * A log entry: when (the daemon's clock), what, and the details that apply.
 *
 * @example
 * ```ts
 * import { formatLogText, type LogEntry } from "@s20/s20/scheduler";
 *
 * const entry: LogEntry = { at: new Date(), kind: "fired", message: "desk on", socket: "desk" };
 * console.log(formatLogText(entry));
 * ```
 */
export interface LogEntry {
  /** When, on the daemon's clock. */
  readonly at: Date;
  /** What kind of decision. */
  readonly kind: LogKind;
  /** The line for people. */
  readonly message: string;
  /** The socket's alias, when it concerns one. */
  readonly socket?: string;
  /** The rule's id, when it concerns one. */
  readonly rule?: string;
  /** The automation's name, for its own lines and what happened to it. */
  readonly automation?: string;
  /** The action, when one was taken. */
  readonly action?: "on" | "off";
  /** For fired events: how late, in ms of the daemon's clock. */
  readonly lateMs?: number;
  /** Severity; `info` when absent. */
  readonly level?: "info" | "warn" | "error";
}

/**
 * Options of {@linkcode formatLogText}.
 *
 * @example
 * ```ts
 * import type { LogTextOptions } from "@s20/s20/scheduler";
 *
 * const options: LogTextOptions = { timeZone: "Europe/Berlin" };
 * ```
 */
export interface LogTextOptions {
  /** The zone the line's time is shown in; the computer's own zone by default. */
  readonly timeZone?: string;
}

/**
 * A log line for people, its time in the local zone with its offset:
 * `2026-12-24 17:49:00 +01:00 fired        desk on (Away lights, host, 3 ms late)`.
 *
 * @example
 * ```ts
 * import { formatLogText } from "@s20/s20/scheduler";
 *
 * formatLogText({ at: new Date(), kind: "missed", message: "porch on at 18:00: past its grace" });
 * ```
 *
 * @param entry The entry.
 * @param options The zone to show the time in.
 * @returns One line, without a newline.
 */
export function formatLogText(entry: LogEntry, options: LogTextOptions = {}): string {
  const when = formatLocalTime(entry.at, options.timeZone ?? localTimeZone());
  return `${when} ${entry.kind.padEnd(12)} ${entry.message}`;
}

/**
 * A log line as one JSON object (for `--log-format json`).
 *
 * @example
 * ```ts
 * import { formatLogJson } from "@s20/s20/scheduler";
 *
 * JSON.parse(formatLogJson({ at: new Date(), kind: "synced", message: "desk: timers +2" }));
 * ```
 *
 * @param entry The entry.
 * @returns One line of JSON, without a newline.
 */
export function formatLogJson(entry: LogEntry): string {
  return JSON.stringify({ ...entry, at: entry.at.toISOString() });
}
