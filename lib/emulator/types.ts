/** Public value types of the emulator: reply modes, relay history, events, outgoing datagrams. */
import type { Message } from "../protocol/messages.ts";
import type { NetAddress } from "../transport/types.ts";

/**
 * Where replies go (open question Q1, docs/protocol.md#transport, #open-questions):
 * - `"port10000"`: to the requester's IP at port 10000 (the port is the `replyPort` option), as
 *   real sockets are believed to do; subscribers are told apart by IP, and `sf` pushes go to
 *   IP:10000 too;
 * - `"source"`: to the request's source address and port; subscribers are told apart by
 *   IP:port. Lets tests and several clients on one host run without owning port 10000.
 *
 * @example
 * ```ts
 * import { EmulatedDevice, type ReplyMode } from "@s20/s20/emulator";
 *
 * const replyTo: ReplyMode = "source";
 * using device = new EmulatedDevice({ replyTo });
 * ```
 */
export type ReplyMode = "port10000" | "source";

/**
 * Why the relay changed: a client's `dc`, the button, a table-3 timer, a `cd` countdown, the
 * auto-off delay of table 4, or a power cut (the relay is off after boot,
 * docs/protocol.md#boot-and-factory-defaults).
 *
 * @example
 * ```ts
 * import type { RelayCause } from "@s20/s20/emulator";
 *
 * const cause: RelayCause = "timer";
 * ```
 */
export type RelayCause = "dc" | "button" | "timer" | "countdown" | "auto-off" | "reboot";

/**
 * One change of the relay, as kept in {@linkcode EmulatedDevice.history}.
 *
 * @example Read the history after a button press
 * ```ts
 * import { EmulatedDevice } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * using device = new EmulatedDevice();
 * device.pressButton();
 * const [change] = device.history;
 * assert.equal(change?.on, true);
 * assert.equal(change?.cause, "button");
 * ```
 */
export interface RelayChange {
  /** The new relay state. */
  readonly on: boolean;
  /** What switched it. */
  readonly cause: RelayCause;
  /** When, in ms since 1970 on the injected clock (virtual time under a `VirtualClock`). */
  readonly at: number;
  /** The device clock's reading then (u32 seconds since 1900; 0 while unset after a reset). */
  readonly deviceTime: number;
}

/**
 * A datagram the device wants sent: `delayMs` is real-time pacing (the 15 ms between discovery
 * copies, the ~50 ms before the second `sf`), applied by the network layer.
 *
 * @example Collect a device's output without a network
 * ```ts
 * import { EmulatedDevice, type OutgoingDatagram } from "@s20/s20/emulator";
 * import { fromHex } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * const sent: OutgoingDatagram[] = [];
 * using device = new EmulatedDevice({ output: (d) => sent.push(d) });
 * device.receive(fromHex("68 64 00 06 71 61"), { hostname: "192.0.2.10", port: 10000 });
 * assert.equal(sent.length, 10);
 * assert.equal(sent[9]?.delayMs, sent[0]!.delayMs + 9 * 15);
 * ```
 */
export interface OutgoingDatagram {
  /** The datagram. */
  readonly data: Uint8Array;
  /** Its destination. */
  readonly to: NetAddress;
  /** Real milliseconds to wait before sending, counted from the moment it was produced. */
  readonly delayMs: number;
  /** The datagram, decoded. */
  readonly message: Message;
}

/**
 * Something that happened in an emulated socket, for tests and logs:
 * - `received`: a datagram arrived (`message` is `null` when it did not decode);
 * - `ignored`: a datagram got no answer, with the reason (not subscribed, locked, busy…);
 * - `sent`: the device produced a datagram (before network faults);
 * - `relay`: the relay changed;
 * - `fault`: the network layer dropped, duplicated or delayed a datagram, or a send failed.
 *
 * @example Log why requests were ignored
 * ```ts
 * import { EmulatedDevice, type EmulatorEvent } from "@s20/s20/emulator";
 * import { fromHex } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * using device = new EmulatedDevice({ mac: "ac:cf:23:00:00:01" });
 * const reasons: string[] = [];
 * device.onEvent((event: EmulatorEvent) => {
 *   if (event.type === "ignored") reasons.push(event.reason);
 * });
 * // dc from someone who never subscribed
 * device.receive(
 *   fromHex("68 64 00 17 64 63 ac cf 23 00 00 01 20 20 20 20 20 20 00 00 00 00 01"),
 *   { hostname: "192.0.2.10", port: 10000 },
 * );
 * assert.match(reasons[0]!, /not subscribed/);
 * ```
 */
export type EmulatorEvent =
  | {
    readonly type: "received";
    readonly at: number;
    readonly from: NetAddress;
    readonly data: Uint8Array;
    readonly message: Message | null;
  }
  | {
    readonly type: "ignored";
    readonly at: number;
    readonly from: NetAddress;
    readonly message: Message | null;
    readonly reason: string;
  }
  | {
    readonly type: "sent";
    readonly at: number;
    readonly to: NetAddress;
    readonly data: Uint8Array;
    readonly message: Message;
    readonly delayMs: number;
  }
  | { readonly type: "relay"; readonly change: RelayChange }
  | {
    readonly type: "fault";
    readonly at: number;
    readonly direction: "in" | "out";
    readonly fault: "dropped" | "duplicated" | "send-failed";
    readonly address: NetAddress;
    readonly data: Uint8Array;
  };

/**
 * A live subscription (docs/protocol.md#subscriptions), as listed by
 * {@linkcode EmulatedDevice.subscribers}.
 *
 * @example
 * ```ts
 * import { EmulatedDevice } from "@s20/s20/emulator";
 * import { encode } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * using device = new EmulatedDevice({ mac: "ac:cf:23:00:00:01", replyTo: "source" });
 * device.receive(
 *   encode({ kind: "subscribe", mac: device.mac }),
 *   { hostname: "192.0.2.10", port: 40000 },
 * );
 * const [subscriber] = device.subscribers;
 * assert.equal(subscriber?.slot, 0);
 * assert.deepEqual(subscriber?.address, { hostname: "192.0.2.10", port: 40000 });
 * ```
 */
export interface SubscriberInfo {
  /** `IP` in `"port10000"` mode, `IP:port` in `"source"` mode. */
  readonly key: string;
  /** Where replies and `sf` pushes go. */
  readonly address: NetAddress;
  /**
   * The small integer `dc`/`rt`/`tm`/`ts`/`cd` replies carry at offset 18
   * (docs/protocol.md#reply-session-field).
   */
  readonly slot: number;
  /** Whether replies echo the request's session instead of the slot (cloud, 34-byte `cl`). */
  readonly echoesSession: boolean;
  /** Whether this is the emulated cloud link (never expires). */
  readonly cloud: boolean;
  /** When the subscription was last refreshed by `cl` or `hb` (injected clock, ms). */
  readonly refreshedAt: number;
  /** When it lapses unless refreshed (`Infinity` for the cloud link). */
  readonly expiresAt: number;
}
