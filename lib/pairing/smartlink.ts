/**
 * Smartlink encoding (docs/protocol.md#smartlink): the Wi-Fi password travels in the *lengths* of
 * UDP datagrams broadcast to port 49999, which the socket sniffs on the air. Pure: the result is a
 * list of lengths with the pause before each, for a sender to pace.
 *
 * All lengths are a base (76) plus an offset: 0 preamble, 13 start marker, the character code
 * for each character, 10 end marker, 256 + password length for the checksum. The same numbers are
 * in Hi-Flying's SmartLink v3 SDK, in stikonas' `server.cpp`, and in the WiWo app's traffic in
 * capture c2.
 */
import { validateSmartlinkPassword } from "./wifi_settings.ts";
import type { WifiKey } from "./wifi_key.ts";
import { checkInteger, checkNumber } from "../util/range.ts";

/**
 * UDP port smartlink datagrams go to (and the socket's announcements, docs/protocol.md#smartlink).
 */
export const SMARTLINK_PORT = 49999;

/**
 * The numbers of docs/protocol.md#smartlink, as offsets from the base length so that a decoder can
 * work from any base it observes.
 */
export const SMARTLINK = {
  /** Payload length of a preamble datagram; every other length is relative to it. */
  base: 76,
  /** Preamble datagrams sent before the first cycle. */
  preambleCount: 200,
  /** Offset of the start marker (89 = 76 + 13). */
  startOffset: 13,
  /** Offset of the end marker (86 = 76 + 10). */
  endOffset: 10,
  /** Offset of the checksum: 256 + password length (332 + length). */
  checksumOffset: 256,
  /** Copies of each marker. */
  markerCount: 3,
  /** Copies of the checksum. */
  checksumCount: 3,
  /** Cycles (start … checksum) after the preamble; the SDK and the WiWo app send 5. */
  cycles: 5,
  /** Every payload byte; only the length matters. */
  fillByte: 0x05,
} as const;

/**
 * What a datagram of the sequence stands for.
 *
 * @example
 * ```ts
 * import type { SmartlinkPart } from "@s20/s20/pairing";
 *
 * const part: SmartlinkPart = "checksum";
 * ```
 */
export type SmartlinkPart = "preamble" | "start" | "char" | "end" | "checksum";

/**
 * One datagram to send: its payload length, and how long to wait after the previous one.
 *
 * @example
 * ```ts
 * import type { SmartlinkPacket } from "@s20/s20/pairing";
 *
 * const first: SmartlinkPacket = { part: "preamble", length: 76, delayMs: 0 };
 * ```
 */
export interface SmartlinkPacket {
  /** What it stands for. */
  readonly part: SmartlinkPart;
  /** UDP payload length in bytes. */
  readonly length: number;
  /** Milliseconds to wait after sending the previous datagram (0 for the first). */
  readonly delayMs: number;
}

/**
 * Options for {@linkcode encodeSmartlink}. The default spacing is what the WiWo app did in
 * capture c2, where pairing succeeded on the first round (docs/protocol.md#smartlink).
 *
 * @example Three quick cycles, as for a test on loopback
 * ```ts
 * import type { SmartlinkEncodeOptions } from "@s20/s20/pairing";
 *
 * const quick: SmartlinkEncodeOptions = {
 *   cycles: 3, preambleSpacingMs: 1, markerSpacingMs: 1, charSpacingMs: 1, checksumPauseMs: 1, cyclePauseMs: 1,
 * };
 * ```
 */
export interface SmartlinkEncodeOptions {
  /**
   * Preamble datagrams before the first cycle.
   *
   * @default {200}
   */
  readonly preambleCount?: number;
  /**
   * Cycles of start marker, characters, end marker and checksum.
   *
   * @default {5}
   */
  readonly cycles?: number;
  /**
   * Pause between preamble datagrams (c2: ~11 ms).
   *
   * @default {10}
   */
  readonly preambleSpacingMs?: number;
  /**
   * Pause between copies of a marker or checksum (c2: 40–55 ms).
   *
   * @default {50}
   */
  readonly markerSpacingMs?: number;
  /**
   * Pause before each character and before the end marker (c2: ~100 ms; the SDK uses 50).
   *
   * @default {100}
   */
  readonly charSpacingMs?: number;
  /**
   * Pause between the end marker and the checksum (c2: ~210 ms).
   *
   * @default {200}
   */
  readonly checksumPauseMs?: number;
  /**
   * Pause between the last checksum of a cycle and the next start marker (c2: ~510 ms).
   *
   * @default {500}
   */
  readonly cyclePauseMs?: number;
}

/**
 * The datagrams that carry one password. It holds the password in another form (each character
 * is a length), so it does not print them: `JSON.stringify` and `console.log` show only counts
 * and the duration. Iterate it to send.
 *
 * @example Send with pacing (here without a network)
 * ```ts
 * import { encodeSmartlink, smartlinkPayload } from "@s20/s20/pairing";
 *
 * const sent: number[] = [];
 * const send = (payload: Uint8Array) => sent.push(payload.length);
 * for (const packet of encodeSmartlink("correct horse", { preambleCount: 2, cycles: 1 })) {
 *   // await sleep(systemClock, packet.delayMs) in a real sender
 *   send(smartlinkPayload(packet.length));
 * }
 * ```
 */
export class SmartlinkSequence implements Iterable<SmartlinkPacket> {
  readonly #packets: readonly SmartlinkPacket[];

