/**
 * The link to one socket that every feature of {@linkcode S20Socket} goes through: its queue
 * (one command at a time), its MAC and address (and the check that a socket really moved), its
 * subscription, and what it last reported (state, online). Features send with `command`, which
 * subscribes first when the subscription may have lapsed and again before each resend. Internal.
 */
import { DeviceNotFoundError, S20Error } from "../../errors.ts";
import type { Mac } from "../../protocol/mac.ts";
import type { Message, MessageOf } from "../../protocol/messages.ts";
import type { Clock } from "../../time/clock.ts";
import type { NetAddress } from "../../transport/types.ts";
import { answersAt, BURST_QUIET_MS, PAUSE_AFTER_SUBSCRIBE_MS } from "../answers_at.ts";
import { Deadline } from "../deadline.ts";
import type { Endpoint, Incoming } from "../endpoint.ts";
import type { S20Event } from "../events.ts";
import { exchange, sameAddress } from "../exchange.ts";
import type { RttEstimator } from "../rtt.ts";
import { SerialQueue } from "../serial_queue.ts";
import { StateEvidence } from "../state_evidence.ts";
import type { CallOptions } from "../types.ts";

/**
 * Subscribe again before a command when the last one is older than this
 * (docs/protocol.md#subscriptions: TTL ~300 s).
 */
export const SUBSCRIPTION_FRESH_MS = 60_000;
/** A write acknowledged but not found on read-back this often is reported, not retried. */
export const MAX_UNAPPLIED_WRITES = 3;
/** At most one check a socket moved per this many ms, so a flood of forged replies costs little. */
const MOVE_CHECK_INTERVAL_MS = 10_000;
/** Longest a check that a socket moved may hold up its queue. */
const MOVE_CHECK_MS = 2000;

/** What the link to a socket needs from its client. Internal. */
export interface LinkContext {
  readonly endpoint: Endpoint;
  readonly rtt: RttEstimator;
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly keepAliveMs: number;
  /** Aborts when the client closes, ending every pending call. */
  readonly closed: AbortSignal;
  locate(mac: Mac, deadline: Deadline): Promise<NetAddress>;
  identify(address: NetAddress, deadline: Deadline): Promise<Mac>;
  emit(event: S20Event): void;
  session(): number;
}

/** A test picking one reply out of the messages that carry the socket's MAC. */
type Match<T> = (m: Message) => T | undefined;

/** The link to one socket. Internal: features of `S20Socket` use it, users never see it. */
export class SocketLink {
  readonly ctx: LinkContext;
  /** Which state reports prove the relay's state now, and which may be leftovers. */
  readonly evidence = new StateEvidence();
  #onIdentified: (mac: Mac) => void;
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

  /** `onIdentified` runs once, when a socket named by address alone learns its MAC. */
  constructor(
    ctx: LinkContext,
    mac: Mac | null,
    address: NetAddress | null,
    onIdentified: (mac: Mac) => void,
  ) {
    this.ctx = ctx;
    this.#mac = mac;
    this.#address = address;
    this.#pinned = address !== null;
    this.#onIdentified = onIdentified;
  }

  get mac(): Mac | null {
    return this.#mac;
  }

  get address(): NetAddress | null {
    return this.#address;
  }

  /** The relay state last heard; `null` if never heard. */
  get state(): boolean | null {
    return this.#state;
  }

  get online(): boolean | null {
    return this.#online;
  }

  /** Milliseconds of the clock since the last subscription; `Infinity` when none stands. */
  get subscriptionAge(): number {
    return this.#subscribedAt === null ? Infinity : this.ctx.clock.now() - this.#subscribedAt;
  }

