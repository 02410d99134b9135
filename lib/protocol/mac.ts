import { hexByte } from "./hex.ts";

/**
 * A MAC address in its canonical form: six lower-case hex pairs joined by colons,
 * `ac:cf:23:24:19:c0`. Make one with {@linkcode Mac.parse} or {@linkcode Mac.fromBytes};
 * being a string, it works as a `Map` key and in JSON.
 */
export type Mac = string & { readonly __brand: "Mac" };

const MAC_BYTES = 6;
const SEPARATED =
  /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/;
const BARE = /^([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/;

function parse(text: string): Mac {
  const lower = text.trim().toLowerCase();
  const match = SEPARATED.exec(lower) ?? BARE.exec(lower);
  if (!match) {
    throw new TypeError(
      `Cannot parse MAC address "${text}": expected six hex pairs such as ac:cf:23:24:19:c0 or accf232419c0`,
    );
  }
  return match.slice(1).join(":") as Mac;
}

function tryParse(text: string): Mac | null {
  try {
    return parse(text);
  } catch {
    return null;
  }
}

function fromBytes(bytes: Uint8Array, offset = 0): Mac {
  if (offset < 0 || offset + MAC_BYTES > bytes.length) {
    throw new RangeError(
      `Cannot read a MAC address at offset ${offset}: only ${bytes.length} bytes`,
    );
  }
  return (hexByte(bytes[offset]!) + ":" + hexByte(bytes[offset + 1]!) + ":" +
    hexByte(bytes[offset + 2]!) + ":" + hexByte(bytes[offset + 3]!) + ":" +
    hexByte(bytes[offset + 4]!) + ":" + hexByte(bytes[offset + 5]!)) as Mac;
}

function write(mac: Mac, target: Uint8Array, offset: number, reversed = false): void {
  for (let i = 0; i < MAC_BYTES; i++) {
    const byte = parseInt(mac.slice(i * 3, i * 3 + 2), 16);
    target[offset + (reversed ? MAC_BYTES - 1 - i : i)] = byte;
  }
}

function toBytes(mac: Mac): Uint8Array {
  const out = new Uint8Array(MAC_BYTES);
  write(mac, out, 0);
  return out;
}

function reversed(mac: Mac): Mac {
  return mac.split(":").reverse().join(":") as Mac;
}

function format(mac: Mac, style: "colon" | "bare" | "upper-bare" | "dash" = "colon"): string {
  switch (style) {
    case "colon":
      return mac;
    case "bare":
      return mac.replaceAll(":", "");
    case "upper-bare":
      return mac.replaceAll(":", "").toUpperCase();
    case "dash":
      return mac.replaceAll(":", "-").toUpperCase();
  }
}

/**
 * Functions for {@linkcode Mac} values: parse any common spelling, read from and write to
 * packets, reverse (S20 packets carry the MAC a second time, byte-reversed) and format.
 *
 * @example Parse, reverse and format
 * ```ts
 * import { Mac } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * const mac = Mac.parse("AC-CF-23-24-19-C0");
 * assert.equal(mac, "ac:cf:23:24:19:c0");
 * assert.equal(Mac.reversed(mac), "c0:19:24:23:cf:ac");
 * assert.equal(Mac.format(mac, "upper-bare"), "ACCF232419C0");
 * assert.deepEqual(Mac.toBytes(mac), new Uint8Array([0xac, 0xcf, 0x23, 0x24, 0x19, 0xc0]));
 * ```
 */
export const Mac: {
  /** Parses `ac:cf:23:24:19:c0`, `accf232419c0`, `AC-CF-23-…`; throws `TypeError` otherwise. */
  readonly parse: (text: string) => Mac;
  /** Like `parse`, but returns `null` for text that is not a MAC address. */
  readonly tryParse: (text: string) => Mac | null;
  /** Reads six bytes at `offset`. */
  readonly fromBytes: (bytes: Uint8Array, offset?: number) => Mac;
  /** The six bytes of a MAC address. */
  readonly toBytes: (mac: Mac) => Uint8Array;
  /** Writes the six bytes at `offset`, in reverse order when `reversed` is true. */
  readonly write: (mac: Mac, target: Uint8Array, offset: number, reversed?: boolean) => void;
  /** The byte-reversed address (`c0:19:24:23:cf:ac` for `ac:cf:23:24:19:c0`). */
  readonly reversed: (mac: Mac) => Mac;
  /** Formats as `colon` (canonical), `bare` (`accf232419c0`), `upper-bare` or `dash`. */
  readonly format: (mac: Mac, style?: "colon" | "bare" | "upper-bare" | "dash") => string;
} = Object.freeze({ parse, tryParse, fromBytes, toBytes, write, reversed, format });
