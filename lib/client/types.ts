/**
 * The shapes that the client's calls take and return, kept apart from the classes that
 * implement them: `controller.ts` describes what any controller does in these terms, and
 * `client.ts` and `socket.ts` implement it, so none of the three needs the others' code.
 * `ICONS` is here because {@linkcode IconName} is drawn from it.
 */
import type { Mac } from "../protocol/mac.ts";
import type { NetAddress } from "../transport/types.ts";
import type { DiscoveryTarget } from "./targets.ts";

/**
 * Per-call options: a timeout for the whole operation (subscribe, resends and read-backs
 * included) and a signal to cancel it.
 *
 * @example
 * ```ts
 * import type { CallOptions } from "@s20/s20";
 *
 * const quick: CallOptions = { timeout: 1500, signal: AbortSignal.timeout(2000) };
 * ```
 */
export interface CallOptions {
  /** Cancels the call; it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Milliseconds before the call gives up with `DeviceTimeoutError`.
   *
   * @default {the client's `timeout`}
   */
  readonly timeout?: number;
}

/**
 * A socket's clock compared with ours.
 *
 * @example
 * ```ts
 * import type { ClockReading } from "@s20/s20";
 *
 * const reading: ClockReading = { raw: 0, time: null, skewMs: null, uncertaintyMs: 0 };
 * ```
 */
export interface ClockReading {
  /** The raw u32 reading. */
  readonly raw: number;
  /** The socket's time, or `null` when its clock is unset (after a power cut). */
  readonly time: Date | null;
  /** Socket time minus our time, in ms; `null` when unset. */
  readonly skewMs: number | null;
  /** How far off `skewMs` may be: half the round trip, in ms of our clock. */
  readonly uncertaintyMs: number;
}

/**
 * A running one-off countdown.
 *
 * @example
 * ```ts
 * import type { Countdown } from "@s20/s20";
 *
 * const countdown: Countdown = { action: "off", seconds: 600 };
 * ```
 */
export interface Countdown {
  /** What happens at zero. */
  readonly action: "on" | "off";
  /** Seconds left. */
  readonly seconds: number;
}

/**
 * Icon numbers of table 4 (docs/protocol.md#table-4).
 *
 * @example
 * ```ts
 * import { ICONS } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * assert.equal(ICONS.fan, 1);
 * ```
 */
export const ICONS = {
  bulb: 0,
  fan: 1,
  thermostat: 2,
  switch: 3,
  "socket-us": 4,
  "socket-au": 5,
} as const;

/**
 * An icon name of {@linkcode ICONS}.
 *
 * @example
 * ```ts
 * import type { IconName } from "@s20/s20";
 *
 * const icon: IconName = "bulb";
 * ```
 */
export type IconName = keyof typeof ICONS;

/**
 * Options for {@linkcode S20Client.discover} and {@linkcode discover}.
 *
 * @example
 * ```ts
 * import type { DiscoverOptions } from "@s20/s20";
 *
 * const options: DiscoverOptions = { timeout: 2000, targets: ["192.168.1.255"] };
 * ```
 */
export interface DiscoverOptions {
  /**
   * How long to listen, in milliseconds; probes repeat through the window.
   *
   * @default {3000}
   */
  readonly timeout?: number;
  /**
   * Where to probe.
   *
   * @default {every IPv4 interface's broadcast address, and 255.255.255.255}
   */
  readonly targets?: readonly DiscoveryTarget[];
  /** Ends the discovery; the iteration throws the signal's reason. */
  readonly signal?: AbortSignal;
  /** Called when a probe cannot be sent (no route, interface down); discovery goes on. */
  readonly onProbeError?: (address: NetAddress, error: Error) => void;
}

/**
 * A socket that answered discovery.
 *
 * @example
 * ```ts
 * import type { DiscoveredSocket } from "@s20/s20";
 *
 * function line(s: DiscoveredSocket): string {
 *   return `${s.mac} ${s.ip} ${s.model} ${s.on ? "on" : "off"} skew ${s.clockSkew ?? "unset"}`;
 * }
 * ```
 */
export interface DiscoveredSocket {
  /** Its MAC address. */
  readonly mac: Mac;
  /** The IPv4 address it answered from. */
  readonly ip: string;
  /** The UDP port it answered from (10000 for real sockets). */
  readonly port: number;
  /** `SOC005` and the like; `IRD…` for AllOne IR blasters. */
  readonly model: string;
  /** Relay state; `null` for devices without one (AllOne). */
  readonly on: boolean | null;
  /** The socket's clock, or `null` when unset. */
  readonly clock: Date | null;
  /** Socket clock minus ours, in ms; `null` when unset. */
  readonly clockSkew: number | null;
}
