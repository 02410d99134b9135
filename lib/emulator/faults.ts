/**
 * Seeded, reproducible network faults for an emulated socket: loss both ways, duplication,
 * delay with jitter, and reordering of what the socket sends.
 */
import { numberStream } from "../util/hash.ts";
import { checkInteger, checkNumber } from "../util/range.ts";

/**
 * Options for {@linkcode FaultInjector}. Rates are probabilities from 0 to 1.
 *
 * @example A lossy Wi-Fi link
 * ```ts
 * import type { FaultOptions } from "@s20/s20/emulator";
 *
 * const flaky: FaultOptions = { seed: 7, requestLoss: 0.2, replyLoss: 0.2, duplicate: 0.1 };
 * ```
 */
export interface FaultOptions {
  /**
   * Seed of the pseudo-random sequence; the same seed gives the same faults for the same
   * traffic.
   *
   * @default {1}
   */
  readonly seed?: number;
  /**
   * Chance that a datagram sent to the socket is lost.
   *
   * @default {0}
   */
  readonly requestLoss?: number;
  /**
   * Chance that a datagram the socket sends is lost.
   *
   * @default {0}
   */
  readonly replyLoss?: number;
  /**
   * Chance that a datagram the socket sends arrives twice.
   *
   * @default {0}
   */
  readonly duplicate?: number;
  /**
   * Extra real ms added to everything the socket sends.
   *
   * @default {0}
   */
  readonly delayMs?: number;
  /**
   * Up to this many more real ms, drawn per datagram.
   *
   * @default {0}
   */
  readonly jitterMs?: number;
  /**
   * Chance that a datagram the socket sends is held back by `reorderMs`, so later ones
   * overtake it.
   *
   * @default {0}
   */
  readonly reorder?: number;
  /**
   * How long a reordered datagram is held back, in real ms.
   *
   * @default {40}
   */
  readonly reorderMs?: number;
}

const DOING = "inject faults";
const checkRate = (name: string, value: number) => checkNumber(DOING, name, value, 0, 1);
const checkMs = (name: string, value: number) => checkNumber(DOING, name, value, 0);

/**
 * Decides, from a seeded sequence, what happens to each datagram. Every decision draws a fixed
 * number of values whatever its outcome, so the pattern for the n-th datagram depends only on
 * the seed and on n.
 *
 * @example The same seed gives the same pattern
 * ```ts
 * import { FaultInjector } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * const pattern = (seed: number) => {
 *   const faults = new FaultInjector({ seed, replyLoss: 0.3, duplicate: 0.2 });
 *   return Array.from({ length: 20 }, () => faults.planReply().length);
 * };
 * assert.deepEqual(pattern(42), pattern(42));
 * assert.notDeepEqual(pattern(42), pattern(43));
 * ```
 */
export class FaultInjector {
  #inbound: () => number;
  #outbound: () => number;
  #requestLoss: number;
  #replyLoss: number;
  #duplicate: number;
  #delayMs: number;
  #jitterMs: number;
  #reorder: number;
  #reorderMs: number;

  /**
   * Creates an injector.
   *
   * @param options Rates, delays and seed.
   * @throws {RangeError} If a rate is outside 0–1 or a delay is negative.
   */
  constructor(options: FaultOptions = {}) {
    const seed = options.seed ?? 1;
    checkInteger(DOING, "seed", seed);
    // Two streams, so that traffic in one direction does not shift the other's pattern.
    this.#inbound = numberStream(seed);
    this.#outbound = numberStream(seed ^ 0x5bd1e995);
    this.#requestLoss = checkRate("requestLoss", options.requestLoss ?? 0);
    this.#replyLoss = checkRate("replyLoss", options.replyLoss ?? 0);
    this.#duplicate = checkRate("duplicate", options.duplicate ?? 0);
    this.#reorder = checkRate("reorder", options.reorder ?? 0);
    this.#delayMs = checkMs("delayMs", options.delayMs ?? 0);
    this.#jitterMs = checkMs("jitterMs", options.jitterMs ?? 0);
    this.#reorderMs = checkMs("reorderMs", options.reorderMs ?? 40);
  }

  /** Whether any fault is configured at all. */
  get active(): boolean {
    return this.#requestLoss > 0 || this.#replyLoss > 0 || this.#duplicate > 0 ||
      this.#delayMs > 0 || this.#jitterMs > 0 || this.#reorder > 0;
  }

  /**
   * Decides the fate of the next datagram sent to the socket.
   *
   * @returns `true` when it is lost.
   */
  dropRequest(): boolean {
    return this.#inbound() < this.#requestLoss;
  }

  /**
   * Decides the fate of the next datagram the socket sends.
   *
   * @returns Extra real-time delays, one per copy that arrives: `[]` lost, one entry normally,
   *   two when duplicated.
   */
  planReply(): number[] {
    const lost = this.#outbound() < this.#replyLoss;
    const twice = this.#outbound() < this.#duplicate;
    const delays = [0, 1].map(() => {
      const jitter = this.#outbound() * this.#jitterMs;
      const held = this.#outbound() < this.#reorder ? this.#reorderMs : 0;
      return this.#delayMs + jitter + held;
    });
    if (lost) return [];
    return twice ? delays : delays.slice(0, 1);
  }
}
