/**
 * What every feature of an emulated socket shares: its identity, clocks, tables, subscribers,
 * settings, whether it has power, and the one way out for datagrams and events. Internal: the
 * features of {@linkcode EmulatedDevice} (relay, timers, settings, discovery) hold one each.
 */
import { encode } from "../../protocol/encode.ts";
import type { Mac } from "../../protocol/mac.ts";
import type { Message } from "../../protocol/messages.ts";
import type { Clock } from "../../time/clock.ts";
import type { NetAddress } from "../../transport/types.ts";
import type { DeviceClock } from "../device_clock.ts";
import type { LatencyDraw } from "../latency.ts";
import { notifyAll } from "../notify.ts";
import { SubscriberTable } from "../subscribers.ts";
import type { DeviceTables } from "../tables.ts";
import type { EmulatorEvent, OutgoingDatagram, ReplyMode } from "../types.ts";
import type { DeviceConfig } from "./config.ts";
import { formatAddress } from "../../util/address.ts";

/** Parts of a core, as the device builds them. */
export interface CoreParts {
  readonly mac: Mac;
  readonly model: string;
  readonly clock: Clock;
  readonly deviceClock: DeviceClock;
  readonly tables: DeviceTables;
  readonly subscriptionTtlMs: number;
  readonly cloud: NetAddress | null;
  readonly replyTo: ReplyMode;
  readonly replyPort: number;
  readonly output: (datagram: OutgoingDatagram) => void;
  readonly networkNow: () => number;
  readonly cfg: DeviceConfig;
  readonly latency: LatencyDraw;
}

/** The shared state of one emulated socket. */
export class DeviceCore {
  readonly mac: Mac;
  readonly model: string;
  readonly clock: Clock;
  readonly deviceClock: DeviceClock;
  readonly tables: DeviceTables;
  readonly subscribers: SubscriberTable;
  /** The emulated cloud, which gets `mp` and `gt`; `null` when none. */
  readonly cloud: NetAddress | null;
  /** The cloud's subscription key; `null` when none. */
  readonly cloudKey: string | null;
  readonly networkNow: () => number;
  readonly cfg: DeviceConfig;
  readonly latency: LatencyDraw;
  readonly listeners = new Set<(event: EmulatorEvent) => void>();
  powered = true;
  closed = false;
  #replyTo: ReplyMode;
  #replyPort: number;
  #output: (datagram: OutgoingDatagram) => void;

  constructor(parts: CoreParts) {
    this.mac = parts.mac;
    this.model = parts.model;
    this.clock = parts.clock;
    this.deviceClock = parts.deviceClock;
    this.tables = parts.tables;
    this.cloud = parts.cloud;
    this.networkNow = parts.networkNow;
    this.cfg = parts.cfg;
    this.latency = parts.latency;
    this.#replyTo = parts.replyTo;
    this.#replyPort = parts.replyPort;
    this.#output = parts.output;
    this.cloudKey = this.cloud === null ? null : this.keyOf(this.cloud);
    this.subscribers = new SubscriberTable(
      this.clock,
      parts.subscriptionTtlMs,
      this.cloud === null ? null : { key: this.cloudKey!, address: this.cloud },
    );
  }

  /** Whether the device is closed or without power: then it does nothing by itself. */
  get idle(): boolean {
    return this.closed || !this.powered;
  }

  /** Whom a sender is, for subscriptions: its host, or host and port in `source` mode. */
  keyOf(address: NetAddress): string {
    return this.#replyTo === "source" ? formatAddress(address) : address.hostname;
  }

  /** Whether `from` is the emulated cloud. */
  isCloud(from: NetAddress): boolean {
    return this.cloudKey !== null && this.keyOf(from) === this.cloudKey;
  }

  /** Where an answer to `from` goes: its source port, or the configured reply port. */
  replyAddress(from: NetAddress): NetAddress {
    return this.#replyTo === "source" ? from : { hostname: from.hostname, port: this.#replyPort };
  }

  /** A `qa`/`qg` answer as this socket gives it now. */
  discoverReply(command: "qa" | "qg", on: boolean): Message {
    return {
      kind: "discoverReply",
      command,
      mac: this.mac,
      model: this.model,
      clock: this.deviceClock.reading(),
      on,
    };
  }

  send(message: Message, to: NetAddress, delayMs: number): void {
    const data = encode(message);
    this.emit({ type: "sent", at: this.clock.now(), to, data, message, delayMs });
    this.#output({ data, to, delayMs, message });
  }

  ignore(from: NetAddress, message: Message | null, reason: string): void {
    this.emit({ type: "ignored", at: this.clock.now(), from, message, reason });
  }

  emit(event: EmulatorEvent): void {
    notifyAll(this.listeners, event);
  }
}
