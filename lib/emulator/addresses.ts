/** IPv4 text helpers for binding several emulated sockets and picking their broadcast address. */
import { ipToNumber, numberToIp } from "../transport/ipv4.ts";
import type { NetAddress } from "../transport/types.ts";

const S20_PORT = 10000;

/**
 * The address `steps` after `text` (127.0.0.2 + 1 = 127.0.0.3), carrying into higher bytes.
 *
 * @throws {RangeError} If the text is not an IPv4 address or the result leaves the address space.
 */
export function addIpv4(text: string, steps: number): string {
  const value = ipToNumber(text);
  if (value === null) throw new RangeError(`Cannot step from "${text}": not a dotted IPv4 address`);
  const next = value + steps;
  if (next < 0 || next > 0xffffffff) {
    throw new RangeError(`Cannot step ${steps} addresses from ${text}: past the IPv4 space`);
  }
  return numberToIp(next);
}

/**
 * Where a socket bound at `hostname` sends its boot announcements: the /24 broadcast address
 * (a real S20 sends to x.x.x.255:10000, docs/protocol.md#announcements), or the limited broadcast
 * address when bound to the wildcard address.
 */
export function announceAddressFor(hostname: string): NetAddress {
  const value = ipToNumber(hostname);
  if (value === null || value === 0) return { hostname: "255.255.255.255", port: S20_PORT };
  return { hostname: numberToIp((value | 0xff) >>> 0), port: S20_PORT };
}
