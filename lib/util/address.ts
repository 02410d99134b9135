/** How an address and port are written everywhere: in messages, keys, targets and URLs. */

/**
 * `host:port`, with the host in brackets when it is an IPv6 literal (`[::1]:10000`), so that the
 * port cannot be read as part of the address.
 *
 * @example
 * ```ts
 * import { formatAddress } from "./address.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(formatAddress({ hostname: "192.168.1.30", port: 10000 }), "192.168.1.30:10000");
 * assert.equal(formatAddress({ hostname: "::1", port: 8020 }), "[::1]:8020");
 * ```
 */
export function formatAddress(
  address: { readonly hostname: string; readonly port: number },
): string {
  const host = address.hostname.includes(":") ? `[${address.hostname}]` : address.hostname;
  return `${host}:${address.port}`;
}
