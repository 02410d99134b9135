/**
 * A handle on one S20: every operation runs through its own queue (one command at a time per
 * socket), subscribes first when the subscription may have lapsed, resends until the matching
 * reply arrives, and checks that writes took effect by reading back.
 */
import { DeviceNotFoundError, S20Error } from "../errors.ts";
import { dateToDeviceTime, deviceTimeToDate } from "../protocol/device_time.ts";
import type { Mac } from "../protocol/mac.ts";
import type { Message, MessageOf } from "../protocol/messages.ts";
import type { CountdownAction, SocketData, TimerRecord } from "../protocol/records.ts";
import { type ZoneFields, zoneFieldsFor } from "../protocol/zone.ts";
import type { Clock, ClockTimer } from "../time/clock.ts";
import { zoneOffsetAt } from "../time/zones.ts";
import type { NetAddress } from "../transport/types.ts";
import { Deadline } from "./deadline.ts";
import type { Endpoint, Incoming } from "./endpoint.ts";
import type { S20Event } from "./events.ts";
import { answersAt, BURST_QUIET_MS, PAUSE_AFTER_SUBSCRIBE_MS } from "./answers_at.ts";
import { exchange, receive, sameAddress } from "./exchange.ts";
import type { RttEstimator } from "./rtt.ts";
import { SerialQueue } from "./serial_queue.ts";
import { StateEvidence } from "./state_evidence.ts";
import type { SocketController } from "./controller.ts";
import { sameTimer, timerRecordFor, type TimerSpec } from "./timer_spec.ts";
import {
  type CallOptions,
  type ClockReading,
  type Countdown,
  type IconName,
  ICONS,
} from "./types.ts";
import { quoted } from "../util/quote.ts";

/**
 * Subscribe again before a command when the last one is older than this
 * (docs/protocol.md#subscriptions: TTL ~300 s).
 */
const SUBSCRIPTION_FRESH_MS = 60_000;
/**
 * The first `sf` follows a `dc` ack within 4–7 ms, the second ~50 ms later
 * (docs/protocol.md#latencies).
 */
const CONFIRM_WAIT_MS = 150;
/** A write acknowledged but not found on read-back this often is reported, not retried. */
const MAX_UNAPPLIED_WRITES = 3;
/** At most one check a socket moved per this many ms, so a flood of forged replies costs little. */
const MOVE_CHECK_INTERVAL_MS = 10_000;
/** Longest a check that a socket moved may hold up its queue. */
const MOVE_CHECK_MS = 2000;

/** What a socket handle needs from its client. Internal. */
export interface SocketContext {
  readonly endpoint: Endpoint;
  readonly rtt: RttEstimator;
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly keepAliveMs: number;
  /** Aborts when the client closes, ending every pending call. */
  readonly closed: AbortSignal;
  locate(mac: Mac, deadline: Deadline): Promise<NetAddress>;
  identify(address: NetAddress, deadline: Deadline): Promise<Mac>;
  adopt(socket: S20Socket, mac: Mac): void;
  emit(event: S20Event): void;
  session(): number;
}

