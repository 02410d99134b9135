/**
 * The emulated S20 itself: a state machine that takes datagrams and emits datagrams, with no
 * network of its own (docs/protocol.md#commands to #behaviour; docs/protocol.md#emulator is the
 * checklist it follows).
 */
import { decode } from "../protocol/decode.ts";
import { DecodeError } from "../protocol/decode_error.ts";
import { deviceTimeToDate } from "../protocol/device_time.ts";
import { encode } from "../protocol/encode.ts";
import { Mac } from "../protocol/mac.ts";
import type { Message, MessageOf } from "../protocol/messages.ts";
import type { SocketData, TableVersion, TimerRecord } from "../protocol/records.ts";
import { factorySocketData } from "../protocol/socket_data.ts";
import { type Clock, type ClockTimer, systemClock } from "../time/clock.ts";
import type { NetAddress } from "../transport/types.ts";
import { DeviceClock, type DeviceTimeSetting } from "./device_clock.ts";
import { LatencyDraw, type LatencyKey } from "./latency.ts";
import type { EmulatedDeviceOptions, PowerCutOptions, ReceiveOptions } from "./device_options.ts";
import { zoneOffsetMs } from "./local_time.ts";
import { SubscriberTable } from "./subscribers.ts";
import { DeviceTables, editSocketData } from "./tables.ts";
import { type DueTimers, nextDue } from "./timer_plan.ts";
import type {
  EmulatorEvent,
  OutgoingDatagram,
  RelayCause,
  RelayChange,
  ReplyMode,
  SubscriberInfo,
} from "./types.ts";
import { notifyAll } from "./notify.ts";
import { hashString } from "../util/hash.ts";

const DEFAULT_MAC = "ac:cf:23:00:00:01";
const DEFAULT_MODEL = "SOC005";
const S20_PORT = 10000;
/** The relay history keeps this many changes, so a long-running emulator does not grow. */
const HISTORY_LIMIT = 10_000;
const MAX_COUNTDOWN_SECONDS = 0xffff;

/**
 * Commands only a live subscriber may give (docs/protocol.md#subscriptions, c4#361); `hb` is
 * handled on its own.
 */
const SUBSCRIBER_COMMANDS = new Set<Message["kind"]>([
  "setPower",
  "readTable",
  "writeTimer",
  "writeSocketData",
  "writeRawRecord",
  "deleteRecord",
  "setClock",
  "countdown",
  "setTimeZone",
  "changePassword",
]);

type Command = Extract<
  Message,
  {
    kind:
      | "setPower"
      | "readTable"
      | "writeTimer"
      | "writeSocketData"
      | "writeRawRecord"
      | "deleteRecord"
      | "setClock"
      | "countdown"
      | "setTimeZone"
      | "changePassword";
  }
>;

interface Countdown {
  readonly action: "on" | "off";
  readonly dueAt: number;
  readonly cause: "countdown" | "auto-off";
  readonly timer: ClockTimer;
}

interface PendingPassword {
  readonly to: NetAddress;
  readonly echoesSession: boolean;
  readonly slot: number;
  readonly session: number;
}

/**
 * A running countdown, as {@linkcode EmulatedDevice.countdown} reports it.
 *
 * @example Auto-off arms a countdown at switch-on
 * ```ts
 * import { type CountdownState, EmulatedDevice } from "@s20/s20/emulator";
 * import { factorySocketData } from "@s20/s20";
 * import { VirtualClock } from "@s20/s20/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new VirtualClock({ start: "2026-01-01T12:00:00Z" });
 * const mac = "ac:cf:23:00:00:01";
 * using device = new EmulatedDevice({
 *   mac,
 *   clock,
 *   socketData: { ...factorySocketData(mac), autoOffEnabled: true, autoOffSeconds: 90 },
 * });
 * device.pressButton();
 * const countdown: CountdownState | null = device.countdown;
 * assert.deepEqual(countdown, { action: "off", seconds: 90, cause: "auto-off" });
 * await clock.advance(90_000);
 * assert.equal(device.on, false);
 * ```
 */
export interface CountdownState {
  /** What happens at zero. */
  readonly action: "on" | "off";
  /** Whole seconds left (rounded up), as a `cd` read would answer. */
  readonly seconds: number;
  /** `"countdown"` for a `cd`, `"auto-off"` for table 4's delay after switch-on. */
  readonly cause: "countdown" | "auto-off";
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(
      `Cannot create an emulated socket: '${name}' must be an integer ≥ ${min}: current value is ${value}`,
    );
  }
  return value;
}

