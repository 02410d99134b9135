/**
 * Time as an input. Everything that reads "now" or waits for an instant of wall time (device
 * clocks, timers, subscription lifetimes, schedules) takes a {@linkcode Clock}, so tests and
 * demos can run a day in seconds. Network pacing (retries, reply bursts) stays on real time.
 */

/**
 * A pending timer; `cancel()` is harmless after it fired.
 *
 * @example
 * ```ts
 * import { systemClock } from "@s20/s20/time";
 *
 * const timer = systemClock.setTimer(() => {}, 1000);
 * timer.cancel();
 * ```
 */
export interface ClockTimer {
  /** Stops the timer if it has not fired. */
  cancel(): void;
}

/**
 * A source of wall time and of timers that fire at a point of that time.
 *
 * @example Wait on any clock
 * ```ts
 * import { type Clock, systemClock } from "@s20/s20/time";
 *
 * function later(clock: Clock, ms: number): Promise<void> {
 *   return new Promise((resolve) => clock.setTimer(resolve, ms));
 * }
 * await later(systemClock, 1);
 * ```
 */
export interface Clock {
  /** Milliseconds since 1970-01-01T00:00:00Z. */
  now(): number;
  /** Calls `callback` once `delayMs` of this clock's time has passed. */
  setTimer(callback: () => void, delayMs: number): ClockTimer;
}

/**
 * The host's clock and timers.
 *
 * @example
 * ```ts
 * import { systemClock } from "@s20/s20/time";
 *
 * const now = new Date(systemClock.now());
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback: () => void, delayMs: number): ClockTimer {
    // setTimeout clamps delays above 2^31-1 ms to 1 ms; re-arm in steps instead.
    const MAX = 0x7fffffff;
    let handle: ReturnType<typeof setTimeout>;
    const due = Date.now() + delayMs;
    const arm = () => {
      const left = due - Date.now();
      handle = setTimeout(left > MAX ? arm : callback, Math.max(0, Math.min(left, MAX)));
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  },
};

/**
 * Waits `ms` of a clock's time; rejects with the signal's reason when aborted.
 *
 * @example
 * ```ts
 * import { sleep, systemClock } from "@s20/s20/time";
 *
 * await sleep(systemClock, 1);
 * ```
 *
 * @param clock The clock to wait on.
 * @param ms How long.
 * @param signal Cancels the wait.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      timer.cancel();
      reject(signal!.reason);
    };
    const timer = clock.setTimer(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

interface VirtualTimer {
  due: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

/**
 * Options for {@linkcode VirtualClock}.
 *
 * @example
 * ```ts
 * import type { VirtualClockOptions } from "@s20/s20/time";
 *
 * const aDayPerMinute: VirtualClockOptions = { start: "2026-06-21T00:00:00Z", speed: 1440 };
 * ```
 */
export interface VirtualClockOptions {
  /**
   * Where time starts.
   *
   * @default {the host's current time}
   */
  readonly start?: Date | string | number;
  /**
   * How many virtual milliseconds pass per real millisecond; 0 stops time so that only
   * {@linkcode VirtualClock.advance} moves it.
   *
   * @default {0}
   */
  readonly speed?: number;
}

/**
 * A clock whose time is driven by a test ({@linkcode VirtualClock.advance}) or runs `speed`
 * times faster than real time, or both. Timers fire in due order with `now()` equal to their
 * due time while they run.
 *
 * @example Advance an hour at once
 * ```ts
 * import { VirtualClock } from "@s20/s20/time";
 * import assert from "node:assert/strict";
 *
 * const clock = new VirtualClock({ start: "2026-03-29T00:30:00Z" });
 * const fired: string[] = [];
 * clock.setTimer(() => fired.push(new Date(clock.now()).toISOString()), 30 * 60_000);
 * await clock.advance(3600_000);
 * assert.deepEqual(fired, ["2026-03-29T01:00:00.000Z"]);
 * assert.equal(new Date(clock.now()).toISOString(), "2026-03-29T01:30:00.000Z");
 * ```
 */
export class VirtualClock implements Clock {
  #base: number;
  #realBase: number;
  #speed: number;
  #timers: VirtualTimer[] = [];
  #seq = 0;
  #pinned: number | null = null;
  #realTimer: ReturnType<typeof setTimeout> | undefined;
  #advancing = false;

  /**
   * Creates a clock.
   *
   * @param options Start instant and speed.
   */
  constructor(options: VirtualClockOptions = {}) {
    const { start = Date.now(), speed = 0 } = options;
    const base = start instanceof Date ? start.getTime() : new Date(start).getTime();
    if (Number.isNaN(base)) throw new RangeError(`Cannot start a virtual clock at "${start}"`);
    if (!(speed >= 0) || !Number.isFinite(speed)) {
      throw new RangeError(`Cannot run a virtual clock at speed ${speed}: use a number ≥ 0`);
    }
    this.#base = base;
    this.#realBase = performance.now();
    this.#speed = speed;
  }

