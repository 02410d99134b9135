/**
 * The emulated S20 itself: a state machine that takes datagrams and emits datagrams, with no
 * network of its own (docs/protocol.md#commands to #behaviour; docs/protocol.md#emulator is the
 * checklist it follows). {@linkcode EmulatedDevice} checks and dispatches each request to a
 * feature of the socket, as a device splits into modules: the relay and countdown
 * (`device/relay.ts`), table-3 timers (`device/timers.ts`), table 4 and the cloud requests
 * (`device/settings.ts`) and discovery (`device/discovery.ts`), all sharing one
 * `device/core.ts`.
 */
import { decode } from "../protocol/decode.ts";
import { DecodeError } from "../protocol/decode_error.ts";
import { deviceTimeToDate } from "../protocol/device_time.ts";
import { Mac } from "../protocol/mac.ts";
import type { Message } from "../protocol/messages.ts";
import type { SocketData, TableVersion, TimerRecord } from "../protocol/records.ts";
import { factorySocketData } from "../protocol/socket_data.ts";
import { type ClockTimer, systemClock } from "../time/clock.ts";
import type { NetAddress } from "../transport/types.ts";
import { hashString } from "../util/hash.ts";
import { checkCount, checkMs, deviceConfig, DOING, S20_PORT } from "./device/config.ts";
import { checkInteger } from "../util/range.ts";
import { DeviceCore } from "./device/core.ts";
import { Discovery } from "./device/discovery.ts";
import { type CountdownState, Relay } from "./device/relay.ts";
import { Settings } from "./device/settings.ts";
import { Timers } from "./device/timers.ts";
import { DeviceClock, type DeviceTimeSetting } from "./device_clock.ts";
import type { EmulatedDeviceOptions, PowerCutOptions, ReceiveOptions } from "./device_options.ts";
import { LatencyDraw, type LatencyKey } from "./latency.ts";
import { zoneOffsetMs } from "./local_time.ts";
import { DeviceTables, editSocketData } from "./tables.ts";
import type { EmulatorEvent, RelayChange, SubscriberInfo } from "./types.ts";

