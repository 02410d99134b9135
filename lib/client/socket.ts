/**
 * A handle on one S20: the one class users see. Its methods hand each call to a feature of the
 * socket, as a device splits into modules: power and subscription ({@linkcode Power}), table 4
 * settings ({@linkcode Settings}), table 3 timers ({@linkcode Timers}), clock and countdown
 * ({@linkcode ClockAndCountdown}) and keep-alives ({@linkcode KeepAlive}). They all go
 * through one {@linkcode SocketLink}: one queue per socket (one command at a time), a subscribe
 * first when the subscription may have lapsed, resends until the matching reply arrives, and
 * read-backs that check writes took effect.
 */
import type { Mac } from "../protocol/mac.ts";
import type { SocketData, TimerRecord } from "../protocol/records.ts";
import type { NetAddress } from "../transport/types.ts";
import type { SocketController } from "./controller.ts";
import type { Incoming } from "./endpoint.ts";
import { ClockAndCountdown } from "./socket/clock.ts";
import { KeepAlive } from "./socket/keep_alive.ts";
import { type LinkContext, SocketLink } from "./socket/link.ts";
import { Power } from "./socket/power.ts";
import { Settings } from "./socket/settings.ts";
import { Timers } from "./socket/timers.ts";
import type { TimerSpec } from "./timer_spec.ts";
import type { CallOptions, ClockReading, Countdown, IconName } from "./types.ts";

/** What a socket handle needs from its client. Internal. */
export interface SocketContext extends LinkContext {
  /** Registers a handle named by address alone once its MAC is known. */
  adopt(socket: S20Socket, mac: Mac): void;
}

/**
 * One S20 socket. Get it from {@linkcode S20Client.socket}. Every method takes
 * {@linkcode CallOptions}; calls on one socket run one after another, calls on different
 * sockets run in parallel.
 *
 * @example Switch an emulated socket on and read it back
 * ```ts
 * import { S20Client } from "@s20/s20";
 * import { startEmulator } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * await using socket = await startEmulator({ hostname: "127.0.0.1", port: 0, replyTo: "source" });
 * await using client = new S20Client({ hostname: "127.0.0.1", port: 0 });
 * const lamp = client.socket({ mac: socket.mac, ip: "127.0.0.1", port: socket.address.port });
 * assert.equal(await lamp.on(), true);
 * assert.equal(await lamp.state(), true);
 * ```
 */
export class S20Socket implements SocketController {
  #link: SocketLink;
  #power: Power;
  #settings: Settings;
  #timers: Timers;
  #clock: ClockAndCountdown;
  #keepAlive: KeepAlive;

  /** Created by the client; use {@linkcode S20Client.socket}. */
  constructor(ctx: SocketContext, mac: Mac | null, address: NetAddress | null) {
    this.#link = new SocketLink(ctx, mac, address, (found) => ctx.adopt(this, found));
    this.#power = new Power(this.#link);
    this.#settings = new Settings(this.#link);
    this.#timers = new Timers(this.#link);
    this.#clock = new ClockAndCountdown(this.#link);
    this.#keepAlive = new KeepAlive(this.#link);
  }

  /** The MAC, once known (a socket named by IP learns it on its first call). */
  get mac(): Mac | null {
    return this.#link.mac;
  }

  /** The address, once known. */
  get address(): NetAddress | null {
    return this.#link.address;
  }

  /** The relay state last heard from the socket, without asking; `null` if never heard. */
  get lastKnownState(): boolean | null {
    return this.#link.state;
  }

  /** Whether the last keep-alive or call got an answer; `null` before any. */
  get online(): boolean | null {
    return this.#link.online;
  }

  // ── Power ────────────────────────────────────────────────────────────────────────────

  /**
   * Reads the relay state from the socket (a fresh subscribe, whose reply carries it).
   *
   * @returns `true` when on.
   */
  state(options: CallOptions = {}): Promise<boolean> {
    return this.#power.state(options);
  }

  /** Switches on and waits until the socket confirms. @returns `true`. */
  on(options: CallOptions = {}): Promise<boolean> {
    return this.setPower(true, options);
  }

  /** Switches off and waits until the socket confirms. @returns `false`. */
  off(options: CallOptions = {}): Promise<boolean> {
    return this.setPower(false, options);
  }

  /** Reads the state and switches to the other one. @returns The new state. */
  toggle(options: CallOptions = {}): Promise<boolean> {
    return this.#power.toggle(options);
  }

  /**
   * Switches the relay and waits for the socket's own report of the new state (a `dc`
   * acknowledgement carries no state, and a late one could belong to an earlier command).
   *
   * @param on The state wanted.
   * @returns The confirmed state.
   */
  setPower(on: boolean, options: CallOptions = {}): Promise<boolean> {
    return this.#power.setPower(on, options);
  }

  // ── Table 4: information and settings ───────────────────────────────────────────────

  /**
   * Reads table 4, the socket's settings (name, icon, zone, versions, lock, auto-off…).
   * Skips the read when table 1 shows the version we already hold.
   */
  info(options: CallOptions = {}): Promise<SocketData> {
    return this.#settings.info(options);
  }

  /**
   * Renames the socket (the name its app shows; at most 16 bytes).
   *
   * @throws {RangeError} If the name is empty, too long or has control characters.
   */
  rename(name: string, options: CallOptions = {}): Promise<SocketData> {
    return this.#settings.rename(name, options);
  }

  /**
   * Sets the icon the vendor app shows.
   *
   * @param icon A number 0–5 or a name of {@linkcode ICONS}.
   */
  setIcon(icon: number | IconName, options: CallOptions = {}): Promise<SocketData> {
    return this.#settings.setIcon(icon, options);
  }

