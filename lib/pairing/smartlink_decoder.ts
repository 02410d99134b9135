/**
 * The receiving side of smartlink (docs/protocol.md#smartlink): recovers the password from datagram
 * lengths, one at a time, as the socket does when it sniffs the air. Pure: no I/O, no clock.
 */
import { SMARTLINK } from "./smartlink.ts";
import { WifiKey } from "./wifi_key.ts";
import { checkInteger } from "../util/range.ts";

/** Longest password a checksum can announce: a 64-digit PSK. */
const MAX_PASSWORD = 64;
/** Printable ASCII, the only characters a WPA passphrase holds; other offsets are noise. */
const FIRST_CHAR = 0x20;
const LAST_CHAR = 0x7e;
/** Characters one cycle may collect before it is dropped as noise. */
const MAX_CHARS = 4 * MAX_PASSWORD;
/** Ambiguous repairs of one cycle are given up beyond this many readings. */
const MAX_READINGS = 64;

/**
 * Options for {@linkcode SmartlinkDecoder}.
 *
 * @example
 * ```ts
 * import type { SmartlinkDecoderOptions } from "@s20/s20/pairing";
 *
 * const udp: SmartlinkDecoderOptions = { base: 76 };
 * ```
 */
export interface SmartlinkDecoderOptions {
  /**
   * How many equal lengths in a row lock the base while searching. The preamble has 200, so a
   * lot of them may be lost.
   *
   * @default {10}
   */
  readonly lockAfter?: number;
  /**
   * A base known in advance (76 for UDP payload lengths), which skips the search. On the air,
   * frame lengths add a constant overhead, which is why the socket learns the base.
   *
   * @default {null (learn it from the preamble)}
   */
  readonly base?: number | null;
}

/**
 * Where a {@linkcode SmartlinkDecoder} is: looking for the preamble, locked and waiting for a
 * start marker, inside a cycle, or finished.
 *
 * @example
 * ```ts
 * import type { SmartlinkDecoderStatus } from "@s20/s20/pairing";
 *
 * const status: SmartlinkDecoderStatus = "searching";
 * ```
 */
export type SmartlinkDecoderStatus = "searching" | "idle" | "receiving" | "done";

/**
 * Decodes smartlink lengths into the password.
 *
 * It locks on the first length repeated `lockAfter` times (the preamble) and reads every later
 * length relative to it. A cycle runs from a start marker to a checksum; the end marker is
 * optional (all three copies may be lost). Repeated start markers, end markers and checksums are
 * expected and ignored. A cycle whose character count equals the checksum's length yields the
 * password. A cycle with too many characters (duplicated datagrams) is repaired by merging
 * adjacent equal characters; when several repairs are possible, the next cycles decide. A cycle
 * with too few characters (lost datagrams) is dropped: the sender repeats the cycle five times.
 *
 * @example Decode the c2 sequence
 * ```ts
 * import { encodeSmartlink, SmartlinkDecoder } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * const decoder = new SmartlinkDecoder();
 * let password = null;
 * for (const length of encodeSmartlink("abcdefgh").lengths()) {
 *   password ??= decoder.push(length);
 * }
 * assert.equal(password?.reveal(), "abcdefgh");
 * assert.equal(decoder.base, 76);
 * ```
 */
export class SmartlinkDecoder {
  readonly #lockAfter: number;
  readonly #presetBase: number | null;
  #base: number | null = null;
  #runLength = -1;
  #runCount = 0;
  #status: SmartlinkDecoderStatus = "searching";
  #chars: number[] = [];
  #ended = false;
  #readings: Set<string> | null = null;
  #password: WifiKey | null = null;
  #cycles = 0;
  #rejected = 0;

  /**
   * Creates a decoder in the searching state (or locked, with a preset base).
   *
   * @param options Lock threshold and optional known base.
   * @throws {RangeError} If `lockAfter` is not an integer ≥ 2 or `base` not a positive integer.
   */
  constructor(options: SmartlinkDecoderOptions = {}) {
    const { lockAfter = 10, base = null } = options;
    checkInteger("decode smartlink", "lockAfter", lockAfter, 2);
    if (base !== null) checkInteger("decode smartlink", "base", base, 1);
    this.#lockAfter = lockAfter;
    this.#presetBase = base;
    this.reset();
  }

  /** The locked base length, or `null` while searching. */
  get base(): number | null {
    return this.#base;
  }

  /** Where the decoder is. */
  get status(): SmartlinkDecoderStatus {
    return this.#status;
  }

  /** The decoded password once `status` is `done`, else `null`. */
  get password(): WifiKey | null {
    return this.#password;
  }

  /** Cycles that ended with a checksum. */
  get cyclesSeen(): number {
    return this.#cycles;
  }

  /** Cycles dropped because characters were lost, or cut short by a new start or preamble. */
  get cyclesRejected(): number {
    return this.#rejected;
  }

  /** Forgets everything, including the base (unless preset) and a decoded password. */
  reset(): void {
    this.#base = this.#presetBase;
    this.#status = this.#base === null ? "searching" : "idle";
    this.#runLength = -1;
    this.#runCount = 0;
    this.#chars = [];
    this.#ended = false;
    this.#readings = null;
    this.#password = null;
    this.#cycles = 0;
    this.#rejected = 0;
  }