const DEFAULT_MAC = "ac:cf:23:00:00:01";
const DEFAULT_MODEL = "SOC005";

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

  #core: DeviceCore;
  #relay: Relay;
  #timers: Timers;
  #settings: Settings;
  #discovery: Discovery;
  #bootTimer: ClockTimer | null = null;
  #nextBootTime: DeviceTimeSetting | null = null;

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
    const clock = options.clock ?? systemClock;
    let socketData = options.socketData ?? factorySocketData(this.mac);
    if (options.name !== undefined) socketData = editSocketData(socketData, { name: options.name });
    const tables = new DeviceTables({
      socketData,
      timers: options.timers ?? [],
      socketDataVersion: options.socketDataVersion ?? 1,
      timersVersion: options.timersVersion ?? 0,
    }, checkCount("maxTimers", options.maxTimers ?? 48, 0));
    const replyPort = checkCount("replyPort", options.replyPort ?? S20_PORT, 1);
    const subscriptionTtlMs = checkMs("subscriptionTtlMs", options.subscriptionTtlMs ?? 300_000);
    const cfg = deviceConfig(options);
    const timing = options.timing ?? "captured";
    if (timing !== "captured" && timing !== "instant") {
      throw new RangeError(
        `Cannot create an emulated socket: 'timing' must be "captured" or "instant": current value is "${timing}"`,
      );
    }
    const seed = options.timingSeed ?? 1;
    checkInteger(DOING, "timingSeed", seed);
    this.#core = new DeviceCore({
      mac: this.mac,
      model: this.model,
      clock,
      deviceClock: new DeviceClock(clock, options.time ?? "synced"),
      tables,
      subscriptionTtlMs,
      cloud: options.cloud ?? null,
      replyTo: options.replyTo ?? "port10000",
      replyPort,
      output: options.output ?? (() => {}),
      networkNow: options.networkNow ?? (() => performance.now()),
      cfg,
      // The MAC is mixed in so that the sockets of a fleet, sharing one seed, draw differently.
      latency: new LatencyDraw(timing, hashString(`${seed}/${this.mac}`)),
    });
    this.#relay = new Relay(this.#core, options.on ?? false);
    this.#timers = new Timers(this.#core, this.#relay);
    this.#settings = new Settings(this.#core, this.#timers);
    this.#discovery = new Discovery(this.#core, this.#relay);
    this.#timers.schedule();
    if (options.announceOnStart === true) this.#discovery.startAnnouncements();
  }

  /** Relay state. */
  get on(): boolean {
    return this.#relay.on;
  }

  /** Whether the socket has power (false during a {@linkcode EmulatedDevice.powerCut}). */
  get powered(): boolean {
    return this.#core.powered;
  }

  /** Table 4 as the socket holds it now. */
  get socketData(): SocketData {
    return this.#core.tables.socketData;
  }

  /** Table 3 as the socket holds it now. */
  get timers(): readonly TimerRecord[] {
    return this.#core.tables.timers;
  }

  /** Table 1: the tables and their change counters. */
  get tableVersions(): readonly TableVersion[] {
    return this.#core.tables.versions();
  }

  /** The device clock's reading (u32 seconds since 1900), as a discovery reply carries it. */
  get clockReading(): number {
    return this.#core.deviceClock.reading();
  }

  /**
   * The device clock as a `Date`, or `null` while unset (before 2001,
   * docs/protocol.md#device-clock).
   */
  get deviceTime(): Date | null {
    return deviceTimeToDate(this.#core.deviceClock.reading(), new Date(this.#core.clock.now()));
  }

  /**
   * The socket's local wall time (device clock + table-4 zone), as a `Date` to read with
   * `getUTC*()`; `null` while the clock stands at 0.
   */
  get localTime(): Date | null {
    const ms = this.#core.deviceClock.nowMs();
    return ms === null ? null : new Date(ms + zoneOffsetMs(this.#core.tables.socketData));
  }

  /** The running countdown (`cd` or auto-off), or `null`. */
  get countdown(): CountdownState | null {
    return this.#relay.countdown;
  }

  /** Live subscriptions, the cloud link first. */
  get subscribers(): readonly SubscriberInfo[] {
    return this.#core.subscribers.list();
  }

  /** Every relay change so far (the last 10 000), oldest first. */
  get history(): readonly RelayChange[] {
    return this.#relay.history;
  }

  /**
   * Calls `listener` for every {@linkcode EmulatorEvent} from now on.
   *
   * @param listener Called synchronously; an exception it throws is reported, not swallowed.
   * @returns A function that removes the listener.
   */
  onEvent(listener: (event: EmulatorEvent) => void): () => void {
    this.#core.listeners.add(listener);
    return () => this.#core.listeners.delete(listener);
  }

  /**
   * Handles one datagram as the socket would: answers, changes state, or ignores it.
   *
   * @param data The datagram.
   * @param from Its sender.
   * @param options Per-request latency.
   */
  receive(data: Uint8Array, from: NetAddress, options: ReceiveOptions = {}): void {
    const core = this.#core;
    if (core.closed) return;
    let message: Message | null = null;
    try {
      message = decode(data, { from: "client" });
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
    }
    core.emit({ type: "received", at: core.clock.now(), from, data, message });
    if (!core.powered) return core.ignore(from, message, "the socket is powered off");
    if (message === null) return core.ignore(from, null, "the datagram does not decode");
    if (core.cfg.dropDuringDiscoveryBurst && this.#discovery.busy) {
      return core.ignore(
        from,
        message,
        "busy sending a discovery burst (docs/protocol.md#subscribe)",
      );
    }
    if ("mac" in message && message.mac !== undefined && message.mac !== this.mac) {
      return core.ignore(from, message, `addressed to ${message.mac}`);
    }
    const fixed = options.replyDelayMs ?? core.cfg.replyDelayMs;
    const delay = (latency: LatencyKey) => fixed ?? core.latency.next(latency);
    const key = core.keyOf(from);
    switch (message.kind) {
      case "discover":
        if (!core.tables.socketData.discoverable) {
          return core.ignore(from, message, "locked sockets do not answer qa (byte 161 = 0, Q9)");
        }
        return this.#discovery.answer("qa", from, delay("qa"));
      case "discoverMac":
        return this.#discovery.answer("qg", from, delay("qg"));
      case "subscribe": {
        const echo = message.session !== undefined;
        core.subscribers.subscribe(key, core.replyAddress(from), echo);
        return core.send(
          {
            kind: "subscribeReply",
            mac: this.mac,
            session: echo ? message.session! : 0,
            on: this.#relay.on,
          },
          core.replyAddress(from),
          delay("cl"),
        );
      }
      case "heartbeat": {
        if (core.subscribers.refresh(key) === null) {
          return core.ignore(from, message, "hb from a host that is not subscribed (Q11, c4#379)");
        }
        return core.send(
          { kind: "heartbeatReply", mac: this.mac, session: message.session },
          core.replyAddress(from),
          delay("hb"),
        );
      }
      case "changePasswordCloudReply":
        return this.#settings.passwordChanged(message, from, delay("mp"));
      case "dstRuleReply":
        return this.#settings.dstRuleArrived(message, from);
      case "logout":
        return core.ignore(from, message, "lt gets no reply (docs/protocol.md#cloud-messages)");
      default:
        break;
    }
    if (!SUBSCRIBER_COMMANDS.has(message.kind)) {
      return core.ignore(from, message, `"${message.kind}" is not a request a socket answers`);
    }
    const subscriber = core.subscribers.get(key);
    if (subscriber === null) {
      return core.ignore(
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
    if (this.#core.idle) return;
    this.#relay.set(!this.#relay.on, "button");
    this.#relay.push(0);
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
    const core = this.#core;
    if (core.closed) return;
    this.#bootTimer?.cancel();
    this.#bootTimer = null;
    if (core.powered) {
      this.#relay.set(false, "reboot");
      core.powered = false;
      this.#relay.cancelCountdown();
      this.#timers.stop();
      this.#discovery.stop();
      core.subscribers.clear();
      this.#settings.forgetPending();
    }
    if (offMs === 0) this.#boot();
    else if (Number.isFinite(offMs)) {
      this.#bootTimer = core.clock.setTimer(() => this.#boot(), offMs);
    }
  }

  /** Restores power after `powerCut({ offMs: Infinity })`; does nothing when powered. */
  powerOn(): void {
    if (this.#core.closed || this.#core.powered) return;
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
    if (this.#core.closed) return;
    this.#core.tables.reset({
      socketData: factorySocketData(this.mac),
      timers: [],
      socketDataVersion: 1,
      timersVersion: 0,
    });
    this.#nextBootTime = "zero";
    if (this.#core.powered) this.#relay.cancelCountdown();
    this.powerCut(options);
  }

  /** Stops every timer on the clock; the device ignores everything afterwards. */
  close(): void {
    if (this.#core.closed) return;
    this.#core.closed = true;
    this.#relay.cancelCountdown();
    this.#timers.stop();
    this.#discovery.stop();
    this.#bootTimer?.cancel();
    this.#bootTimer = null;
  }

  /** Same as {@linkcode EmulatedDevice.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** A command of a live subscriber, handed to the feature it belongs to. */
  #command(message: Command, subscriber: SubscriberInfo, from: NetAddress, delay: number): void {
    const core = this.#core;
    const to = core.replyAddress(from);
    const session = subscriber.echoesSession ? message.session : subscriber.slot;
    const ack = (kind: "writeTableReply" | "setTimeZoneReply") =>
      core.send({ kind, mac: this.mac, session }, to, delay);
    switch (message.kind) {
      case "setPower":
        return this.#relay.setPower(message, session, to, delay);
      case "countdown":
        return this.#relay.countdownRequest(message, session, to, delay);
      case "readTable":
        return this.#settings.readTable(message, session, from, to, delay);
      case "writeTimer":
        if (this.#timers.write(message, from)) ack("writeTableReply");
        return;
      case "deleteRecord":
        if (this.#timers.delete(message, from)) ack("writeTableReply");
        return;
      case "writeSocketData":
        this.#settings.write(message);
        return ack("writeTableReply");
      case "writeRawRecord":
        return core.ignore(from, message, `table ${message.table} does not exist`);
      case "setClock":
        core.deviceClock.setReading(message.clock);
        this.#timers.clockChanged();
        return core.send(
          { kind: "setClockReply", mac: this.mac, session: message.session },
          to,
          delay,
        );
      case "setTimeZone":
        if (this.#settings.setTimeZone(message, from)) {
          ack("setTimeZoneReply");
          this.#settings.askDstRule(message.zoneIndex, delay);
        }
        return;
      case "changePassword":
        return this.#settings.changePassword(message, subscriber, from, to, delay);
    }
  }

  #boot(): void {
    const core = this.#core;
    this.#bootTimer = null;
    core.powered = true;
    core.deviceClock.set(this.#nextBootTime ?? core.cfg.timeAfterBoot);
    this.#nextBootTime = null;
    this.#timers.clockChanged();
    this.#discovery.startAnnouncements();
  }
}
