import { toHex } from "./hex.ts";

/** Longest packet prefix quoted in an error message; the full hex stays on the error. */
const MESSAGE_HEX_LIMIT = 96;

/**
 * A datagram that is not a well-formed S20 packet. The only error {@linkcode decode} throws.
 *
 * @example Catch a malformed packet
 * ```ts
 * import { decode, DecodeError, fromHex } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * try {
 *   decode(fromHex("68 64 00 2a 71 61"));
 *   assert.fail("expected a DecodeError");
 * } catch (error) {
 *   assert.ok(error instanceof DecodeError);
 *   assert.equal(error.offset, 2);
 * }
 * ```
 */
export class DecodeError extends SyntaxError {
  /** Its code in the table of error codes (`ERROR_CODES` in `errors.ts`), as an `S20Error` has. */
  readonly code = "INVALID_PACKET" as const;
  /** Byte offset in the packet where decoding failed. */
  readonly offset: number;
  /** What is wrong, without the packet dump. */
  readonly reason: string;
  /** The whole packet as lower-case hex. */
  readonly hex: string;

  /**
   * Creates a decode error for a packet.
   *
   * @param reason What is wrong.
   * @param offset Where in the packet it went wrong.
   * @param packet The packet being decoded.
   */
  constructor(reason: string, offset: number, packet: Uint8Array) {
    const hex = toHex(packet);
    const quoted = hex.length > MESSAGE_HEX_LIMIT * 2
      ? `${hex.slice(0, MESSAGE_HEX_LIMIT * 2)}… (${packet.length} bytes)`
      : hex;
    super(`Cannot decode S20 packet: ${reason} at offset ${offset}: ${quoted}`);
    this.name = "DecodeError";
    this.offset = offset;
    this.reason = reason;
    this.hex = hex;
  }
}
