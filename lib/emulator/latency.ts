/**
 * How long a real S20 takes to answer, as measured in the four published captures, and a
 * seeded draw from those measurements: the emulator's default reply timing.
 */
import { numberStream } from "../util/hash.ts";

/**
 * What an emulated socket's delays are modelled on: `"captured"` draws each from
 * {@linkcode CAPTURED_LATENCIES}, `"instant"` answers with no delay (benchmarks, fast tests).
 *
 * @example
 * ```ts
 * import type { ReplyTiming } from "@s20/s20/emulator";
 *
 * const forBenchmarks: ReplyTiming = "instant";
 * ```
 */
export type ReplyTiming = "captured" | "instant";

/**
 * The delays an emulated socket draws, by what it answers: `qa`/`qg` (first discovery copy),
 * `cl`, `dc` (its ack), `hb`, `rt` (tables 1 and 3), `rt4` (table 4), `tm` (every table write),
 * `cs`, `cd`, `ts`, `mp`; `sf` is a `dc` ack to the first `sf`, `sf2` the first round of `sf` to
 * the second.
 *
 * @example
 * ```ts
 * import type { LatencyKey } from "@s20/s20/emulator";
 *
 * const key: LatencyKey = "dc";
 * ```
 */
export type LatencyKey =
  | "qa"
  | "qg"
  | "cl"
  | "dc"
  | "sf"
  | "sf2"
  | "hb"
  | "rt"
  | "rt4"
  | "tm"
  | "cs"
  | "cd"
  | "ts"
  | "mp";

/**
 * Measured latencies of one kind of answer.
 *
 * @example
 * ```ts
 * import { CAPTURED_LATENCIES, type CapturedLatency } from "@s20/s20/emulator";
 *
 * const ack: CapturedLatency = CAPTURED_LATENCIES.dc;
 * console.log(`dc ack ${ack.samples[0]}–${ack.samples.at(-1)} ms over ${ack.samples.length}`);
 * ```
 */
export interface CapturedLatency {
  /** Every measured latency in whole ms, smallest first. */
  readonly samples: readonly number[];
  /** Where they were measured: capture number and frame of each request. */
  readonly source: string;
}

/**
 * The real socket's latencies, in ms, from `../shared/captures` (Jollyjohn/wireshark.orvibo,
 * one S20 with firmware 26 and its phone app, January 2016; c1–c4 are its four captures, `#N` a
 * frame). Requests from the app on the LAN only (`cd`: the cloud's, the only ones); a reply
 * belongs to the latest unanswered request of its command from where it goes, within 2 s.
 * `tests/emulator/latency_test.ts` measures the captures again and compares. They are wider
 * than the summary of docs/protocol.md#latencies: the long tails (a `dc` ack after 257 ms, an `hb`
 * reply after 1.2 s) are real, most likely the socket's Wi-Fi power saving.
 *
 * @example The range of a `dc` acknowledgement
 * ```ts
 * import { CAPTURED_LATENCIES } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * const { samples } = CAPTURED_LATENCIES.dc;
 * assert.deepEqual([samples[0], samples.at(-1)], [13, 257]);
 * ```
 */
export const CAPTURED_LATENCIES: Readonly<Record<LatencyKey, CapturedLatency>> = {
  qa: {
    samples: [11, 12, 22, 25, 29, 32, 199, 219, 298],
    source: "c1#121 #138 #150, c2#718 #742 #762 #1041 #1058 #1075",
  },
  qg: {
    samples: [14, 16, 16, 19, 20, 26, 32, 32, 43, 183, 274],
    source: "c1#204 #226 #243 #261, c4#83 #366 #462 #2232 #2475 #2709 #2844",
  },
  cl: {
    samples: [8, 9, 11, 13, 19, 23, 24, 26, 27, 29, 34, 160, 294],
    source: "c1#162 #216 #241 #274, c2#779 #1095, c4#101 #380 #477 #2247 #2490 #2724 #2861",
  },
  dc: {
    samples: [13, 13, 14, 14, 17, 24, 24, 27, 32, 34, 34, 36, 128, 146, 169, 223, 256, 257],
    source: "c2#790 #801 #870 #879 #1109 #1117, c4#103 #384 #487 #2261 #2307 #2415 #2437 " +
      "#2726 #2929 #2943 #3099 #3275",
  },
  sf: {
    samples: [4, 4, 4, 4, 4, 5, 6, 6, 7, 7, 8, 8, 8, 8, 9, 10, 10, 22],
    source: "after the dc acks above",
  },
  sf2: {
    samples: [38, 43, 44, 45, 45, 45, 47, 50, 52, 52, 52, 52, 52, 52, 52, 53, 53, 53],
    source: "after the dc acks above",
  },
  hb: {
    samples: [
      ...[3, 4, 5, 5, 9, 11, 12, 14, 15, 16, 16, 16, 19, 19, 20, 21, 24, 24, 24, 25, 26, 27, 28],
      ...[33, 34, 34, 88, 96, 111, 111, 123, 135, 155, 162, 165, 179, 180, 197, 215, 232, 238],
      ...[251, 255, 266, 266, 269, 271, 1166],
    ],
    source: "c4: 48 hb of the app, #135 to #3211",
  },
  rt: { samples: [7, 10, 18, 26], source: "table 1: c1#164, c2#781 #1097, c4#2249" },
  rt4: {
    samples: [4, 6, 10, 11, 17, 19, 22, 37, 142, 223],
    source: "c1#166 #190 #194 #218 #276, c2#783 #1099, c4#2251 #2782 #2857",
  },
  tm: {
    samples: [45, 48, 59, 65, 66, 72, 296],
    source: "c1#174 #192 #196, c2#847, c4#2257 #2784 #2859",
  },
  cs: { samples: [19], source: "c4#2259" },
  cd: { samples: [36], source: "c3#123 (from the cloud)" },
  ts: { samples: [122, 208], source: "c1#222 #278" },
  mp: { samples: [118], source: "c1#182 (through the cloud)" },
};

/**
 * Draws latencies, seeded: a uniform point on the measured quantile curve (linear between
 * neighbouring samples), so every draw lies in the measured range and long tails stay as rare
 * as they were. `"instant"` timing draws 0 for everything but `sf2`, which stays 50 ms (the two
 * `sf` rounds are what the socket sends, not how slowly).
 *
 * (Internal: the device draws through it; `tests/emulator/latency_test.ts` checks it.)
 */
export class LatencyDraw {
  readonly #timing: ReplyTiming;
  readonly #random: () => number;

  /**
   * @param timing Captured delays or none.
   * @param seed Seed of the sequence (32-bit integer).
   */
  constructor(timing: ReplyTiming, seed: number) {
    this.#timing = timing;
    this.#random = numberStream(seed);
  }

  /**
   * The next delay for an answer of this kind.
   *
   * @param key What is being answered.
   * @returns Real ms to wait, rounded to whole ms.
   */
  next(key: LatencyKey): number {
    if (this.#timing === "instant") return key === "sf2" ? 50 : 0;
    const { samples } = CAPTURED_LATENCIES[key];
    const at = this.#random() * (samples.length - 1);
    const low = samples[Math.floor(at)]!;
    const high = samples[Math.ceil(at)]!;
    return Math.round(low + (high - low) * (at - Math.floor(at)));
  }
}
