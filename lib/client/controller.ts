/**
 * What a program can do with sockets, whoever carries it out: a direct UDP client
 * ({@linkcode S20Client}) or a running s20 daemon reached over its local API. The CLI and
 * scripts written against these interfaces work the same either way.
 */
import type { Mac } from "../protocol/mac.ts";
import type { SocketData, TimerRecord } from "../protocol/records.ts";
import type { NetAddress } from "../transport/types.ts";
import type { S20Event } from "./events.ts";
import type { SocketTarget } from "./targets.ts";
import type { TimerSpec } from "./timer_spec.ts";
import type {
  CallOptions,
  ClockReading,
  Countdown,
  DiscoveredSocket,
  DiscoverOptions,
  IconName,
} from "./types.ts";

/**
 * One socket's operations (see {@linkcode S20Socket} for what each does).
 *
 * @example Works with a direct client or a daemon
 * ```ts
 * import type { SocketController } from "@s20/s20";
 *
 * async function nightMode(socket: SocketController): Promise<void> {
 *   await socket.off();
 *   await socket.setAutoOff(null);
 * }
 * ```
 */
export interface SocketController {
  /** The MAC, once known. */
  readonly mac: Mac | null;
  /** The address, once known. */
  readonly address: NetAddress | null;
  /** The relay state last heard, without asking. */
  readonly lastKnownState: boolean | null;
  /** Whether the socket answered lately; `null` before any call. */
  readonly online: boolean | null;
  /** Reads the relay state. */
  state(options?: CallOptions): Promise<boolean>;
  /** Switches on, confirmed. */
  on(options?: CallOptions): Promise<boolean>;
  /** Switches off, confirmed. */
  off(options?: CallOptions): Promise<boolean>;
  /** Switches to the other state. */
  toggle(options?: CallOptions): Promise<boolean>;
  /** Switches to `on`, confirmed. */
  setPower(on: boolean, options?: CallOptions): Promise<boolean>;
  /** Reads table 4 (settings). */
  info(options?: CallOptions): Promise<SocketData>;
  /** Sets the name. */
  rename(name: string, options?: CallOptions): Promise<SocketData>;
  /** Sets the icon. */
  setIcon(icon: number | IconName, options?: CallOptions): Promise<SocketData>;
  /** Sets the zone (IANA name or minutes east of UTC). */
  setTimeZone(
    zone: string | number,
    options?: CallOptions & { readonly dst?: boolean; readonly at?: Date },
  ): Promise<SocketData>;
  /** Hides the socket from global discovery. */
  lock(options?: CallOptions): Promise<SocketData>;
  /** Lets global discovery find it again. */
  unlock(options?: CallOptions): Promise<SocketData>;
  /** Sets the remote (cloud) password. */
  setRemotePassword(password: string, options?: CallOptions): Promise<void>;
  /** Reads auto-off after switch-on. */
  autoOff(options?: CallOptions): Promise<number | null>;
  /** Sets or disables auto-off. */
  setAutoOff(seconds: number | null, options?: CallOptions): Promise<SocketData>;
  /** Reads the socket's clock. */
  clock(options?: CallOptions): Promise<ClockReading>;
  /** Sets the socket's clock to ours. */
  syncClock(options?: CallOptions): Promise<ClockReading>;
  /** Reads the one-off countdown. */
  countdown(options?: CallOptions): Promise<Countdown | null>;
  /** Starts a one-off countdown. */
  setCountdown(
    seconds: number,
    options?: CallOptions & { readonly action?: "on" | "off" },
  ): Promise<Countdown>;
  /** Cancels the countdown. */
  cancelCountdown(options?: CallOptions): Promise<void>;
  /** Lists the timers (table 3). */
  timers(options?: CallOptions): Promise<TimerRecord[]>;
  /** Adds a timer. */
  addTimer(spec: TimerSpec, options?: CallOptions): Promise<TimerRecord>;
  /** Replaces a timer. */
  updateTimer(
    id: number,
    spec: TimerSpec | TimerRecord,
    options?: CallOptions,
  ): Promise<TimerRecord>;
  /** Adds or replaces a record with its own id. */
  putTimer(record: TimerRecord, options?: CallOptions): Promise<TimerRecord>;
  /** Removes a timer. */
  removeTimer(id: number, options?: CallOptions): Promise<void>;
  /** Removes every timer. */
  clearTimers(options?: CallOptions): Promise<number>;
  /** Keeps the subscription alive until disposed. */
  keepAlive(signal?: AbortSignal): Disposable;
}

/**
 * Options of {@linkcode Controller.events}.
 *
 * @example Follow events for ten seconds, keeping one socket subscribed
 * ```ts
 * import type { EventsOptions, SocketController } from "@s20/s20";
 *
 * const options = (lamp: SocketController): EventsOptions => ({
 *   signal: AbortSignal.timeout(10_000),
 *   keepAlive: [lamp],
 * });
 * ```
 */
export interface EventsOptions {
  /** Ends the iteration. */
  readonly signal?: AbortSignal;
  /** Sockets kept subscribed while the iteration runs, so their pushes keep coming. */
  readonly keepAlive?: readonly SocketController[];
}

/**
 * Access to sockets: handles, discovery and live events.
 *
 * @example
 * ```ts
 * import type { Controller } from "@s20/s20";
 *
 * async function allOff(controller: Controller): Promise<void> {
 *   for await (const found of controller.discover({ timeout: 2000 })) {
 *     await controller.socket({ mac: found.mac, ip: found.ip, port: found.port }).off();
 *   }
 * }
 * ```
 */
export interface Controller extends AsyncDisposable {
  /** A handle on one socket. */
  socket(target: SocketTarget): SocketController;
  /** Finds sockets. */
  discover(options?: DiscoverOptions): AsyncIterableIterator<DiscoveredSocket>;
  /** Live events, keeping the given sockets subscribed. */
  events(options?: EventsOptions): AsyncIterableIterator<S20Event>;
  /** Releases the connection. */
  close(): Promise<void>;
}
