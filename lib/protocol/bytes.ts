/**
 * Little helpers over `Uint8Array` for the codec. Callers check bounds first (fixed forms by
 * their exact length, records by their length prefix), so these do no checking of their own.
 */

/** Reads a u16, little-endian. */
export function u16le(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8);
}

/** Reads a u16, big-endian. */
export function u16be(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

/** Reads a u32, little-endian. */
export function u32le(b: Uint8Array, o: number): number {
  return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16)) + b[o + 3]! * 0x1000000;
}

/** Reads an s32, little-endian. */
export function s32le(b: Uint8Array, o: number): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
}

/** Writes a u16, little-endian. */
export function putU16le(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
}

/** Writes a u16, big-endian. */
export function putU16be(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 8) & 0xff;
  b[o + 1] = v & 0xff;
}

/** Writes a u32 (or, through two's complement, an s32), little-endian. */
export function putU32le(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

/** Reads bytes as Latin-1 characters, one char per byte, so any bytes survive the trip. */
export function latin1(b: Uint8Array, o: number, length: number): string {
  let out = "";
  for (let i = o; i < o + length; i++) out += String.fromCharCode(b[i]!);
  return out;
}

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

/** Reads a padded text field: trailing spaces and NULs are padding; UTF-8 when not ASCII. */
export function paddedText(b: Uint8Array, o: number, length: number): string {
  let end = o + length;
  while (end > o && (b[end - 1] === 0x20 || b[end - 1] === 0x00)) end--;
  let ascii = true;
  for (let i = o; i < end; i++) {
    if (b[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  return ascii ? latin1(b, o, end - o) : utf8.decode(b.subarray(o, end));
}

/** The UTF-8 bytes of a text field's value. */
export function textBytes(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Writes text into a fixed field, padded with `pad`; the caller has checked the length. */
export function putPaddedText(
  b: Uint8Array,
  o: number,
  length: number,
  text: string,
  pad: number,
): void {
  const bytes = textBytes(text);
  b.set(bytes, o);
  b.fill(pad, o + bytes.length, o + length);
}

/** Reads an IPv4 address stored in network order. */
export function ipv4(b: Uint8Array, o: number): string {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

/** Parses a dotted IPv4 address into its four bytes, or `null` if it is not one. */
export function parseIpv4(text: string): [number, number, number, number] | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    out.push(n);
  }
  return out as [number, number, number, number];
}
