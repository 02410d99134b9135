/**
 * The socket's own clock (docs/protocol.md#device-clock): a reading that runs on the injected
 * {@linkcode Clock} from an offset, set by `cs`, and that starts over after a power cut.
 */
import { dateToDeviceTime, NTP_UNIX_OFFSET_SECONDS } from "../protocol/device_time.ts";
import type { Clock } from "../time/clock.ts";

/**
 * What the device clock reads at start or after a boot:
 * - a `Date` (or ms since 1970): that instant, then counting;
 * - `"synced"`: the injected clock's time, as if SNTP had answered;
 * - `"unset"`: 2000-01-01T00:00:00Z, then counting (reboot without a time source, c1/c3);
 * - `"zero"`: reads 0 and stands still until `cs` (after a factory reset, c2 read 0 for 4 min).
 *
 * @example A socket whose clock restarted from 2000-01-01
 * ```ts
 * import { type DeviceTimeSetting, EmulatedDevice } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * const time: DeviceTimeSetting = "unset";
 * using device = new EmulatedDevice({ time });
 * assert.equal(device.deviceTime, null); // before 2001: unset (docs/protocol.md#device-clock)
 * assert.ok(device.clockReading >= 3_155_673_600); // 2000-01-01 in seconds since 1900
 * ```
 */
export type DeviceTimeSetting = Date | number | "synced" | "unset" | "zero";

/** Where an unset clock restarts from after a power cut (captures c1/c3, HankB). */
const UNSET_EPOCH_MS = Date.UTC(2000, 0, 1);

/** The device clock: `deviceMs = clock.now() + offset`, or stopped at 0. */
export class DeviceClock {
  #clock: Clock;
  /** `null` while stopped at reading 0. */
  #offset: number | null = 0;

  constructor(clock: Clock, setting: DeviceTimeSetting) {
    this.#clock = clock;
    this.set(setting);
  }

  /** Restarts the clock from a setting. */
  set(setting: DeviceTimeSetting): void {
    const now = this.#clock.now();
    if (setting === "zero") this.#offset = null;
    else if (setting === "synced") this.#offset = 0;
    else if (setting === "unset") this.#offset = UNSET_EPOCH_MS - now;
    else {
      const ms = setting instanceof Date ? setting.getTime() : setting;
      if (!Number.isFinite(ms)) throw new RangeError(`Cannot set the device clock to "${setting}"`);
      this.#offset = ms - now;
    }
  }

  /** Sets the clock from a `cs` reading (u32 seconds since 1900). */
  setReading(raw: number): void {
    this.#offset = (raw - NTP_UNIX_OFFSET_SECONDS) * 1000 - this.#clock.now();
  }

  /** Device UTC in ms since 1970, or `null` while the clock stands at 0. */
  nowMs(): number | null {
    return this.#offset === null ? null : this.#clock.now() + this.#offset;
  }

  /** The u32 reading a `qa`/`qg` reply carries (whole seconds, wrapping in 2036). */
  reading(): number {
    const ms = this.nowMs();
    if (ms === null) return 0;
    // Readings before 1900 cannot be encoded; a socket cannot be set that early anyway.
    return ms < -NTP_UNIX_OFFSET_SECONDS * 1000 ? 0 : dateToDeviceTime(new Date(ms));
  }
}
