/**
 * An emulated Orvibo S20 smart socket, faithful to the captured behaviour of real ones
 * (docs/protocol.md#commands to #behaviour): discovery bursts, subscriptions that expire, `dc` acks
 * with `sf` pushes, tables 1/3/4, its own clock with timers in local time, countdowns, button
 * presses, power cuts and factory resets — on UDP or in-process, with seeded network faults and an
 * injectable clock that lets a day pass in seconds.
 *
 * - {@linkcode EmulatedDevice}: the socket as a state machine, no network.
 * - {@linkcode startEmulator}: one socket on UDP; {@linkcode startFleet}: several.
 * - The `s20 emulate` command (`deno task emulate --count 3`) runs a fleet from the command line.
 *
 * @example Switch an emulated socket on with hand-made packets
 * ```ts
 * import { startEmulator } from "@s20/s20/emulator";
 * import { decode, encode } from "@s20/s20";
 * import { listenUdp } from "@s20/s20/transport";
 * import assert from "node:assert/strict";
 *
 * await using emulator = await startEmulator({ hostname: "127.0.0.1", port: 0, replyTo: "source" });
 * const client = listenUdp({ hostname: "127.0.0.1", port: 0 });
 * const mac = emulator.mac;
 * await client.send(encode({ kind: "subscribe", mac }), emulator.address);
 * const replies = client[Symbol.asyncIterator]();
 * const subscribed = decode((await replies.next()).value.data);
 * assert.equal(subscribed.kind, "subscribeReply");
 * await client.send(encode({ kind: "setPower", mac, session: 0, on: true }), emulator.address);
 * const ack = decode((await replies.next()).value.data, { from: "device" });
 * assert.equal(ack.kind, "setPowerReply");
 * assert.equal(emulator.device.on, true);
 * client.close();
 * ```
 *
 * @module
 */
export { EmulatedDevice } from "./device.ts";
export type { CountdownState } from "./device/relay.ts";
export type { EmulatedDeviceOptions, PowerCutOptions, ReceiveOptions } from "./device_options.ts";
export type { DeviceTimeSetting } from "./device_clock.ts";
export type {
  EmulatorEvent,
  OutgoingDatagram,
  RelayCause,
  RelayChange,
  ReplyMode,
  SubscriberInfo,
} from "./types.ts";
export { FaultInjector, type FaultOptions } from "./faults.ts";
export {
  CAPTURED_LATENCIES,
  type CapturedLatency,
  type LatencyKey,
  type ReplyTiming,
} from "./latency.ts";
export {
  type Emulator,
  type EmulatorOptions,
  type EmulatorService,
  startEmulator,
} from "./emulator.ts";
export { type EmulatorFleet, type FleetOptions, startFleet } from "./fleet.ts";
export {
  type AtFaults,
  type AtJoinEvent,
  AtListener,
  type AtListenerOptions,
  type AtModuleState,
  type AtWifiMode,
  startAtListener,
} from "./at_listener.ts";
export {
  type SmartlinkAnnounceOptions,
  SmartlinkListener,
  type SmartlinkListenerOptions,
  type SmartlinkPasswordEvent,
  startSmartlinkListener,
} from "./smartlink_listener.ts";
