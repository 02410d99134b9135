/**
 * s20: control Orvibo S20 Wi-Fi sockets on the LAN, with no cloud.
 *
 * This module holds the protocol codec (`decode`, `encode` and the types they use), the UDP
 * client (`S20Client` and the `Controller` interfaces it shares with the daemon's client), the
 * errors, and `connect()`, which goes through a running s20 daemon when there is one (it owns
 * UDP port 10000) and else talks UDP itself.
 *
 * Every symbol has one home. The subpath exports hold the rest: clocks at `@s20/s20/time`, the
 * UDP transport at `@s20/s20/transport`, the emulator at `@s20/s20/emulator`, the schedule
 * language at `@s20/s20/schedule`, the daemon at `@s20/s20/scheduler`, its local API at
 * `@s20/s20/api` and Wi-Fi pairing at `@s20/s20/pairing`.
 *
 * This file is the facade at the top of the layers: it re-exports from `lib/` and nothing in
 * `lib/` imports it (tests/layering_test.ts checks both), so re-exporting `connect` from the api
 * layer makes no cycle.
 *
 * @example Decode a packet captured from a real socket
 * ```ts
 * import { decode, fromHex } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * const message = decode(fromHex("68 64 00 17 73 66 ac cf 23 35 e6 aa 20 20 20 20 20 20 00 00 00 00 01"));
 * assert.deepEqual(message, { kind: "stateReport", mac: "ac:cf:23:35:e6:aa", session: 0, on: true });
 * ```
 *
 * @module
 */
export * from "./lib/protocol/mod.ts";
export * from "./lib/errors.ts";
export {
  defaultTargets,
  discover,
  discoverAll,
  S20Client,
  type S20ClientOptions,
} from "./lib/client/client.ts";
export {
  type CallOptions,
  type ClockReading,
  type Countdown,
  type DiscoveredSocket,
  type DiscoverOptions,
  type IconName,
  ICONS,
} from "./lib/client/types.ts";
// A type only: its constructor takes the client's internal context; S20Client.socket() makes one.
export type { S20Socket } from "./lib/client/socket.ts";
export type { S20Event } from "./lib/client/events.ts";
export type { Controller, EventsOptions, SocketController } from "./lib/client/controller.ts";
export { findSocketByName, socketNames } from "./lib/client/find_by_name.ts";
export type { DiscoveryTarget, SocketTarget } from "./lib/client/targets.ts";
export {
  type TimerSpec,
  type TimerView,
  timerView,
  type Weekday,
} from "./lib/client/timer_spec.ts";
export { connect, type ConnectOptions } from "./lib/api/connect.ts";
export { DaemonInsecureError, DaemonUnavailableError } from "./lib/api/errors.ts";
