/**
 * The realism switches and delays of an emulated socket, checked once when it is created.
 * Internal.
 */
import type { NetAddress } from "../../transport/types.ts";
import type { DeviceTimeSetting } from "../device_clock.ts";
import type { EmulatedDeviceOptions } from "../device_options.ts";
import { checkInteger, checkNumber } from "../../util/range.ts";

/** The port real sockets use. */
export const S20_PORT = 10000;

/** The checked switches and delays. */
export interface DeviceConfig {
  readonly pushOnTimer: boolean;
  readonly dropDuringDiscoveryBurst: boolean;
  readonly discoveryCopies: number;
  readonly discoverySpacingMs: number;
  /** Fixed delays; `undefined`: drawn from the measured latencies. */
  readonly replyDelayMs: number | undefined;
  readonly pushDelayMs: number | undefined;
  readonly pushRepeatMs: number | undefined;
  readonly announceTo: NetAddress;
  readonly announceCount: number;
  readonly announceIntervalMs: number;
  readonly announceEveryMs: number;
  readonly deleteOneShotTimers: boolean;
  readonly refireWhenClockGoesBack: boolean;
  readonly timeAfterBoot: DeviceTimeSetting;
}

/**
 * The switches and delays of `options`, with their defaults.
 *
 * @throws {RangeError} If a count or delay is out of range.
 */
export function deviceConfig(options: EmulatedDeviceOptions): DeviceConfig {
  return {
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
}

/** What a bad option fails to do, in its message. */
export const DOING = "create an emulated socket";

/** `value` if it is a whole number ≥ `min`. @throws {RangeError} Otherwise. */
export function checkCount(name: string, value: number, min: number): number {
  return checkInteger(DOING, name, value, min);
}

/** `value` if it is a finite number of ms ≥ 0. @throws {RangeError} Otherwise. */
export function checkMs(name: string, value: number): number {
  return checkNumber(DOING, name, value, 0);
}

function optionalMs(name: string, value: number | undefined): number | undefined {
  return value === undefined ? undefined : checkMs(name, value);
}
