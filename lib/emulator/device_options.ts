/** Options of {@linkcode EmulatedDevice}: identity, starting state, time, and realism switches. */
import type { SocketData, TimerRecord } from "../protocol/records.ts";
import type { Clock } from "../time/clock.ts";
import type { NetAddress } from "../transport/types.ts";
import type { DeviceTimeSetting } from "./device_clock.ts";
import type { ReplyTiming } from "./latency.ts";
import type { OutgoingDatagram, ReplyMode } from "./types.ts";

/**
 * Options for {@linkcode EmulatedDevice}. Everything has a default: `new EmulatedDevice()` is a
 * freshly paired socket (factory table 4, relay off, clock in sync) that replies to port 10000.
 *
 * Timing: device semantics (its clock, table-3 timers, countdowns, auto-off, the 300 s
 * subscription lifetime, the boot announcement schedule) run on `clock`; network pacing (the
 * 15 ms between discovery copies, the 50 ms before the second `sf`) is real time, applied by
 * whoever sends the {@linkcode OutgoingDatagram}s.
 *
 * @example A locked, named socket that is on, with a clock that never got set
 * ```ts
 * import { EmulatedDevice, type EmulatedDeviceOptions } from "@s20/s20/emulator";
 * import { factorySocketData } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * const mac = "ac:cf:23:00:00:07";
 * const options: EmulatedDeviceOptions = {
 *   mac,
 *   socketData: { ...factorySocketData(mac), discoverable: false },
 *   name: "Hall light",
 *   on: true,
 *   time: "unset",
 * };
 * using device = new EmulatedDevice(options);
 * assert.equal(device.socketData.name, "Hall light");
 * assert.equal(device.deviceTime, null);
 * ```
 */
