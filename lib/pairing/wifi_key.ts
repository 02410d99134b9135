/** A Wi-Fi key that does not leak through logs, JSON or string conversion. */

const REDACTED = "[redacted]";

/**
 * Holds a Wi-Fi key (WPA passphrase or PSK, or the empty key of an open network). The value sits
 * in a private field: `String(key)`, template literals, `JSON.stringify` and `console.log` all
 * show `[redacted]`. Only {@linkcode WifiKey.reveal} returns it, so every place that needs the
 * real key is easy to find in a review.
 *
 * @example Carry a key without printing it
 * ```ts
 * import { WifiKey } from "@s20/s20/pairing";
 * import assert from "node:assert/strict";
 *
 * const key = new WifiKey("correct horse");
 * assert.equal(`${key}`, "[redacted]");
 * assert.equal(JSON.stringify({ key }), '{"key":"[redacted]"}');
 * assert.equal(key.reveal(), "correct horse");
 * assert.equal(key.length, 13);
 * ```
 */
export class WifiKey {
  readonly #value: string;

  /**
   * Wraps a key. No validation happens here; see `validateWifiSettings`.
   *
   * @param value The key; `""` for an open network.
   * @throws {TypeError} If `value` is not a string.
   */
  constructor(value: string) {
    if (typeof value !== "string") {
      throw new TypeError(`Cannot create a WifiKey from ${typeof value}: expected a string`);
    }
    this.#value = value;
  }

  /**
   * The key itself. Call it only where the key goes on the wire.
   *
   * @returns The key text.
   */
  reveal(): string {
    return this.#value;
  }

  /** Number of characters (UTF-16 code units, which for a valid key are ASCII bytes). */
  get length(): number {
    return this.#value.length;
  }

  /** Whether this is the empty key of an open network. */
  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  /**
   * Compares with another key or a string without revealing either.
   *
   * @param other The key to compare with.
   * @returns Whether both hold the same text.
   */
  equals(other: WifiKey | string): boolean {
    return this.#value === (other instanceof WifiKey ? other.#value : other);
  }

  /**
   * Always `[redacted]`.
   *
   * @returns The redaction marker.
   */
  toString(): string {
    return REDACTED;
  }

  /**
   * Always `[redacted]`, so JSON never holds the key.
   *
   * @returns The redaction marker.
   */
  toJSON(): string {
    return REDACTED;
  }

  /**
   * What `Deno.inspect` and `console.log` show.
   *
   * @returns `WifiKey([redacted])`.
   */
  [Symbol.for("Deno.customInspect")](): string {
    return `WifiKey(${REDACTED})`;
  }

  /**
   * What Node's `util.inspect` shows.
   *
   * @returns `WifiKey([redacted])`.
   */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `WifiKey(${REDACTED})`;
  }
}