function checkMs(name: string, value: number): number {
  if (!(value >= 0) || !Number.isFinite(value)) {
    throw new RangeError(
      `Cannot create an emulated socket: '${name}' must be a finite number ≥ 0: current value is ${value}`,
    );
  }
  return value;
}

function optionalMs(name: string, value: number | undefined): number | undefined {
  return value === undefined ? undefined : checkMs(name, value);
}

/** Which measured latency a command's answer takes (lib/emulator/latency.ts). */
function latencyOf(command: Command): LatencyKey {
  switch (command.kind) {
    case "setPower":
      return "dc";
    case "readTable":
      return command.table === 4 ? "rt4" : "rt";
    case "setClock":
      return "cs";
    case "countdown":
      return "cd";
    case "setTimeZone":
      return "ts";
    case "changePassword":
      return "mp";
    default:
      return "tm";
  }
}

/**
 * One emulated S20 socket, without a network: feed it datagrams with
 * {@linkcode EmulatedDevice.receive} and it emits what a real socket would send through the
 * `output` option, each with the real-time delay to wait before sending. Use
 * {@linkcode startEmulator} to put it on UDP.
 *
 * What it does, by the protocol notes: ~10 discovery copies 15 ms apart with the extra `00`
 * (docs/protocol.md#discovery), no `qa` answer when locked (docs/protocol.md#table-4 byte 161, Q9);
 * subscriptions for 300 s refreshed by `cl`/`hb`, and silence towards anyone not subscribed
 * (docs/protocol.md#subscriptions, Q11); `dc` ack then `sf` twice to every subscriber
 * (docs/protocol.md#switching; also when the state does not change, Q10); offset 18 per
 * docs/protocol.md#reply-session-field; tables 1/3/4 with version counters
 * (docs/protocol.md#tables); `cs`, `cd`, `ts`, `mp` (relayed to an emulated cloud, else unanswered,
 * docs/protocol.md#remote-password); `lt` unanswered. Its own clock drives table-3 timers in local
 * time (zone and DST from table 4), countdowns and auto-off.
 *
 * @example Subscribe and switch on, in-process
 * ```ts
 * import { EmulatedDevice, type OutgoingDatagram } from "@s20/s20/emulator";
 * import { encode } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * const sent: OutgoingDatagram[] = [];
 * using device = new EmulatedDevice({ output: (d) => sent.push(d) });
 * const app = { hostname: "192.0.2.10", port: 10000 };
 * device.receive(encode({ kind: "subscribe", mac: device.mac }), app);
 * device.receive(encode({ kind: "setPower", mac: device.mac, session: 0, on: true }), app);
 * assert.equal(device.on, true);
 * assert.deepEqual(
 *   sent.map((d) => d.message.kind),
 *   ["subscribeReply", "setPowerReply", "stateReport", "stateReport"],
 * );
 * ```
 */
export class EmulatedDevice implements Disposable {
  /** The socket's MAC address. */
  readonly mac: Mac;
  /** Model string of discovery replies. */
  readonly model: string;