export interface EmulatedDeviceOptions {
  /**
   * The socket's MAC address, in any spelling `Mac.parse` accepts.
   *
   * @default {"ac:cf:23:00:00:01"}
   */
  readonly mac?: string;
  /**
   * Model string in discovery replies (docs/protocol.md#discovery).
   *
   * @default {"SOC005"}
   */
  readonly model?: string;
  /**
   * Table 4 at start. Its MAC is used as given (a test may give a table that disagrees).
   *
   * @default {factorySocketData(mac) (docs/protocol.md#boot-and-factory-defaults)}
   */
  readonly socketData?: SocketData;
  /**
   * Sets table 4's name at start (applied after `socketData`); `null` leaves "never set".
   *
   * @default {the name in socketData}
   */
  readonly name?: string | null;
  /**
   * Table 3 at start.
   *
   * @default {[]}
   */
  readonly timers?: readonly TimerRecord[];
  /**
   * Table 4's version at start (1 after a factory reset, docs/protocol.md#table-1).
   *
   * @default {1}
   */
  readonly socketDataVersion?: number;
  /**
   * Table 3's version at start; the pastebin's socket with two timers listed 2, so the
   * counter is taken to start at 0 with an empty table.
   *
   * @default {0}
   */
  readonly timersVersion?: number;
  /**
   * Relay state at start.
   *
   * @default {false}
   */
  readonly on?: boolean;
  /**
   * Source of time for everything the socket does on its own (see above).
   *
   * @default {systemClock}
   */
  readonly clock?: Clock;
  /**
   * The device clock at start: `"synced"` (what `clock` says), `"unset"` (counting from
   * 2000-01-01), `"zero"` (stopped at 0) or a given instant.
   *
   * @default {"synced"}
   */
  readonly time?: DeviceTimeSetting;
  /**
   * The device clock after a power cut or reboot: `"unset"` (from 2000-01-01, c1/c3), `"zero"`
   * or `"synced"` (SNTP reachable).
   *
   * @default {"unset"}
   */
  readonly timeAfterBoot?: "synced" | "unset" | "zero";
  /**
   * Where replies and pushes go (open question Q1).
   *
   * @default {"port10000"}
   */
  readonly replyTo?: ReplyMode;
  /**
   * The port `"port10000"` mode replies to.
   *
   * @default {10000}
   */
  readonly replyPort?: number;
  /**
   * Emulate a linked cloud server at this address: it holds slot 0 for good (so LAN clients get
   * slot 1 and up, as in captures 1 and 4), its requests are answered with their session echoed
   * without a `cl`, it gets every `sf`, and `mp` is relayed to it
   * (docs/protocol.md#remote-password). The socket's own cloud traffic (`dl`, `hb`, `gt`) is not
   * emulated. `null`: no cloud, like capture 2.
   *
   * @default {null}
   */
  readonly cloud?: NetAddress | null;
  /**
   * Subscription lifetime after the last `cl` or `hb` (measured 241–312 s,
   * docs/protocol.md#subscriptions).
   *
   * @default {300_000}
   */
  readonly subscriptionTtlMs?: number;
  /**
   * Push `sf` to subscribers when a timer, countdown or auto-off switches the relay (Q4 unknown).
   *
   * @default {true}
   */
  readonly pushOnTimer?: boolean;
  /**
   * Ignore every request that arrives while a discovery burst is going out
   * (docs/protocol.md#subscribe, #loss-and-duplicates: captured `cl`s were dropped; that other
   * commands are dropped too is an inference).
   *
   * @default {true}
   */
  readonly dropDuringDiscoveryBurst?: boolean;
  /**
   * Copies of each `qa`/`qg` reply (docs/protocol.md#discovery).
   *
   * @default {10}
   */
  readonly discoveryCopies?: number;
  /**
   * Real ms between discovery copies (docs/protocol.md#discovery).
   *
   * @default {15}
   */
  readonly discoverySpacingMs?: number;
  /**
   * How long the socket takes to answer: `"captured"` draws every delay, seeded, from what the
   * real socket took in the captures (`CAPTURED_LATENCIES`: a `dc` ack 13–257 ms, a
   * `cl` reply 8–294 ms, the first discovery copy 11–298 ms, …); `"instant"` answers at once
   * (benchmarks and tests that need speed, not realism). The three fixed delays below override
   * either.
   *
   * @default {"captured"}
   */
  readonly timing?: ReplyTiming;
  /**
   * Seed of the drawn delays; the MAC is mixed in, so each socket of a fleet draws its own.
   *
   * @default {1}
   */
  readonly timingSeed?: number;
  /**
   * A fixed real-ms delay between every request and its (first) reply, in place of the drawn
   * one.
   *
   * @default {drawn per request, by `timing`}
   */
  readonly replyDelayMs?: number;
  /**
   * A fixed real-ms delay between a `dc` ack and the first round of `sf` (captured: 4–22 ms).
   *
   * @default {drawn per dc, by `timing`}
   */
  readonly pushDelayMs?: number;
  /**
   * A fixed real-ms delay between the two rounds of `sf` (captured: 38–53 ms).
   *
   * @default {drawn per push; 50 with "instant" timing}
   */
  readonly pushRepeatMs?: number;
  /**
   * Destination of boot announcements (docs/protocol.md#announcements). The network layer defaults
   * it to the /24 broadcast of its bound address; point it at a test client on loopback.
   *
   * @default {{ hostname: "255.255.255.255", port: 10000 }}
   */
  readonly announceTo?: NetAddress;
  /**
   * Announcements per burst (docs/protocol.md#announcements).
   *
   * @default {21}
   */
  readonly announceCount?: number;
  /**
   * Ms on `clock` between two announcements of a burst (docs/protocol.md#announcements).
   *
   * @default {3170}
   */
  readonly announceIntervalMs?: number;
  /**
   * Repeat the burst this often on `clock` (~600 000 with a cloud link,
   * docs/protocol.md#announcements); 0 = only at boot.
   *
   * @default {0}
   */
  readonly announceEveryMs?: number;
  /**
   * Behave as if just powered on: send the announcement burst at start.
   *
   * @default {false}
   */
  readonly announceOnStart?: boolean;
  /**
   * Delete a one-shot timer once it fired (Q5 unknown).
   *
   * @default {false}
   */
  readonly deleteOneShotTimers?: boolean;
  /**
   * Fire a table-3 timer again when the socket's wall clock passes its time a second time,
   * as it does after a zone change moves the clock back at a DST fall-back (Q unknown: the
   * real firmware has not been observed across one). `false` fires each wall time at most
   * once until the clock is set (`cs`), which hides a second firing.
   *
   * @default {false}
   */
  readonly refireWhenClockGoesBack?: boolean;
  /**
   * Most timers table 3 holds; further adds get no ack (Q3 unknown; ~48 fit one datagram).
   *
   * @default {48}
   */
  readonly maxTimers?: number;
  /**
   * Real-time source (ms) used to tell whether a discovery burst is still going out; a replay
   * harness passes its own.
   *
   * @default {performance.now}
   */
  readonly networkNow?: () => number;
  /**
   * Receives every datagram the device produces.
   *
   * @default {discard}
   */
  readonly output?: (datagram: OutgoingDatagram) => void;
}

/**
 * Per-request options of {@linkcode EmulatedDevice.receive}.
 *
 * @example Replay a request with the latency a real socket showed
 * ```ts
 * import { EmulatedDevice, type ReceiveOptions } from "@s20/s20/emulator";
 * import { fromHex } from "@s20/s20";
 *
 * using device = new EmulatedDevice();
 * const options: ReceiveOptions = { replyDelayMs: 183 };
 * device.receive(fromHex("68 64 00 06 71 61"), { hostname: "192.0.2.10", port: 10000 }, options);
 * ```
 */
export interface ReceiveOptions {
  /**
   * Real ms before the first reply to this request.
   *
   * @default {the device's replyDelayMs}
   */
  readonly replyDelayMs?: number;
}

/**
 * Options of {@linkcode EmulatedDevice.powerCut} and {@linkcode EmulatedDevice.factoryReset}.
 *
 * @example Keep a socket unplugged until told
 * ```ts
 * import { EmulatedDevice, type PowerCutOptions } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * using device = new EmulatedDevice();
 * const unplugged: PowerCutOptions = { offMs: Infinity };
 * device.powerCut(unplugged);
 * assert.equal(device.powered, false);
 * device.powerOn();
 * assert.equal(device.powered, true);
 * ```
 */
export interface PowerCutOptions {
  /**
   * How long the socket stays off, in ms of the device's clock source; `Infinity` waits for
   * {@linkcode EmulatedDevice.powerOn}.
   *
   * @default {0}
   */
  readonly offMs?: number;
}