function printable(text: string): boolean {
  // deno-lint-ignore no-control-regex
  return !/[\u0000-\u001f\u007f]/.test(text);
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
  #ctx: SocketContext;
  #mac: Mac | null;
  #address: NetAddress | null;
  /** Whether the caller gave the address (MAC@IP, `ip:`): then it never moves. */
  #pinned: boolean;
  #moveCheckAt = -Infinity;
  #checkingMove = false;
  #queue = new SerialQueue();
  #subscribedAt: number | null = null;
  /** `performance.now()` before which nothing is sent: the pause after a `cl` reply. */
  #quietUntil = 0;
  #state: boolean | null = null;
  #online: boolean | null = null;
  /** Which state reports prove the relay's state now, and which may be leftovers. */
  #evidence = new StateEvidence();
  #tableFour: { version: number; data: SocketData } | null = null;
  #timers: { version: number; timers: TimerRecord[] } | null = null;
  #keepAliveUsers = 0;
  #keepAliveTimer: ClockTimer | null = null;

  /** Created by the client; use {@linkcode S20Client.socket}. */
  constructor(ctx: SocketContext, mac: Mac | null, address: NetAddress | null) {
    this.#ctx = ctx;
    this.#mac = mac;
    this.#address = address;
    this.#pinned = address !== null;
  }

  /** The MAC, once known (a socket named by IP learns it on its first call). */
  get mac(): Mac | null {
    return this.#mac;
  }

  /** The address, once known. */
  get address(): NetAddress | null {
    return this.#address;
  }

  /** The relay state last heard from the socket, without asking; `null` if never heard. */
  get lastKnownState(): boolean | null {
    return this.#state;
  }

  /** Whether the last keep-alive or call got an answer; `null` before any. */
  get online(): boolean | null {
    return this.#online;
  }

  // ── Power ────────────────────────────────────────────────────────────────────────────

  /**
   * Reads the relay state from the socket (a fresh subscribe, whose reply carries it).
   *
   * @returns `true` when on.
   */
  state(options: CallOptions = {}): Promise<boolean> {
    return this.#op((d) => this.#readState(d), options);
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
    return this.#op(async (d) => {
      const now = await this.#readState(d);
      return await this.#setPower(d, !now);
    }, options);
  }

  /**
   * Switches the relay and waits for the socket's own report of the new state (a `dc`
   * acknowledgement carries no state, and a late one could belong to an earlier command).
   *
   * @param on The state wanted.
   * @returns The confirmed state.
   */
  setPower(on: boolean, options: CallOptions = {}): Promise<boolean> {
    return this.#op((d) => this.#setPower(d, on), options);
  }

  // ── Table 4: information and settings ───────────────────────────────────────────────

  /**
   * Reads table 4, the socket's settings (name, icon, zone, versions, lock, auto-off…).
   * Skips the read when table 1 shows the version we already hold.
   */
  info(options: CallOptions = {}): Promise<SocketData> {
    return this.#op((d) => this.#info(d), options);
  }

  /**
   * Renames the socket (the name its app shows; at most 16 bytes).
   *
   * @throws {RangeError} If the name is empty, too long or has control characters.
   */
  rename(name: string, options: CallOptions = {}): Promise<SocketData> {
    const trimmed = name.trim();
    const bytes = new TextEncoder().encode(trimmed).length;
    if (bytes === 0 || bytes > 16 || !printable(trimmed)) {
      return Promise.reject(
        new RangeError(
          `Cannot rename to ${
            quoted(name)
          }: a socket name is 1–16 bytes of printable text (this is ${bytes})`,
        ),
      );
    }
    return this.#op((d) => this.#writeTableFour(d, { name: trimmed }), options);
  }

  /**
   * Sets the icon the vendor app shows.
   *
   * @param icon A number 0–5 or a name of {@linkcode ICONS}.
   */
  setIcon(icon: number | IconName, options: CallOptions = {}): Promise<SocketData> {
    const n = typeof icon === "number" ? icon : ICONS[icon];
    if (n === undefined || !Number.isInteger(n) || n < 0 || n > 0xffff) {
      return Promise.reject(
        new RangeError(
          `Cannot set icon ${quoted(icon)}: use 0–5 or one of ${Object.keys(ICONS).join(", ")}`,
        ),
      );
    }
    return this.#op((d) => this.#writeTableFour(d, { icon: n }), options);
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
    let fields: ZoneFields;
    try {
      const { offsetMinutes, dst } = typeof zone === "string"
        ? zoneOffsetAt(zone, options.at ?? new Date(this.#ctx.clock.now()))
        : { offsetMinutes: zone, dst: options.dst ?? false };
      fields = zoneFieldsFor(offsetMinutes, { dst });
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#op((d) => this.#writeTableFour(d, fields), options);
  }

  /** Stops the socket answering global discovery (the app's "lock"); `qg` still finds it. */
  lock(options: CallOptions = {}): Promise<SocketData> {
    return this.#op((d) => this.#writeTableFour(d, { discoverable: false }), options);
  }

  /** Makes the socket answer global discovery again. */
  unlock(options: CallOptions = {}): Promise<SocketData> {
    return this.#op((d) => this.#writeTableFour(d, { discoverable: true }), options);
  }

  /**
   * Sets the remote (cloud) password stored in table 4; no LAN command needs it.
   *
   * @throws {RangeError} Unless 1–12 printable ASCII characters.
   */
  setRemotePassword(password: string, options: CallOptions = {}): Promise<void> {
    if (!/^[\x21-\x7e]{1,12}$/.test(password)) {
      return Promise.reject(
        new RangeError("Cannot set the remote password: use 1–12 printable ASCII characters"),
      );
    }
    return this.#op(async (d) => {
      await this.#writeTableFour(d, { remotePassword: password });
    }, options);
  }

  /** Reads auto-off after switch-on: the delay in seconds, or `null` when disabled. */
  autoOff(options: CallOptions = {}): Promise<number | null> {
    return this.#op(async (d) => {
      const data = await this.#info(d);
      return data.autoOffEnabled ? data.autoOffSeconds : null;
    }, options);
  }

  /**
   * Enables auto-off after every switch-on (`seconds`, 1–65535), or disables it (`null`).
   *
   * @throws {RangeError} For a delay outside 1–65535 s.
   */
  setAutoOff(seconds: number | null, options: CallOptions = {}): Promise<SocketData> {
    if (seconds !== null && (!Number.isInteger(seconds) || seconds < 1 || seconds > 0xffff)) {
      return Promise.reject(
        new RangeError(
          `Cannot set auto-off to ${seconds} s: use 1–65535 seconds, or null to disable`,
        ),
      );
    }
    const change: Partial<SocketData> = seconds === null
      ? { autoOffEnabled: false }
      : { autoOffEnabled: true, autoOffSeconds: seconds };
    return this.#op((d) => this.#writeTableFour(d, change), options);
  }

  // ── Clock ────────────────────────────────────────────────────────────────────────────

  /** Reads the socket's clock (from a unicast `qg`, which needs no subscription). */
  clock(options: CallOptions = {}): Promise<ClockReading> {
    return this.#op((d) => this.#readClock(d), options);
  }

  /** Sets the socket's clock to our time and reads it back. @returns The new reading. */
  syncClock(options: CallOptions = {}): Promise<ClockReading> {
    return this.#op(async (d) => {
      const mac = await this.#ready(d);
      const session = this.#ctx.session();
      // Built per send: a resend must carry the time it leaves, not the first attempt's.
      await this.#command(
        d,
        () => ({
          kind: "setClock",
          mac,
          session,
          // The socket keeps whole seconds: round, so it is within half a second either way.
          clock: dateToDeviceTime(new Date(this.#ctx.clock.now() + 500)),
        }),
        "cs",
        (m) => m.kind === "setClockReply" && m.session === session ? true : undefined,
      );
      return await this.#readClock(d);
    }, options);
  }

  // ── Countdown ────────────────────────────────────────────────────────────────────────

  /** Reads the one-off countdown, or `null` when none runs. */
  countdown(options: CallOptions = {}): Promise<Countdown | null> {
    return this.#op(async (d) => {
      const reply = await this.#countdownCommand(d, "read", "none", 0);
      return reply.action === "none" ? null : { action: reply.action, seconds: reply.seconds };
    }, options);
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
    const { action = "off" } = options;
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 0xffff) {
      return Promise.reject(
        new RangeError(`Cannot start a countdown of ${seconds} s: use 1–65535 seconds`),
      );
    }
    return this.#op(async (d) => {
      const reply = await this.#countdownCommand(d, "set", action, seconds);
      if (reply.action !== action) {
        throw new S20Error(
          "WRITE_NOT_APPLIED",
          `Socket ${this.#mac} answered the countdown with action "${reply.action}", not "${action}"`,
        );
      }
      return { action, seconds: reply.seconds };
    }, options);
  }

  /** Cancels a running countdown (a set with action `ff`, which the socket reports as none). */
  cancelCountdown(options: CallOptions = {}): Promise<void> {
    return this.#op(async (d) => {
      await this.#countdownCommand(d, "set", "none", 0);
    }, options);
  }

  // ── Timers (table 3) ─────────────────────────────────────────────────────────────────

  /** Lists the socket's timers (table 3), skipping the read when its version is unchanged. */
  timers(options: CallOptions = {}): Promise<TimerRecord[]> {
    return this.#op((d) => this.#readTimers(d), options);
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
    return this.#op(async (d) => {
      const existing = await this.#readTimers(d);
      const id = spec.id ?? freeTimerId(existing);
      if (existing.some((t) => t.id === id)) {
        throw new RangeError(`Cannot add timer ${id}: the socket already has a timer with that id`);
      }
      const record = timerRecordFor(spec, id, new Date(this.#ctx.clock.now()));
      return await this.#writeTimer(d, "add", record);
    }, options);
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
    return this.#op(async (d) => {
      const existing = await this.#readTimers(d);
      if (!existing.some((t) => t.id === id)) {
        throw new RangeError(`Cannot update timer ${id}: the socket has no timer with that id`);
      }
      const record = "label" in spec
        ? { ...spec, id }
        : timerRecordFor({ ...spec }, id, new Date(this.#ctx.clock.now()));
      return await this.#writeTimer(d, "modify", record);
    }, options);
  }

  /** Adds or replaces a record with its own id (what a schedule sync writes). */
  putTimer(record: TimerRecord, options: CallOptions = {}): Promise<TimerRecord> {
    return this.#op(async (d) => {
      const existing = await this.#readTimers(d);
      const current = existing.find((t) => t.id === record.id);
      if (current && sameTimer(current, record)) return current;
      return await this.#writeTimer(d, current ? "modify" : "add", record);
    }, options);
  }

  /** Removes a timer; removing one that is not there is not an error. */
  removeTimer(id: number, options: CallOptions = {}): Promise<void> {
    return this.#op((d) => this.#deleteTimer(d, id), options);
  }

  /** Removes every timer. @returns How many were removed. */
  clearTimers(options: CallOptions = {}): Promise<number> {
    return this.#op(async (d) => {
      const existing = await this.#readTimers(d);
      for (const t of existing) await this.#deleteTimer(d, t.id);
      return existing.length;
    }, options);
  }

  // ── Live events ──────────────────────────────────────────────────────────────────────

  /**
   * Keeps the subscription alive (a keep-alive every `keepAliveMs` of the client's clock)
   * until the returned handle is disposed or `signal` aborts, so pushes keep arriving and
   * `online`/`offline` events are reported.
   */
  keepAlive(signal?: AbortSignal): Disposable {
    this.#keepAliveUsers++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      signal?.removeEventListener("abort", release);
      this.#keepAliveUsers--;
      if (this.#keepAliveUsers === 0) {
        this.#keepAliveTimer?.cancel();
        this.#keepAliveTimer = null;
      }
    };
    signal?.addEventListener("abort", release, { once: true });
    if (this.#keepAliveTimer === null) this.#scheduleBeat(0);
    return { [Symbol.dispose]: release };
  }

  /** @internal Called by the client for every message carrying this socket's MAC. */
  handle(incoming: Incoming): void {
    const m = incoming.message;
    // Only the socket's own address speaks for it; anything else is a claim to check.
    if (this.#address === null || !sameAddress(incoming.from, this.#address)) {
      if (m.kind === "discoverReply" || m.kind === "subscribeReply" || m.kind === "stateReport") {
        this.#suspectMove(incoming.from);
      }
      return;
    }
    if (m.kind === "stateReport" || m.kind === "subscribeReply") {
      this.#evidence.heard(m.on, performance.now());
      this.#noteState(m.on);
    } else if (m.kind === "discoverReply" && m.on !== null) {
      this.#noteState(m.on);
    }
  }

  /** @internal Takes an address the caller gives (MAC@IP), which then never moves. */
  useAddress(address: NetAddress): void {
    this.#pinned = true;
    this.#moveTo(address);
  }

  /** @internal Stops keep-alives (client shutdown). */
  dispose(): void {
    this.#keepAliveUsers = 0;
    this.#keepAliveTimer?.cancel();
    this.#keepAliveTimer = null;
  }

  // ── Internals ────────────────────────────────────────────────────────────────────────

  #op<T>(task: (d: Deadline) => Promise<T>, options: CallOptions): Promise<T> {
    const { timeout = this.#ctx.timeoutMs, signal } = options;
    const stop = signal ? AbortSignal.any([signal, this.#ctx.closed]) : this.#ctx.closed;
    return this.#queue.run(async () => {
      const result = await task(new Deadline(timeout, stop));
      this.#markOnline();
      return result;
    }, stop);
  }

  /** Makes sure MAC and address are known (a lookup or a unicast probe). */
  async #ready(d: Deadline): Promise<Mac> {
    if (this.#mac === null) {
      if (this.#address === null) throw new DeviceNotFoundError("(unnamed)");
      const mac = await this.#ctx.identify(this.#address, d);
      this.#mac = mac;
      this.#ctx.adopt(this, mac);
    }
    if (this.#address === null) this.#address = await this.#ctx.locate(this.#mac, d);
    return this.#mac;
  }

  /**
   * Another address claims this socket's MAC (a new DHCP lease, or a forgery): check it in the
   * socket's queue, at most once per interval, unless the caller pinned the address.
   */
  #suspectMove(from: NetAddress): void {
    if (this.#pinned || this.#address === null || this.#checkingMove) return;
    const now = performance.now();
    if (now - this.#moveCheckAt < MOVE_CHECK_INTERVAL_MS) return;
    this.#moveCheckAt = now;
    this.#checkingMove = true;
    const candidate = { hostname: from.hostname, port: from.port };
    // The claim may be one copy of a discovery burst, during which the socket ignores commands.
    new Deadline(BURST_QUIET_MS, this.#ctx.closed).pause(BURST_QUIET_MS)
      .then(() => this.#queue.run(() => this.#checkMove(candidate), this.#ctx.closed))
      .catch(() => {})
      .finally(() => (this.#checkingMove = false));
  }

  /** Moves only if the socket answers at `candidate` and no longer at its address. */
  async #checkMove(candidate: NetAddress): Promise<void> {
    const mac = this.#mac;
    const current = this.#address;
    if (this.#pinned || !mac || !current || sameAddress(current, candidate)) return;
    const answers = (address: NetAddress) =>
      answersAt(
        this.#ctx,
        mac,
        address,
        new Deadline(Math.min(this.#ctx.timeoutMs, MOVE_CHECK_MS), this.#ctx.closed),
      );
    if (!(await answers(candidate))) return;
    // Still answering here: the other address is an impostor, not a move.
    if (await answers(current)) return;
    this.#moveTo(candidate);
    this.#subscribedAt = null;
  }

  #moveTo(from: NetAddress): void {
    const previous = this.#address;
    if (previous && sameAddress(previous, from)) return;
    this.#address = { hostname: from.hostname, port: from.port };
    if (previous && this.#mac && previous.hostname !== from.hostname) {
      this.#ctx.emit({
        type: "address",
        mac: this.#mac,
        ip: from.hostname,
        previous: previous.hostname,
        at: new Date(this.#ctx.clock.now()),
      });
    }
  }

  #noteState(on: boolean): void {
    if (this.#state === on) return;
    this.#state = on;
    if (this.#mac) {
      this.#ctx.emit({ type: "state", mac: this.#mac, on, at: new Date(this.#ctx.clock.now()) });
    }
  }

  #markOnline(): void {
    if (this.#online === true || !this.#mac) return;
    const wasOffline = this.#online === false;
    this.#online = true;
    if (wasOffline) {
      this.#ctx.emit({ type: "online", mac: this.#mac, at: new Date(this.#ctx.clock.now()) });
    }
  }

  #markOffline(reason: string): void {
    if (this.#online === false || !this.#mac) return;
    this.#online = false;
    this.#subscribedAt = null;
    this.#ctx.emit({
      type: "offline",
      mac: this.#mac,
      reason,
      at: new Date(this.#ctx.clock.now()),
    });
  }

  async #exchange<T>(
    d: Deadline,
    message: Message | (() => Message),
    command: string,
    match: (m: Message) => T | undefined,
    extra: {
      beforeResend?: (attempt: number) => Promise<void>;
      maxAttempts?: number;
      onSend?: () => void;
    } = {},
  ) {
    const mac = this.#mac!;
    await this.#quiet(d);
    return await exchange({
      endpoint: this.#ctx.endpoint,
      rtt: this.#ctx.rtt,
      deadline: d,
      to: this.#address!,
      message,
      mac,
      command,
      match: (incoming) =>
        ("mac" in incoming.message && incoming.message.mac === mac)
          ? match(incoming.message)
          : undefined,
      ...extra,
    });
  }

  /**
   * Subscribes unless a recent subscription stands (or `force`).
   *
   * @returns The state the reply showed and when it arrived; `null` when nothing was sent.
   */
  async #subscribe(
    d: Deadline,
    force = false,
  ): Promise<{ on: boolean; arrived: number } | null> {
    const mac = await this.#ready(d);
    const now = this.#ctx.clock.now();
    if (!force && this.#subscribedAt !== null && now - this.#subscribedAt < SUBSCRIPTION_FRESH_MS) {
      return null;
    }
    const reply = await this.#exchange(
      d,
      { kind: "subscribe", mac },
      "cl",
      (m) => m.kind === "subscribeReply" ? { on: m.on, arrived: performance.now() } : undefined,
      { onSend: () => this.#evidence.asked(performance.now()) },
    );
    this.#subscribedAt = this.#ctx.clock.now();
    this.#markOnline();
    // The pause protects the next command, not this caller: a state read returns at once.
    this.#quietUntil = performance.now() + PAUSE_AFTER_SUBSCRIBE_MS;
    return reply;
  }

  /** Waits out the pause after the last `cl` reply, if any is left. */
  async #quiet(d: Deadline): Promise<void> {
    const left = this.#quietUntil - performance.now();
    if (left > 0) await d.pause(Math.ceil(left));
  }

  /** Sends a command that needs a subscription; subscribes again before each resend. */
  async #command<T>(
    d: Deadline,
    message: Message | (() => Message),
    command: string,
    match: (m: Message) => T | undefined,
    onSend?: () => void,
  ): Promise<T> {
    await this.#subscribe(d);
    return await this.#exchange(d, message, command, match, {
      beforeResend: async () => {
        await this.#subscribe(d, true);
        await this.#quiet(d);
      },
      ...(onSend ? { onSend } : {}),
    });
  }

  /**
   * Reads the relay state with a fresh subscribe. A reply that could be a late copy of an
   * earlier one (from before our last switch) is not believed: wait until it could not be,
   * and ask again.
   */
  async #readState(d: Deadline): Promise<boolean> {
    for (;;) {
      const { on, arrived } = (await this.#subscribe(d, true))!;
      if (this.#evidence.proves(on, arrived)) return on;
      await d.pause(Math.max(1, Math.ceil(this.#evidence.settledAt(on) - performance.now()) + 1));
    }
  }

  /**
   * Sends `dc` until a report proves the relay is `on`: an `sf` or `cl` reply that cannot be
   * a leftover of an earlier switch (see {@linkcode StateEvidence}). A `dc` ack carries no
   * state, and a late `sf` of an earlier switch to the same state looks just like ours.
   */
  async #setPower(d: Deadline, on: boolean): Promise<boolean> {
    const mac = await this.#ready(d);
    let since = Infinity;
    const onSend = () => {
      const now = performance.now();
      since = Math.min(since, now);
      this.#evidence.switching(on, now);
    };
    const proof = (m: Message) =>
      m.kind === "stateReport" && m.on === on && this.#evidence.proves(on, performance.now());
    for (;;) {
      await this.#command(
        d,
        { kind: "setPower", mac, session: 0, on },
        "dc",
        (m) => proof(m) || m.kind === "setPowerReply" ? true : undefined,
        onSend,
      );
      if (this.#evidence.provedSince(on, since)) break;
      // An ack, perhaps a late one of an earlier dc. Wait for a report that proves the switch;
      // while reports could still be leftovers, wait only until they could not, then read.
      const unsure = this.#evidence.settledAt(on) - performance.now();
      const wait = unsure > 0 ? Math.min(CONFIRM_WAIT_MS, Math.ceil(unsure)) : CONFIRM_WAIT_MS;
      const report = await receive(
        this.#ctx.endpoint,
        d,
        wait,
        (i) =>
          i.message.kind === "stateReport" && i.message.mac === mac && proof(i.message)
            ? true
            : undefined,
        this.#address!,
      );
      if (report || this.#evidence.provedSince(on, since)) break;
      if ((await this.#readState(d)) === on) break;
    }
    this.#noteState(on);
    return on;
  }

  async #readTable<K extends "tableVersions" | "timerTable" | "socketData">(
    d: Deadline,
    table: number,
    kind: K,
  ): Promise<MessageOf<K>> {
    const mac = await this.#ready(d);
    return await this.#command(
      d,
      { kind: "readTable", mac, session: 0, table, version: 0 },
      "rt",
      (m) => m.kind === kind ? m as MessageOf<K> : undefined,
    );
  }

  async #versions(d: Deadline): Promise<Map<number, number>> {
    const reply = await this.#readTable(d, 1, "tableVersions");
    return new Map(reply.versions.map((v) => [v.table, v.version]));
  }

  async #info(d: Deadline): Promise<SocketData> {
    const version = (await this.#versions(d)).get(4) ?? -1;
    if (this.#tableFour && version >= 0 && this.#tableFour.version === version) {
      return this.#tableFour.data;
    }
    const reply = await this.#readTable(d, 4, "socketData");
    this.#tableFour = { version, data: reply.data };
    return reply.data;
  }

  /** Writes table-4 fields unless they already hold those values, then reads back. */
  async #writeTableFour(d: Deadline, change: Partial<SocketData>): Promise<SocketData> {
    const mac = await this.#ready(d);
    const applied = (data: SocketData) =>
      Object.entries(change).every(([k, v]) => data[k as keyof SocketData] === v);
    for (let written = 0;;) {
      const current = await this.#info(d);
      if (applied(current)) return current;
      if (written >= MAX_UNAPPLIED_WRITES) throw this.#notApplied("table-4 write");
      await this.#command(
        d,
        {
          kind: "writeSocketData",
          mac,
          session: 0,
          operation: "modify",
          data: { ...current, ...change },
        },
        "tm",
        (m) => m.kind === "writeTableReply" ? true : undefined,
      );
      written++;
      this.#tableFour = null;
    }
  }

  async #readTimers(d: Deadline): Promise<TimerRecord[]> {
    const version = (await this.#versions(d)).get(3);
    // A table shows up in table 1 only once it has records (docs/protocol.md#table-1).
    if (version === undefined) {
      this.#timers = null;
      return [];
    }
    if (this.#timers && this.#timers.version === version) return this.#timers.timers;
    const reply = await this.#readTable(d, 3, "timerTable");
    this.#timers = { version, timers: [...reply.timers] };
    return this.#timers.timers;
  }

  /**
   * Adds or modifies one record and reads the table back. An add is sent once per round and
   * the table is read before any resend, so a lost acknowledgement cannot create a duplicate.
   */
  async #writeTimer(
    d: Deadline,
    operation: "add" | "modify",
    record: TimerRecord,
  ): Promise<TimerRecord> {
    const mac = await this.#ready(d);
    await this.#subscribe(d);
    for (let acked = 0;;) {
      const ack = await this.#exchange(
        d,
        { kind: "writeTimer", mac, session: 0, operation, timer: record },
        "tm",
        (m) => m.kind === "writeTableReply" ? true : undefined,
        { maxAttempts: 1 },
      );
      this.#timers = null;
      const found = (await this.#readTimers(d)).find((t) => t.id === record.id);
      if (found && sameTimer(found, record)) return found;
      if (found && operation === "add") {
        throw new S20Error(
          "TIMER_ID_TAKEN",
          `Socket ${mac} holds a different timer with id ${record.id}; use another id`,
        );
      }
      if (ack) acked++;
      else await this.#subscribe(d, true);
      if (acked >= MAX_UNAPPLIED_WRITES) throw this.#notApplied(`timer ${record.id} ${operation}`);
    }
  }

  async #deleteTimer(d: Deadline, id: number): Promise<void> {
    const mac = await this.#ready(d);
    for (let acked = 0;;) {
      if (!(await this.#readTimers(d)).some((t) => t.id === id)) return;
      if (acked >= MAX_UNAPPLIED_WRITES) throw this.#notApplied(`timer ${id} removal`);
      await this.#command(
        d,
        { kind: "deleteRecord", mac, session: 0, table: 3, id },
        "tm",
        (m) => m.kind === "writeTableReply" ? true : undefined,
      );
      acked++;
      this.#timers = null;
    }
  }

  async #readClock(d: Deadline): Promise<ClockReading> {
    const mac = await this.#ready(d);
    // A socket answers a probe ten times over ~150 ms (docs/protocol.md#discovery); let an earlier
    // burst end, or one of its late copies (an old clock) would answer this read.
    const quiet = this.#ctx.endpoint.lastProbeAt + BURST_QUIET_MS - performance.now();
    if (quiet > 0) await d.pause(quiet);
    let sentAt = this.#ctx.clock.now();
    const reply = await this.#exchange(
      d,
      { kind: "discoverMac", mac },
      "qg",
      (m) => m.kind === "discoverReply" ? m : undefined,
      { onSend: () => (sentAt = this.#ctx.clock.now()) },
    );
    const receivedAt = this.#ctx.clock.now();
    const time = deviceTimeToDate(reply.clock, new Date(receivedAt));
    return {
      raw: reply.clock,
      time,
      skewMs: time ? clockSkew(time, sentAt, receivedAt) : null,
      uncertaintyMs: Math.ceil((receivedAt - sentAt) / 2),
    };
  }

  async #countdownCommand(
    d: Deadline,
    mode: "read" | "set",
    action: CountdownAction,
    seconds: number,
  ): Promise<MessageOf<"countdownReply">> {
    const mac = await this.#ready(d);
    return await this.#command(
      d,
      { kind: "countdown", mac, session: 0, mode, action, seconds },
      "cd",
      (m) => m.kind === "countdownReply" ? m : undefined,
    );
  }

  #notApplied(what: string): S20Error {
    return new S20Error(
      "WRITE_NOT_APPLIED",
      `Socket ${this.#mac} acknowledged the ${what} ${MAX_UNAPPLIED_WRITES} times but did not apply it`,
    );
  }

  #scheduleBeat(delayMs: number): void {
    this.#keepAliveTimer = this.#ctx.clock.setTimer(() => {
      this.#keepAliveTimer = null;
      this.#queue.run(() => this.#beat()).finally(() => {
        if (this.#keepAliveUsers > 0 && this.#keepAliveTimer === null) {
          this.#scheduleBeat(this.#ctx.keepAliveMs);
        }
      });
    }, delayMs);
  }

  /** One keep-alive: `hb` (refreshes the subscription); if unanswered, `cl`; else offline. */
  async #beat(): Promise<void> {
    if (this.#ctx.closed.aborted) return;
    const d = new Deadline(this.#ctx.timeoutMs, this.#ctx.closed);
    try {
      const mac = await this.#ready(d);
      const age = this.#subscribedAt === null
        ? Infinity
        : this.#ctx.clock.now() - this.#subscribedAt;
      if (age > SUBSCRIPTION_FRESH_MS) {
        // Too old to trust an hb (ignored once it lapsed, docs/protocol.md#keep-alive): subscribe
        // again at once.
        await this.#subscribe(d, true);
        return;
      }
      const session = this.#ctx.session();
      const answered = await this.#exchange(
        d,
        { kind: "heartbeat", mac, session },
        "hb",
        (m) => m.kind === "heartbeatReply" && m.session === session ? true : undefined,
        { maxAttempts: 4 },
      );
      if (answered) {
        this.#subscribedAt = this.#ctx.clock.now();
        this.#markOnline();
        return;
      }
      // hb is ignored once the socket has forgotten us (a reboot, or our keep-alives lapsed).
      await this.#subscribe(d, true);
      this.#ctx.emit({
        type: "reboot",
        mac,
        reason: "the socket forgot our subscription",
        at: new Date(this.#ctx.clock.now()),
      });
    } catch (error) {
      if (this.#ctx.closed.aborted) return;
      this.#markOffline(error instanceof Error ? error.message : String(error));
    }
  }
}

/**
 * Socket time minus ours, NTP-style: the reading was taken somewhere in the round trip, so compare
 * it with the midpoint; and the socket keeps whole seconds (docs/protocol.md#device-clock), so its
 * true time is on average half a second past what it reports.
 */
export function clockSkew(reading: Date, sentAt: number, receivedAt: number): number {
  return Math.round(reading.getTime() + 500 - (sentAt + receivedAt) / 2);
}

/** A random unused u16 timer id (orvfms picks random ids too; docs/protocol.md#table-3). */
function freeTimerId(existing: readonly TimerRecord[]): number {
  const used = new Set(existing.map((t) => t.id));
  const buffer = new Uint16Array(1);
  for (;;) {
    crypto.getRandomValues(buffer);
    if (buffer[0]! !== 0 && !used.has(buffer[0]!)) return buffer[0]!;
  }
}