  /**
   * Sets the socket's time zone, the offset its timers run on. Give an IANA zone (its offset
   * at `at`, default now, with DST) or minutes east of UTC. The socket stores an offset, not
   * rules: set it again after each DST change (the scheduler does).
   *
   * @throws {RangeError} For quarter-hour zones (such as UTC+05:45), which an S20 cannot hold.
   */
  setTimeZone(
    zone: string | number,
    options: CallOptions & { readonly dst?: boolean; readonly at?: Date } = {},
  ): Promise<SocketData> {
    return this.#settings.setTimeZone(zone, options);
  }

  /** Stops the socket answering global discovery (the app's "lock"); `qg` still finds it. */
  lock(options: CallOptions = {}): Promise<SocketData> {
    return this.#settings.setDiscoverable(false, options);
  }

  /** Makes the socket answer global discovery again. */
  unlock(options: CallOptions = {}): Promise<SocketData> {
    return this.#settings.setDiscoverable(true, options);
  }

  /**
   * Sets the remote (cloud) password stored in table 4; no LAN command needs it.
   *
   * @throws {RangeError} Unless 1–12 printable ASCII characters.
   */
  setRemotePassword(password: string, options: CallOptions = {}): Promise<void> {
    return this.#settings.setRemotePassword(password, options);
  }

  /** Reads auto-off after switch-on: the delay in seconds, or `null` when disabled. */
  autoOff(options: CallOptions = {}): Promise<number | null> {
    return this.#settings.autoOff(options);
  }

  /**
   * Enables auto-off after every switch-on (`seconds`, 1–65535), or disables it (`null`).
   *
   * @throws {RangeError} For a delay outside 1–65535 s.
   */
  setAutoOff(seconds: number | null, options: CallOptions = {}): Promise<SocketData> {
    return this.#settings.setAutoOff(seconds, options);
  }

  // ── Clock and countdown ──────────────────────────────────────────────────────────────

  /** Reads the socket's clock (from a unicast `qg`, which needs no subscription). */
  clock(options: CallOptions = {}): Promise<ClockReading> {
    return this.#clock.clock(options);
  }

  /** Sets the socket's clock to our time and reads it back. @returns The new reading. */
  syncClock(options: CallOptions = {}): Promise<ClockReading> {
    return this.#clock.syncClock(options);
  }

  /** Reads the one-off countdown, or `null` when none runs. */
  countdown(options: CallOptions = {}): Promise<Countdown | null> {
    return this.#clock.countdown(options);
  }

  /**
   * Starts a one-off countdown: after `seconds` (1–65535) the relay switches to `action`.
   *
   * @throws {RangeError} For a delay outside 1–65535 s.
   */
  setCountdown(
    seconds: number,
    options: CallOptions & { readonly action?: "on" | "off" } = {},
  ): Promise<Countdown> {
    return this.#clock.setCountdown(seconds, options);
  }

  /** Cancels a running countdown (a set with action `ff`, which the socket reports as none). */
  cancelCountdown(options: CallOptions = {}): Promise<void> {
    return this.#clock.cancelCountdown(options);
  }

  // ── Timers (table 3) ─────────────────────────────────────────────────────────────────

  /** Lists the socket's timers (table 3), skipping the read when its version is unchanged. */
  timers(options: CallOptions = {}): Promise<TimerRecord[]> {
    return this.#timers.list(options);
  }

  /**
   * Adds a timer. A lost acknowledgement never creates a second timer: the table is read back
   * before any resend.
   *
   * @returns The record as the socket holds it.
   * @throws {TypeError} For a malformed spec.
   * @throws {RangeError} If `spec.id` is already used.
   */
  addTimer(spec: TimerSpec, options: CallOptions = {}): Promise<TimerRecord> {
    return this.#timers.add(spec, options);
  }

  /**
   * Replaces a timer's settings (or writes the record given).
   *
   * @throws {RangeError} If no timer has that id.
   */
  updateTimer(
    id: number,
    spec: TimerSpec | TimerRecord,
    options: CallOptions = {},
  ): Promise<TimerRecord> {
    return this.#timers.update(id, spec, options);
  }

  /** Adds or replaces a record with its own id (what a schedule sync writes). */
  putTimer(record: TimerRecord, options: CallOptions = {}): Promise<TimerRecord> {
    return this.#timers.put(record, options);
  }

  /** Removes a timer; removing one that is not there is not an error. */
  removeTimer(id: number, options: CallOptions = {}): Promise<void> {
    return this.#timers.remove(id, options);
  }

  /** Removes every timer. @returns How many were removed. */
  clearTimers(options: CallOptions = {}): Promise<number> {
    return this.#timers.clear(options);
  }

  // ── Live events ──────────────────────────────────────────────────────────────────────

  /**
   * Keeps the subscription alive (a keep-alive every `keepAliveMs` of the client's clock)
   * until the returned handle is disposed or `signal` aborts, so pushes keep arriving and
   * `online`/`offline` events are reported.
   */
  keepAlive(signal?: AbortSignal): Disposable {
    return this.#keepAlive.hold(signal);
  }

  /** @internal Called by the client for every message carrying this socket's MAC. */
  handle(incoming: Incoming): void {
    this.#link.handle(incoming);
  }

  /** @internal Takes an address the caller gives (MAC@IP), which then never moves. */
  useAddress(address: NetAddress): void {
    this.#link.useAddress(address);
  }

  /** @internal Stops keep-alives (client shutdown). */
  dispose(): void {
    this.#keepAlive.stop();
  }
}
