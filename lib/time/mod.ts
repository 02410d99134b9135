/**
 * Clocks: time as an input. The client, the emulator and the scheduler take a
 * {@linkcode Clock} (by default {@linkcode systemClock}); give them one
 * {@linkcode VirtualClock} and a day of timers, subscriptions and schedules runs in seconds.
 *
 * IANA zone facts stay inside the library: `S20Socket.setTimeZone` takes a zone name, and the
 * schedule reads local times in the file's zone.
 *
 * @example Let an hour pass at once
 * ```ts
 * import { sleep, VirtualClock } from "@s20/s20/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new VirtualClock({ start: "2026-03-29T00:00:00Z" });
 * const woke = sleep(clock, 3600_000);
 * await clock.advance(3600_000);
 * await woke;
 * assert.equal(new Date(clock.now()).toISOString(), "2026-03-29T01:00:00.000Z");
 * ```
 *
 * @module
 */
export {
  type Clock,
  type ClockTimer,
  sleep,
  systemClock,
  VirtualClock,
  type VirtualClockOptions,
} from "./clock.ts";