  /**
   * Wraps packets; use {@linkcode encodeSmartlink} to make them.
   *
   * @param packets The datagrams in order.
   */
  constructor(packets: readonly SmartlinkPacket[]) {
    this.#packets = Object.freeze([...packets]);
  }

  /** Number of datagrams. */
  get count(): number {
    return this.#packets.length;
  }

  /** Sum of all pauses: how long sending takes, in milliseconds. */
  get durationMs(): number {
    return this.#packets.reduce((sum, p) => sum + p.delayMs, 0);
  }

  /**
   * The payload lengths in order. They spell the password: do not log them.
   *
   * @returns One length per datagram.
   */
  lengths(): number[] {
    return this.#packets.map((p) => p.length);
  }

  /**
   * Iterates the datagrams in sending order.
   *
   * @returns An iterator over the packets.
   */
  [Symbol.iterator](): Iterator<SmartlinkPacket> {
    return this.#packets[Symbol.iterator]();
  }

  /**
   * A summary without lengths.
   *
   * @returns Datagram count and duration.
   */
  toJSON(): { count: number; durationMs: number } {
    return { count: this.count, durationMs: this.durationMs };
  }

  /**
   * What `console.log` shows.
   *
   * @returns A summary without lengths.
   */
  [Symbol.for("Deno.customInspect")](): string {
    return `SmartlinkSequence(${this.count} datagrams, ${this.durationMs} ms)`;
  }
}

const DOING = "encode smartlink";
const count = (name: string, value: number, min: number) => checkInteger(DOING, name, value, min);
const pause = (name: string, value: number) => checkNumber(DOING, name, value, 0);

/**
 * Encodes a Wi-Fi password as the smartlink sequence of docs/protocol.md#smartlink: preamble 76
 * ×200, then 5 cycles of start marker 89 ×3, one datagram of 76 + character code per character, end
 * marker 86 ×3 and checksum 332 + length ×3.
 *
 * @example The lengths of capture c2's first cycle
 * ```ts
 * import { encodeSmartlink } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * const cycle = encodeSmartlink("abcdefgh", { preambleCount: 0, cycles: 1 }).lengths();
 * assert.deepEqual(cycle, [89, 89, 89, 173, 174, 175, 176, 177, 178, 179, 180, 86, 86, 86, 340, 340, 340]);
 * ```
 *
 * @param password The network's passphrase (8–63 printable ASCII characters, or 64 hex digits),
 *   or `""` for an open network.
 * @param options Counts and pacing.
 * @returns The sequence to send.
 * @throws {PairingError} If the password cannot be sent (code `INVALID_KEY`).
 * @throws {RangeError} If a count or pause is out of range.
 */
export function encodeSmartlink(
  password: string | WifiKey,
  options: SmartlinkEncodeOptions = {},
): SmartlinkSequence {
  const {
    preambleCount = SMARTLINK.preambleCount,
    cycles = SMARTLINK.cycles,
    preambleSpacingMs = 10,
    markerSpacingMs = 50,
    charSpacingMs = 100,
    checksumPauseMs = 200,
    cyclePauseMs = 500,
  } = options;
  const key = validateSmartlinkPassword(password).reveal();
  count("preambleCount", preambleCount, 0);
  count("cycles", cycles, 1);
  pause("preambleSpacingMs", preambleSpacingMs);
  pause("markerSpacingMs", markerSpacingMs);
  pause("charSpacingMs", charSpacingMs);
  pause("checksumPauseMs", checksumPauseMs);
  pause("cyclePauseMs", cyclePauseMs);

  const { base } = SMARTLINK;
  const packets: SmartlinkPacket[] = [];
  const add = (part: SmartlinkPart, length: number, delayMs: number) =>
    packets.push({ part, length, delayMs: packets.length === 0 ? 0 : delayMs });

  for (let i = 0; i < preambleCount; i++) add("preamble", base, preambleSpacingMs);
  for (let cycle = 0; cycle < cycles; cycle++) {
    for (let i = 0; i < SMARTLINK.markerCount; i++) {
      const first = cycle === 0 ? preambleSpacingMs : cyclePauseMs;
      add("start", base + SMARTLINK.startOffset, i === 0 ? first : markerSpacingMs);
    }
    for (const char of key) add("char", base + char.charCodeAt(0), charSpacingMs);
    for (let i = 0; i < SMARTLINK.markerCount; i++) {
      add("end", base + SMARTLINK.endOffset, i === 0 ? charSpacingMs : markerSpacingMs);
    }
    for (let i = 0; i < SMARTLINK.checksumCount; i++) {
      const length = base + SMARTLINK.checksumOffset + key.length;
      add("checksum", length, i === 0 ? checksumPauseMs : markerSpacingMs);
    }
  }
  return new SmartlinkSequence(packets);
}

/**
 * A payload of the given length, filled with `0x05` as the WiWo app sends (c2#11 to c2#439).
 *
 * @example
 * ```ts
 * import { smartlinkPayload } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * assert.equal(smartlinkPayload(89).length, 89);
 * ```
 *
 * @param length Payload length in bytes.
 * @returns A new buffer.
 * @throws {RangeError} If the length is not a positive integer up to 1472 (one Ethernet frame).
 */
export function smartlinkPayload(length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 1 || length > 1472) {
    throw new RangeError(`Cannot make a smartlink payload of ${length} bytes: use 1–1472`);
  }
  return new Uint8Array(length).fill(SMARTLINK.fillByte);
}