  /**
   * Feeds the length of one datagram.
   *
   * @param length A UDP payload length (or, on the air, a frame length).
   * @returns The password the first time a cycle decodes, else `null`; after that, `null`
   *   until {@linkcode SmartlinkDecoder.reset}.
   */
  push(length: number): WifiKey | null {
    if (this.#status === "done" || !Number.isInteger(length) || length < 1) return null;
    if (this.#base === null) {
      this.#search(length);
      return null;
    }
    const offset = length - this.#base;
    if (offset === 0) {
      // The sender went back to the preamble: whatever cycle was open is over.
      if (this.#status === "receiving") this.#abandon();
      return null;
    }
    if (offset === SMARTLINK.startOffset) {
      if (this.#status === "receiving" && this.#chars.length === 0 && !this.#ended) return null;
      if (this.#status === "receiving") this.#abandon();
      this.#status = "receiving";
      this.#chars = [];
      this.#ended = false;
      return null;
    }
    if (this.#status !== "receiving") return null;
    if (offset === SMARTLINK.endOffset) {
      this.#ended = true;
      return null;
    }
    const checksum = offset - SMARTLINK.checksumOffset;
    if (checksum >= 0 && checksum <= MAX_PASSWORD) {
      this.#status = "idle";
      this.#cycles++;
      return this.#finish(this.#chars, checksum);
    }
    if (!this.#ended && offset >= FIRST_CHAR && offset <= LAST_CHAR) {
      // A cycle never holds more than a few copies of a 64-character password; past that it is
      // noise, and dropping it keeps memory bounded.
      if (this.#chars.length >= MAX_CHARS) this.#abandon();
      else this.#chars.push(offset);
    }
    return null;
  }

  /**
   * A summary without the characters received.
   *
   * @returns Status, base and cycle counts.
   */
  toJSON(): { status: SmartlinkDecoderStatus; base: number | null; cycles: number } {
    return { status: this.#status, base: this.#base, cycles: this.#cycles };
  }

  /**
   * What `console.log` shows: no characters, no password.
   *
   * @returns A summary.
   */
  [Symbol.for("Deno.customInspect")](): string {
    return `SmartlinkDecoder(${this.#status}, base ${this.#base}, ${this.#cycles} cycles)`;
  }

  #search(length: number): void {
    if (length === this.#runLength) this.#runCount++;
    else {
      this.#runLength = length;
      this.#runCount = 1;
    }
    if (this.#runCount >= this.#lockAfter) {
      this.#base = length;
      this.#status = "idle";
    }
  }

  #abandon(): void {
    this.#rejected++;
    this.#chars = [];
    this.#ended = false;
    this.#status = "idle";
  }

  #finish(chars: readonly number[], expected: number): WifiKey | null {
    if (chars.length < expected) {
      this.#rejected++;
      return null;
    }
    const readings = chars.length === expected
      ? new Set([String.fromCharCode(...chars)])
      : mergeDuplicates(chars, chars.length - expected);
    if (readings === null || readings.size === 0) {
      this.#rejected++;
      return null;
    }
    if (chars.length === expected) return this.#succeed([...readings][0]!);
    // Keep only the readings every ambiguous cycle agrees on; start over if none is left.
    const previous = this.#readings;
    const common = previous === null
      ? readings
      : new Set([...readings].filter((r) => previous.has(r)));
    this.#readings = common.size > 0 ? common : readings;
    return this.#readings.size === 1 ? this.#succeed([...this.#readings][0]!) : null;
  }

  #succeed(text: string): WifiKey {
    this.#status = "done";
    this.#password = new WifiKey(text);
    return this.#password;
  }
}

/**
 * Every string `chars` can become by dropping `excess` characters that repeat the one before
 * them, or `null` when there are more than {@linkcode MAX_READINGS}.
 */
function mergeDuplicates(chars: readonly number[], excess: number): Set<string> | null {
  const runs: { code: number; count: number }[] = [];
  for (const code of chars) {
    const last = runs.at(-1);
    if (last && last.code === code) last.count++;
    else runs.push({ code, count: 1 });
  }
  // spare[i]: how many characters runs i… can give up; prunes every branch that cannot finish.
  const spare = new Array<number>(runs.length + 1).fill(0);
  for (let i = runs.length - 1; i >= 0; i--) spare[i] = spare[i + 1]! + runs[i]!.count - 1;
  if (spare[0]! < excess) return null;
  const readings = new Set<string>();
  const counts = new Array<number>(runs.length).fill(0);
  let overflow = false;
  const visit = (index: number, left: number): void => {
    if (overflow || left > spare[index]!) return;
    if (index === runs.length) {
      if (left > 0) return;
      readings.add(runs.map((r, i) => String.fromCharCode(r.code).repeat(counts[i]!)).join(""));
      if (readings.size > MAX_READINGS) overflow = true;
      return;
    }
    const run = runs[index]!;
    for (let drop = 0; drop <= Math.min(left, run.count - 1); drop++) {
      counts[index] = run.count - drop;
      visit(index + 1, left - drop);
    }
  };
  visit(0, excess);
  return overflow ? null : readings;
}
