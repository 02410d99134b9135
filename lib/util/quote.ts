/**
 * A rejected value as an error message quotes it: whole when short, else its beginning and how
 * long it was. A message never carries a whole 10 KB value back to whoever sent it.
 */

/** Values longer than this many characters are cut in messages. */
export const QUOTE_LIMIT = 40;

/**
 * `"value"`, or `"beginning…" (N characters)` past {@linkcode QUOTE_LIMIT} characters.
 *
 * @example
 * ```ts
 * import { quoted } from "./quote.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(quoted("desk"), '"desk"');
 * assert.equal(quoted("x".repeat(10_000)), `"${"x".repeat(32)}…" (10000 characters)`);
 * ```
 */
export function quoted(value: unknown): string {
  const text = String(value);
  if (text.length <= QUOTE_LIMIT) return `"${text}"`;
  return `"${text.slice(0, QUOTE_LIMIT - 8)}…" (${text.length} characters)`;
}