  /** Runs one call in the queue, under the call's timeout and signal and the client's close. */
  op<T>(task: (d: Deadline) => Promise<T>, options: CallOptions): Promise<T> {
    const { timeout = this.ctx.timeoutMs, signal } = options;
    const stop = signal ? AbortSignal.any([signal, this.ctx.closed]) : this.ctx.closed;
    return this.#queue.run(async () => {
      const result = await task(new Deadline(timeout, stop));
      this.markOnline();
      return result;
    }, stop);
  }

  /** Runs a task in the queue without a call's deadline (keep-alives). */
  enqueue(task: () => Promise<void>): Promise<void> {
    return this.#queue.run(task);
  }

  /** Makes sure MAC and address are known (a lookup or a unicast probe). */
  async ready(d: Deadline): Promise<Mac> {
    if (this.#mac === null) {
      if (this.#address === null) throw new DeviceNotFoundError("(unnamed)");
      const mac = await this.ctx.identify(this.#address, d);
      this.#mac = mac;
      this.#onIdentified(mac);
    }
    if (this.#address === null) this.#address = await this.ctx.locate(this.#mac, d);
    return this.#mac;
  }

  /** Called by the client for every message carrying this socket's MAC. */
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
      const now = performance.now();
      this.evidence.heard(m.on, now);
      // A leftover of a request sent before our last switch the other way is not news: it
      // would report, for a moment, a state the relay has already left (state_evidence.ts).
      if (this.evidence.proves(m.on, now)) this.noteState(m.on);
    } else if (m.kind === "discoverReply" && m.on !== null && this.#state === null) {
      // A discovery reply comes in ~10 copies over ~150 ms, each up to ~300 ms late, and none
      // can be told from a copy built before a switch: it gives a first state, never news.
      this.noteState(m.on);
    }
  }

  /** Takes an address the caller gives (MAC@IP), which then never moves. */
  useAddress(address: NetAddress): void {
    this.#pinned = true;
    this.#moveTo(address);
  }

  /** Sends until the reply `match` picks arrives from the socket's address. */
  async exchange<T>(
    d: Deadline,
    message: Message | (() => Message),
    command: string,
    match: Match<T>,
    extra: { beforeResend?: (attempt: number) => Promise<void>; onSend?: () => void } = {},
  ): Promise<T> {
    await this.#quiet(d);
    return await exchange({ ...this.#exchangeOptions(d, message, command, match), ...extra });
  }

  /** Like `exchange`, but gives up after `maxAttempts` sends, returning `undefined`. */
  async tryExchange<T>(
    d: Deadline,
    message: Message,
    command: string,
    match: Match<T>,
    maxAttempts: number,
  ): Promise<T | undefined> {
    await this.#quiet(d);
    return await exchange({ ...this.#exchangeOptions(d, message, command, match), maxAttempts });
  }

  /**
   * Subscribes unless a recent subscription stands (or `force`).
   *
   * @returns The state the reply showed and when it arrived; `null` when nothing was sent.
   */
  async subscribe(
    d: Deadline,
    force = false,
  ): Promise<{ on: boolean; arrived: number } | null> {
    const mac = await this.ready(d);
    if (!force && this.subscriptionAge < SUBSCRIPTION_FRESH_MS) return null;
    const reply = await this.exchange(
      d,
      { kind: "subscribe", mac },
      "cl",
      (m) => m.kind === "subscribeReply" ? { on: m.on, arrived: performance.now() } : undefined,
      { onSend: () => this.evidence.asked(performance.now()) },
    );
    this.renewed();
    // The pause protects the next command, not this caller: a state read returns at once.
    this.#quietUntil = performance.now() + PAUSE_AFTER_SUBSCRIBE_MS;
    return reply;
  }

  /** Notes that the subscription stands now (a `cl` or an echoed `hb`). */
  renewed(): void {
    this.#subscribedAt = this.ctx.clock.now();
    this.markOnline();
  }

  /** Sends a command that needs a subscription; subscribes again before each resend. */
  async command<T>(
    d: Deadline,
    message: Message | (() => Message),
    command: string,
    match: Match<T>,
    onSend?: () => void,
  ): Promise<T> {
    await this.subscribe(d);
    return await this.exchange(d, message, command, match, {
      beforeResend: async () => {
        await this.subscribe(d, true);
        await this.#quiet(d);
      },
      ...(onSend ? { onSend } : {}),
    });
  }

  /** Reads one table (docs/protocol.md#tables). */
  async readTable<K extends "tableVersions" | "timerTable" | "socketData">(
    d: Deadline,
    table: number,
    kind: K,
  ): Promise<MessageOf<K>> {
    const mac = await this.ready(d);
    return await this.command(
      d,
      { kind: "readTable", mac, session: 0, table, version: 0 },
      "rt",
      (m) => m.kind === kind ? m as MessageOf<K> : undefined,
    );
  }

  /** Table 1: each table's version, by table number. */
  async versions(d: Deadline): Promise<Map<number, number>> {
    const reply = await this.readTable(d, 1, "tableVersions");
    return new Map(reply.versions.map((v) => [v.table, v.version]));
  }

  /** The error for a write the socket acknowledged but never applied. */
  notApplied(what: string): S20Error {
    return new S20Error(
      "WRITE_NOT_APPLIED",
      `Socket ${this.#mac} acknowledged the ${what} ${MAX_UNAPPLIED_WRITES} times but did not apply it`,
    );
  }

  /** Records the relay state heard, with a `state` event when it changed. */
  noteState(on: boolean): void {
    if (this.#state === on) return;
    this.#state = on;
    if (this.#mac) {
      this.ctx.emit({ type: "state", mac: this.#mac, on, at: new Date(this.ctx.clock.now()) });
    }
  }

  markOnline(): void {
    if (this.#online === true || !this.#mac) return;
    const wasOffline = this.#online === false;
    this.#online = true;
    if (wasOffline) {
      this.ctx.emit({ type: "online", mac: this.#mac, at: new Date(this.ctx.clock.now()) });
    }
  }

  markOffline(reason: string): void {
    if (this.#online === false || !this.#mac) return;
    this.#online = false;
    this.#subscribedAt = null;
    this.ctx.emit({
      type: "offline",
      mac: this.#mac,
      reason,
      at: new Date(this.ctx.clock.now()),
    });
  }

  #exchangeOptions<T>(
    d: Deadline,
    message: Message | (() => Message),
    command: string,
    match: Match<T>,
  ) {
    const mac = this.#mac!;
    return {
      endpoint: this.ctx.endpoint,
      rtt: this.ctx.rtt,
      deadline: d,
      to: this.#address!,
      message,
      mac,
      command,
      match: (incoming: Incoming) =>
        ("mac" in incoming.message && incoming.message.mac === mac)
          ? match(incoming.message)
          : undefined,
    };
  }

  /** Waits out the pause after the last `cl` reply, if any is left. */
  async #quiet(d: Deadline): Promise<void> {
    const left = this.#quietUntil - performance.now();
    if (left > 0) await d.pause(Math.ceil(left));
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
    new Deadline(BURST_QUIET_MS, this.ctx.closed).pause(BURST_QUIET_MS)
      .then(() => this.#queue.run(() => this.#checkMove(candidate), this.ctx.closed))
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
        this.ctx,
        mac,
        address,
        new Deadline(Math.min(this.ctx.timeoutMs, MOVE_CHECK_MS), this.ctx.closed),
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
      this.ctx.emit({
        type: "address",
        mac: this.#mac,
        ip: from.hostname,
        previous: previous.hostname,
        at: new Date(this.ctx.clock.now()),
      });
    }
  }
}
