/** Hex helpers shared by the codec, its errors and the tests. */

const HEX_BYTE: readonly string[] = Array.from(
  { length: 256 },
  (_, i) => i.toString(16).padStart(2, "0"),
);

/**
 * Formats bytes as lower-case hex, optionally with a separator between bytes.
 *
 * @example Format a header
 * ```ts
 * import { toHex } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * assert.equal(toHex(new Uint8Array([0x68, 0x64, 0x00, 0x06]), " "), "68 64 00 06");
 * ```
 *
 * @param bytes The bytes to format.
 * @param separator Text put between two bytes.
 * @returns The hex text.
 */
export function toHex(bytes: Uint8Array, separator = ""): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0 && separator) out += separator;
    out += HEX_BYTE[bytes[i]!];
  }
  return out;
}

/** Returns the two hex digits of one byte; used where a loop builds strings itself. */
export function hexByte(byte: number): string {
  return HEX_BYTE[byte & 0xff]!;
}

/**
 * Parses hex text into bytes. Spaces, colons and dashes between bytes are ignored.
 *
 * @example Parse a discovery request
 * ```ts
 * import { fromHex } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(fromHex("68 64 00 06 71 61"), new Uint8Array([0x68, 0x64, 0, 6, 0x71, 0x61]));
 * ```
 *
 * @param text Hex digits, two per byte.
 * @returns The bytes.
 * @throws {TypeError} If the text holds anything but hex digit pairs.
 */
export function fromHex(text: string): Uint8Array {
  const digits = text.replace(/[\s:-]/g, "");
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) {
    throw new TypeError(`Cannot parse hex: expected pairs of hex digits, got "${text}"`);
  }
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  }
  return out;
}