  /** Virtual milliseconds per real millisecond. */
  get speed(): number {
    return this.#speed;
  }

  /** Changes the speed from now on (0 stops time); pending timers keep their virtual due time. */
  set speed(speed: number) {
    if (!(speed >= 0) || !Number.isFinite(speed)) {
      throw new RangeError(`Cannot run a virtual clock at speed ${speed}: use a number ≥ 0`);
    }
    this.#rebase(this.now());
    this.#speed = speed;
    this.#armReal();
  }

  /**
   * The current virtual time.
   *
   * @returns Milliseconds since 1970.
   */
  now(): number {
    if (this.#pinned !== null) return this.#pinned;
    // Whole milliseconds, as Date.now() gives: Temporal and dates need integers.
    return Math.floor(this.#base + (performance.now() - this.#realBase) * this.#speed);
  }

  /**
   * Starts a timer on virtual time.
   *
   * @param callback Called once the delay has passed in virtual time.
   * @param delayMs Virtual milliseconds.
   * @returns The timer.
   */
  setTimer(callback: () => void, delayMs: number): ClockTimer {
    const timer: VirtualTimer = {
      due: this.now() + Math.max(0, delayMs),
      seq: this.#seq++,
      callback,
      cancelled: false,
    };
    this.#insert(timer);
    this.#armReal();
    return {
      cancel: () => {
        if (timer.cancelled) return;
        timer.cancelled = true;
        const i = this.#timers.indexOf(timer);
        if (i >= 0) this.#timers.splice(i, 1);
        if (this.#timers.length === 0) this.#disarmReal();
      },
    };
  }

  /** Number of timers waiting. */
  get pending(): number {
    return this.#timers.length;
  }

  /**
   * Moves time forward by `ms`, firing due timers in order. After each fired timer it lets
   * the work that timer started finish before time moves on: it waits `settle` real
   * milliseconds, or awaits `settle()` (such as a daemon's `idle()`), with time held at the
   * timer's due instant.
   *
   * @param ms Virtual milliseconds to move.
   * @param settle Real milliseconds to wait, or a function to await, after each fired timer.
   */
  async advance(ms: number, settle: number | (() => Promise<void>) = 0): Promise<void> {
    if (this.#advancing) throw new Error("Cannot advance a virtual clock twice at once");
    this.#advancing = true;
    try {
      const target = this.now() + ms;
      while (this.#timers.length > 0 && this.#timers[0]!.due <= target) {
        const timer = this.#timers.shift()!;
        this.#pinned = timer.due;
        try {
          timer.callback();
        } finally {
          this.#rebase(timer.due);
        }
        if (typeof settle === "number") await new Promise((r) => setTimeout(r, settle));
        else {
          // Yield first so the timer's own continuations have started.
          await new Promise((r) => setTimeout(r, 0));
          await settle();
        }
        this.#pinned = null;
      }
      this.#rebase(Math.max(target, this.now()));
    } finally {
      this.#pinned = null;
      this.#advancing = false;
      this.#armReal();
    }
  }

  /** Cancels every pending timer (for test teardown). */
  dispose(): void {
    for (const timer of this.#timers) timer.cancelled = true;
    this.#timers = [];
    this.#disarmReal();
  }

  #rebase(at: number): void {
    this.#base = at;
    this.#realBase = performance.now();
  }

  #insert(timer: VirtualTimer): void {
    let lo = 0;
    let hi = this.#timers.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.#timers[mid]!;
      if (other.due < timer.due || (other.due === timer.due && other.seq < timer.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.#timers.splice(lo, 0, timer);
  }

  #disarmReal(): void {
    if (this.#realTimer !== undefined) clearTimeout(this.#realTimer);
    this.#realTimer = undefined;
  }

  /** In flowing mode, one real timeout waits for the earliest virtual timer. */
  #armReal(): void {
    this.#disarmReal();
    if (this.#speed === 0 || this.#advancing || this.#timers.length === 0) return;
    const wait = Math.max(0, Math.ceil((this.#timers[0]!.due - this.now()) / this.#speed));
    this.#realTimer = setTimeout(() => this.#fireDue(), wait);
  }

  #fireDue(): void {
    this.#realTimer = undefined;
    const now = this.now();
    while (this.#timers.length > 0 && this.#timers[0]!.due <= now) {
      const timer = this.#timers.shift()!;
      try {
        timer.callback();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
    this.#armReal();
  }
}