  #clock: Clock;
  #deviceClock: DeviceClock;
  #tables: DeviceTables;
  #subscribers: SubscriberTable;
  #cloud: NetAddress | null;
  #cloudKey: string | null;
  #replyTo: ReplyMode;
  #replyPort: number;
  #output: (datagram: OutgoingDatagram) => void;
  #networkNow: () => number;
  #cfg: {
    pushOnTimer: boolean;
    dropDuringDiscoveryBurst: boolean;
    discoveryCopies: number;
    discoverySpacingMs: number;
    /** Fixed delays; `undefined`: drawn by `#latency`. */
    replyDelayMs: number | undefined;
    pushDelayMs: number | undefined;
    pushRepeatMs: number | undefined;
    announceTo: NetAddress;
    announceCount: number;
    announceIntervalMs: number;
    announceEveryMs: number;
    deleteOneShotTimers: boolean;
    refireWhenClockGoesBack: boolean;
    timeAfterBoot: DeviceTimeSetting;
  };
  #latency: LatencyDraw;
  #listeners = new Set<(event: EmulatorEvent) => void>();
  #on: boolean;
  #powered = true;
  #closed = false;
  #history: RelayChange[] = [];
  #countdown: Countdown | null = null;
  #timerTimer: ClockTimer | null = null;
  /** Local ms of the last table-3 firing; never fire again before it (DST fall-back guard). */
  #lastFiredLocal: number | null = null;
  #announceTimer: ClockTimer | null = null;
  #announceLeft = 0;
  #bootTimer: ClockTimer | null = null;
  #nextBootTime: DeviceTimeSetting | null = null;
  /** Network time until which a discovery burst is going out. */
  #busyUntil = -Infinity;
  /**
   * `mp` requests relayed to the cloud, by the slot the relay carried
   * (docs/protocol.md#remote-password).
   */
  #pendingPasswords = new Map<number, PendingPassword>();

  /**
   * Creates a powered socket.
   *
   * @param options Identity, starting state, clock, reply mode and realism switches.
   * @throws {TypeError} If the MAC address cannot be parsed.
   * @throws {RangeError} If a count or delay is out of range.
   */
  constructor(options: EmulatedDeviceOptions = {}) {
    this.mac = Mac.parse(options.mac ?? DEFAULT_MAC);
    this.model = options.model ?? DEFAULT_MODEL;
    if (!/^[\x20-\x7e]{6}$/.test(this.model)) {
      throw new RangeError(
        `Cannot create an emulated socket: 'model' must be 6 printable ASCII characters: current value is "${this.model}"`,
      );
    }
    this.#clock = options.clock ?? systemClock;
    this.#deviceClock = new DeviceClock(this.#clock, options.time ?? "synced");
    let socketData = options.socketData ?? factorySocketData(this.mac);
    if (options.name !== undefined) socketData = editSocketData(socketData, { name: options.name });
    this.#tables = new DeviceTables({
      socketData,
      timers: options.timers ?? [],
      socketDataVersion: options.socketDataVersion ?? 1,
      timersVersion: options.timersVersion ?? 0,
    }, checkCount("maxTimers", options.maxTimers ?? 48, 0));
    this.#replyTo = options.replyTo ?? "port10000";
    this.#replyPort = checkCount("replyPort", options.replyPort ?? S20_PORT, 1);
    this.#cloud = options.cloud ?? null;
    this.#cloudKey = this.#cloud === null ? null : this.#keyOf(this.#cloud);
    this.#subscribers = new SubscriberTable(
      this.#clock,
      checkMs("subscriptionTtlMs", options.subscriptionTtlMs ?? 300_000),
      this.#cloud === null ? null : { key: this.#cloudKey!, address: this.#cloud },
    );
    this.#output = options.output ?? (() => {});
    this.#networkNow = options.networkNow ?? (() => performance.now());
    this.#on = options.on ?? false;
    this.#cfg = {
      pushOnTimer: options.pushOnTimer ?? true,
      dropDuringDiscoveryBurst: options.dropDuringDiscoveryBurst ?? true,
      discoveryCopies: checkCount("discoveryCopies", options.discoveryCopies ?? 10, 1),
      discoverySpacingMs: checkMs("discoverySpacingMs", options.discoverySpacingMs ?? 15),
      replyDelayMs: optionalMs("replyDelayMs", options.replyDelayMs),
      pushDelayMs: optionalMs("pushDelayMs", options.pushDelayMs),
      pushRepeatMs: optionalMs("pushRepeatMs", options.pushRepeatMs),
      announceTo: options.announceTo ?? { hostname: "255.255.255.255", port: S20_PORT },
      announceCount: checkCount("announceCount", options.announceCount ?? 21, 0),
      announceIntervalMs: checkMs("announceIntervalMs", options.announceIntervalMs ?? 3170),
      announceEveryMs: checkMs("announceEveryMs", options.announceEveryMs ?? 0),
      deleteOneShotTimers: options.deleteOneShotTimers ?? false,
      refireWhenClockGoesBack: options.refireWhenClockGoesBack ?? false,
      timeAfterBoot: options.timeAfterBoot ?? "unset",
    };
    const timing = options.timing ?? "captured";
    if (timing !== "captured" && timing !== "instant") {
      throw new RangeError(
        `Cannot create an emulated socket: 'timing' must be "captured" or "instant": current value is "${timing}"`,
      );
    }
    const seed = options.timingSeed ?? 1;
    if (!Number.isInteger(seed)) {
      throw new RangeError(
        `Cannot create an emulated socket: 'timingSeed' must be an integer: current value is ${seed}`,
      );
    }
    // The MAC is mixed in so that the sockets of a fleet, sharing one seed, draw differently.
    this.#latency = new LatencyDraw(timing, hashString(`${seed}/${this.mac}`));
    this.#scheduleTimers();
    if (options.announceOnStart === true) this.#startAnnouncements();
  }

  /** Relay state. */
  get on(): boolean {
    return this.#on;
  }

  /** Whether the socket has power (false during a {@linkcode EmulatedDevice.powerCut}). */
  get powered(): boolean {
    return this.#powered;
  }

  /** Table 4 as the socket holds it now. */
  get socketData(): SocketData {
    return this.#tables.socketData;
  }

  /** Table 3 as the socket holds it now. */
  get timers(): readonly TimerRecord[] {
    return this.#tables.timers;
  }

  /** Table 1: the tables and their change counters. */
  get tableVersions(): readonly TableVersion[] {
    return this.#tables.versions();
  }

  /** The device clock's reading (u32 seconds since 1900), as a discovery reply carries it. */
  get clockReading(): number {
    return this.#deviceClock.reading();
  }

  /**
   * The device clock as a `Date`, or `null` while unset (before 2001,
   * docs/protocol.md#device-clock).
   */
  get deviceTime(): Date | null {
    return deviceTimeToDate(this.#deviceClock.reading(), new Date(this.#clock.now()));
  }

  /**
   * The socket's local wall time (device clock + table-4 zone), as a `Date` to read with
   * `getUTC*()`; `null` while the clock stands at 0.
   */
  get localTime(): Date | null {
    const ms = this.#deviceClock.nowMs();
    return ms === null ? null : new Date(ms + zoneOffsetMs(this.#tables.socketData));
  }

  /** The running countdown (`cd` or auto-off), or `null`. */
  get countdown(): CountdownState | null {
    const c = this.#countdown;
    if (c === null) return null;
    return { action: c.action, seconds: this.#secondsLeft(c), cause: c.cause };
  }

  /** Live subscriptions, the cloud link first. */
  get subscribers(): readonly SubscriberInfo[] {
    return this.#subscribers.list();
  }

  /** Every relay change so far (the last 10 000), oldest first. */
  get history(): readonly RelayChange[] {
    return this.#history;
  }

  /**
   * Calls `listener` for every {@linkcode EmulatorEvent} from now on.
   *
   * @param listener Called synchronously; an exception it throws is reported, not swallowed.
   * @returns A function that removes the listener.
   */
  onEvent(listener: (event: EmulatorEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Handles one datagram as the socket would: answers, changes state, or ignores it.
   *
   * @param data The datagram.
   * @param from Its sender.
   * @param options Per-request latency.
   */
  receive(data: Uint8Array, from: NetAddress, options: ReceiveOptions = {}): void {
    if (this.#closed) return;
    let message: Message | null = null;
    try {
      message = decode(data, { from: "client" });
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
    }
    this.#emit({ type: "received", at: this.#clock.now(), from, data, message });
    if (!this.#powered) return this.#ignore(from, message, "the socket is powered off");
    if (message === null) return this.#ignore(from, null, "the datagram does not decode");
    if (this.#cfg.dropDuringDiscoveryBurst && this.#networkNow() < this.#busyUntil) {
      return this.#ignore(
        from,
        message,
        "busy sending a discovery burst (docs/protocol.md#subscribe)",
      );
    }
    if ("mac" in message && message.mac !== undefined && message.mac !== this.mac) {
      return this.#ignore(from, message, `addressed to ${message.mac}`);
    }
    const fixed = options.replyDelayMs ?? this.#cfg.replyDelayMs;
    const delay = (latency: LatencyKey) => fixed ?? this.#latency.next(latency);
    const key = this.#keyOf(from);
    switch (message.kind) {
      case "discover":
        if (!this.#tables.socketData.discoverable) {
          return this.#ignore(from, message, "locked sockets do not answer qa (byte 161 = 0, Q9)");
        }
        return this.#discoveryBurst("qa", from, delay("qa"));
      case "discoverMac":
        return this.#discoveryBurst("qg", from, delay("qg"));
      case "subscribe": {
        const echo = message.session !== undefined;
        this.#subscribers.subscribe(key, this.#replyAddress(from), echo);
        return this.#send(
          {
            kind: "subscribeReply",
            mac: this.mac,
            session: echo ? message.session! : 0,
            on: this.#on,
          },
          this.#replyAddress(from),
          delay("cl"),
        );
      }
      case "heartbeat": {
        if (this.#subscribers.refresh(key) === null) {
          return this.#ignore(from, message, "hb from a host that is not subscribed (Q11, c4#379)");
        }
        return this.#send(
          { kind: "heartbeatReply", mac: this.mac, session: message.session },
          this.#replyAddress(from),
          delay("hb"),
        );
      }
      case "changePasswordCloudReply":
        return this.#passwordChanged(message, from, delay("mp"));
      case "dstRuleReply":
        return this.#dstRuleArrived(message, from);
      case "logout":
        return this.#ignore(from, message, "lt gets no reply (docs/protocol.md#cloud-messages)");
      default:
        break;
    }
    if (!SUBSCRIBER_COMMANDS.has(message.kind)) {
      return this.#ignore(from, message, `"${message.kind}" is not a request a socket answers`);
    }
    const subscriber = this.#subscribers.get(key);
    if (subscriber === null) {
      return this.#ignore(
        from,
        message,
        "the sender is not subscribed (docs/protocol.md#subscriptions)",
      );
    }
    const command = message as Command;
    this.#command(command, subscriber, from, delay(latencyOf(command)));
  }

  /**
   * Presses the button: the relay flips and every subscriber gets `sf`
   * (docs/protocol.md#state-reports).
   */
  pressButton(): void {
    if (this.#closed || !this.#powered) return;
    this.#setRelay(!this.#on, "button");
    this.#pushState(0);
  }

  /**
   * Cuts the power: the relay goes off, subscriptions, countdown and pending work are lost and the
   * clock stops; after `offMs` the socket boots with its clock unset (the `timeAfterBoot` option)
   * and sends its announcement burst (docs/protocol.md#announcements, #boot-and-factory-defaults).
   *
   * @param options How long the power stays off.
   * @throws {RangeError} If `offMs` is negative.
   */
  powerCut(options: PowerCutOptions = {}): void {
    const { offMs = 0 } = options;
    if (!(offMs >= 0)) {
      throw new RangeError(`Cannot cut the power for ${offMs} ms: use a number ≥ 0`);
    }
    if (this.#closed) return;
    this.#bootTimer?.cancel();
    this.#bootTimer = null;
    if (this.#powered) {
      this.#setRelay(false, "reboot");
      this.#powered = false;
      this.#cancelCountdown();
      this.#timerTimer?.cancel();
      this.#timerTimer = null;
      this.#announceTimer?.cancel();
      this.#announceTimer = null;
      this.#subscribers.clear();
      this.#pendingPasswords.clear();
      this.#busyUntil = -Infinity;
    }
    if (offMs === 0) this.#boot();
    else if (Number.isFinite(offMs)) {
      this.#bootTimer = this.#clock.setTimer(() => this.#boot(), offMs);
    }
  }

  /** Restores power after `powerCut({ offMs: Infinity })`; does nothing when powered. */
  powerOn(): void {
    if (this.#closed || this.#powered) return;
    this.#bootTimer?.cancel();
    this.#bootTimer = null;
    this.#boot();
  }

  /** A power cycle with no time off: `powerCut({ offMs: 0 })`. */
  reboot(): void {
    this.powerCut({ offMs: 0 });
  }

  /**
   * Factory reset (docs/protocol.md#boot-and-factory-defaults): factory table 4 (same MAC), no
   * timers, table versions back to 1, clock stopped at 0 until set, then a power cycle.
   *
   * @param options How long the socket stays off before it boots.
   */
  factoryReset(options: PowerCutOptions = {}): void {
    if (this.#closed) return;
    this.#tables.reset({
      socketData: factorySocketData(this.mac),
      timers: [],
      socketDataVersion: 1,
      timersVersion: 0,
    });
    this.#nextBootTime = "zero";
    if (this.#powered) this.#cancelCountdown();
    this.powerCut(options);
  }

  /** Stops every timer on the clock; the device ignores everything afterwards. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelCountdown();
    for (const timer of [this.#timerTimer, this.#announceTimer, this.#bootTimer]) timer?.cancel();
    this.#timerTimer = null;
    this.#announceTimer = null;
    this.#bootTimer = null;
  }

  /** Same as {@linkcode EmulatedDevice.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  // --- requests -------------------------------------------------------------------------

  #command(message: Command, subscriber: SubscriberInfo, from: NetAddress, delay: number): void {
    const to = this.#replyAddress(from);
    const session = subscriber.echoesSession ? message.session : subscriber.slot;
    const ack = (kind: "writeTableReply" | "setTimeZoneReply") =>
      this.#send({ kind, mac: this.mac, session }, to, delay);
    switch (message.kind) {
      case "setPower":
        this.#send({ kind: "setPowerReply", mac: this.mac, session }, to, delay);
        this.#setRelay(message.on, "dc");
        // Pushed even when the state did not change (Q10 unknown).
        return this.#pushState(delay + (this.#cfg.pushDelayMs ?? this.#latency.next("sf")));
      case "readTable":
        return this.#readTable(message, session, from, to, delay);
      case "writeTimer": {
        const done = message.operation === "add"
          ? this.#tables.addTimer(message.timer)
          : this.#tables.modifyTimer(message.timer);
        if (!done && message.operation === "add") {
          return this.#ignore(from, message, "table 3 is full (Q3)");
        }
        this.#scheduleTimers();
        return ack("writeTableReply");
      }
      case "deleteRecord":
        if (message.table !== 3) {
          return this.#ignore(from, message, `records of table ${message.table} cannot be deleted`);
        }
        this.#tables.deleteTimer(message.id);
        this.#scheduleTimers();
        return ack("writeTableReply");
      case "writeSocketData":
        // Any record of at least 138 bytes is stored as written (Q7 unknown).
        this.#tables.setSocketData(message.data);
        this.#scheduleTimers();
        return ack("writeTableReply");
      case "writeRawRecord":
        return this.#ignore(from, message, `table ${message.table} does not exist`);
      case "setClock":
        this.#deviceClock.setReading(message.clock);
        this.#lastFiredLocal = null;
        this.#scheduleTimers();
        return this.#send(
          { kind: "setClockReply", mac: this.mac, session: message.session },
          to,
          delay,
        );
      case "countdown":
        return this.#countdownRequest(message, session, to, delay);
      case "setTimeZone": {
        const data = this.#tables.socketData;
        if (data.zoneInfo === null) {
          return this.#ignore(from, message, "the 138-byte table 4 has no zone fields for ts");
        }
        this.#tables.setSocketData(editSocketData(data, {
          zoneInfo: {
            ...data.zoneInfo,
            zoneIndex: message.zoneIndex,
            standardOffset: message.standardOffset,
            dstOffset: message.dstOffset,
          },
        }));
        ack("setTimeZoneReply");
        // Then the socket asks the cloud for the zone's DST rule (`gt`,
        // docs/protocol.md#time-zone-and-dst-rule, c1#256).
        if (this.#cloud !== null) {
          const session = this.#subscribers.get(this.#cloudKey!)?.slot ?? 0;
          this.#send(
            { kind: "dstRuleRequest", mac: this.mac, session, zoneIndex: message.zoneIndex },
            this.#cloud,
            delay,
          );
        }
        return;
      }
      case "changePassword":
        if (this.#cloud === null) {
          return this.#ignore(
            from,
            message,
            "mp needs the cloud, which is not emulated (docs/protocol.md#remote-password)",
          );
        }
        this.#pendingPasswords.set(subscriber.slot, {
          to,
          echoesSession: subscriber.echoesSession,
          slot: subscriber.slot,
          session: message.session,
        });
        // The socket relays the request with the requester's slot in place of the session.
        return this.#send({ ...message, session: subscriber.slot }, this.#cloud, delay);
    }
  }

  #readTable(
    message: MessageOf<"readTable">,
    session: number,
    from: NetAddress,
    to: NetAddress,
    delay: number,
  ): void {
    const base = { mac: this.mac, session };
    switch (message.table) {
      case 1:
        return this.#send(
          { kind: "tableVersions", ...base, versions: this.#tables.versions() },
          to,
          delay,
        );
      case 3:
        // An empty table 3 is answered with no records (Q3: the real answer is unknown).
        return this.#send({ kind: "timerTable", ...base, timers: this.#tables.timers }, to, delay);
      case 4:
        return this.#send(
          { kind: "socketData", ...base, data: this.#tables.socketData },
          to,
          delay,
        );
      default:
        return this.#ignore(from, message, `table ${message.table} does not exist`);
    }
  }

  #countdownRequest(
    message: MessageOf<"countdown">,
    session: number,
    to: NetAddress,
    delay: number,
  ): void {
    const reply = (action: "on" | "off" | "none", seconds: number) =>
      this.#send({ kind: "countdownReply", mac: this.mac, session, action, seconds }, to, delay);
    if (message.mode === "read") {
      const c = this.#countdown;
      return reply(c?.action ?? "none", c === null ? 0 : this.#secondsLeft(c));
    }
    if (message.action === "none" || message.seconds === 0) {
      this.#cancelCountdown();
      return reply("none", 0);
    }
    this.#startCountdown(message.action, message.seconds, "countdown");
    return reply(message.action, message.seconds);
  }

  #passwordChanged(
    message: MessageOf<"changePasswordCloudReply">,
    from: NetAddress,
    delay: number,
  ): void {
    if (this.#cloudKey === null || this.#keyOf(from) !== this.#cloudKey) {
      return this.#ignore(from, message, "an mp answer from a host that is not the cloud");
    }
    const pending = this.#pendingPasswords.get(message.session);
    if (pending === undefined) return this.#ignore(from, message, "no mp is waiting for it");
    this.#pendingPasswords.delete(message.session);
    this.#tables.setSocketData(
      editSocketData(this.#tables.socketData, { remotePassword: message.newPassword }),
    );
    const session = pending.echoesSession ? pending.session : pending.slot;
    this.#send({ kind: "changePasswordReply", mac: this.mac, session }, pending.to, delay);
  }

  /** The cloud's DST rule for the zone: stored in table 4, which counts as a change (c1#318). */
  #dstRuleArrived(message: MessageOf<"dstRuleReply">, from: NetAddress): void {
    if (this.#cloudKey === null || this.#keyOf(from) !== this.#cloudKey) {
      return this.#ignore(from, message, "a DST rule from a host that is not the cloud");
    }
    const data = this.#tables.socketData;
    if (data.zoneInfo === null) {
      return this.#ignore(from, message, "the 138-byte table 4 has no zone fields for a DST rule");
    }
    const zone = data.zoneInfo;
    const same = zone.dstRuleYear === message.year &&
      zone.standardOffset === message.standardOffset &&
      zone.dstOffset === message.dstOffset && zone.dstStart === message.dstStart &&
      zone.dstEnd === message.dstEnd;
    // The same rule again (every ~12 s with a live cloud link, c4) changes nothing.
    if (same) return;
    this.#tables.setSocketData(editSocketData(data, {
      zoneInfo: {
        ...data.zoneInfo,
        dstRuleYear: message.year,
        standardOffset: message.standardOffset,
        dstOffset: message.dstOffset,
        dstStart: message.dstStart,
        dstEnd: message.dstEnd,
      },
    }));
  }

  #discoveryBurst(command: "qa" | "qg", from: NetAddress, delay: number): void {
    const reply: Message = {
      kind: "discoverReply",
      command,
      mac: this.mac,
      model: this.model,
      clock: this.#deviceClock.reading(),
      on: this.#on,
    };
    const to = this.#replyAddress(from);
    const { discoveryCopies, discoverySpacingMs } = this.#cfg;
    for (let i = 0; i < discoveryCopies; i++) this.#send(reply, to, delay + i * discoverySpacingMs);
    this.#busyUntil = this.#networkNow() + delay + (discoveryCopies - 1) * discoverySpacingMs;
  }

  // --- relay, countdown, timers ---------------------------------------------------------

  #setRelay(on: boolean, cause: RelayCause): boolean {
    if (this.#on === on) return false;
    this.#on = on;
    const change: RelayChange = {
      on,
      cause,
      at: this.#clock.now(),
      deviceTime: this.#deviceClock.reading(),
    };
    this.#history.push(change);
    if (this.#history.length > HISTORY_LIMIT) this.#history.shift();
    this.#emit({ type: "relay", change });
    const data = this.#tables.socketData;
    // Auto-off: every switch-on copies the delay into the countdown
    // (docs/protocol.md#countdown-and-auto-off).
    if (on && data.autoOffEnabled && data.autoOffSeconds > 0) {
      this.#startCountdown("off", data.autoOffSeconds, "auto-off");
    }
    return true;
  }

  /**
   * `sf` to every live subscriber, twice (docs/protocol.md#switching): cloud first, then by slot,
   * as in c1/c4.
   */
  #pushState(delayMs: number): void {
    const subscribers = this.#subscribers.list();
    const sf: Message = { kind: "stateReport", mac: this.mac, session: 0, on: this.#on };
    for (const round of [0, this.#cfg.pushRepeatMs ?? this.#latency.next("sf2")]) {
      for (const s of subscribers) this.#send(sf, s.address, delayMs + round);
    }
  }

  #switchedByDevice(on: boolean, cause: RelayCause): void {
    if (this.#setRelay(on, cause) && this.#cfg.pushOnTimer) this.#pushState(0);
  }

  #startCountdown(action: "on" | "off", seconds: number, cause: Countdown["cause"]): void {
    this.#cancelCountdown();
    const ms = Math.min(seconds, MAX_COUNTDOWN_SECONDS) * 1000;
    const timer = this.#clock.setTimer(() => {
      if (this.#countdown?.timer !== timer) return;
      this.#countdown = null;
      this.#switchedByDevice(action === "on", cause);
    }, ms);
    this.#countdown = { action, dueAt: this.#clock.now() + ms, cause, timer };
  }

  #cancelCountdown(): void {
    this.#countdown?.timer.cancel();
    this.#countdown = null;
  }

  #secondsLeft(c: Countdown): number {
    return Math.max(
      0,
      Math.min(MAX_COUNTDOWN_SECONDS, Math.ceil((c.dueAt - this.#clock.now()) / 1000)),
    );
  }

  /**
   * Arms one clock timer for the next table-3 firing; called after anything that moves it
   * (a table write, `cs`, a zone change in table 4, boot).
   */
  #scheduleTimers(): void {
    this.#timerTimer?.cancel();
    this.#timerTimer = null;
    if (this.#closed || !this.#powered) return;
    const deviceMs = this.#deviceClock.nowMs();
    if (deviceMs === null) return;
    const localNow = deviceMs + zoneOffsetMs(this.#tables.socketData);
    const last = this.#lastFiredLocal ?? -Infinity;
    // Went back by more than timer jitter: fire the times passed again, if so configured.
    const wentBack = last - localNow > 1000;
    const after = this.#cfg.refireWhenClockGoesBack && wentBack
      ? localNow
      : Math.max(localNow, last);
    const due = nextDue(this.#tables.timers, after);
    if (due === null) return;
    this.#timerTimer = this.#clock.setTimer(() => this.#timersDue(due), due.at - localNow);
  }

  #timersDue(due: DueTimers): void {
    this.#timerTimer = null;
    this.#lastFiredLocal = due.at;
    for (const timer of due.timers) {
      if (!this.#tables.holds(timer)) continue;
      this.#switchedByDevice(timer.on, "timer");
      if (!timer.weekly && this.#cfg.deleteOneShotTimers) this.#tables.removeTimer(timer);
    }
    this.#scheduleTimers();
  }

  // --- power and announcements ----------------------------------------------------------

  #boot(): void {
    this.#bootTimer = null;
    this.#powered = true;
    this.#deviceClock.set(this.#nextBootTime ?? this.#cfg.timeAfterBoot);
    this.#nextBootTime = null;
    this.#lastFiredLocal = null;
    this.#scheduleTimers();
    this.#startAnnouncements();
  }

  #startAnnouncements(): void {
    this.#announceTimer?.cancel();
    this.#announceTimer = null;
    this.#announceLeft = this.#cfg.announceCount;
    if (this.#announceLeft > 0) this.#announce();
  }

  /**
   * One unsolicited `qa` to the broadcast address; 21 of them 3.17 s apart
   * (docs/protocol.md#announcements).
   */
  #announce(): void {
    this.#announceTimer = null;
    if (this.#closed || !this.#powered) return;
    this.#send(
      {
        kind: "discoverReply",
        command: "qa",
        mac: this.mac,
        model: this.model,
        clock: this.#deviceClock.reading(),
        on: this.#on,
      },
      this.#cfg.announceTo,
      0,
    );
    this.#announceLeft--;
    const { announceIntervalMs, announceEveryMs, announceCount } = this.#cfg;
    if (this.#announceLeft > 0) {
      this.#announceTimer = this.#clock.setTimer(() => this.#announce(), announceIntervalMs);
    } else if (announceEveryMs > 0) {
      const wait = Math.max(0, announceEveryMs - (announceCount - 1) * announceIntervalMs);
      this.#announceTimer = this.#clock.setTimer(() => this.#startAnnouncements(), wait);
    }
  }

  // --- plumbing -------------------------------------------------------------------------

  #keyOf(address: NetAddress): string {
    return this.#replyTo === "source" ? `${address.hostname}:${address.port}` : address.hostname;
  }

  #replyAddress(from: NetAddress): NetAddress {
    return this.#replyTo === "source" ? from : { hostname: from.hostname, port: this.#replyPort };
  }

  #send(message: Message, to: NetAddress, delayMs: number): void {
    const data = encode(message);
    this.#emit({ type: "sent", at: this.#clock.now(), to, data, message, delayMs });
    this.#output({ data, to, delayMs, message });
  }

  #ignore(from: NetAddress, message: Message | null, reason: string): void {
    this.#emit({ type: "ignored", at: this.#clock.now(), from, message, reason });
  }

  #emit(event: EmulatorEvent): void {
    notifyAll(this.#listeners, event);
  }
}
