/** The host's IPv4 interfaces and their broadcast addresses, from `Deno.networkInterfaces()`. */
import { broadcastAddress } from "./ipv4.ts";

/**
 * One IPv4 interface address of this host.
 *
 * @example
 * ```ts
 * import type { Ipv4Interface } from "./interfaces.ts";
 *
 * const lan: Ipv4Interface = {
 *   name: "eth0", address: "192.0.2.10", netmask: "255.255.255.0", broadcast: "192.0.2.255",
 * };
 * ```
 */
export interface Ipv4Interface {
  /** Interface name, such as `eth0`. */
  readonly name: string;
  /** Its IPv4 address. */
  readonly address: string;
  /** Its netmask. */
  readonly netmask: string;
  /** The directed broadcast address of its subnet. */
  readonly broadcast: string;
}

/**
 * Lists this host's IPv4 interface addresses with their broadcast addresses.
 *
 * @example
 * ```ts
 * import { ipv4Interfaces } from "./interfaces.ts";
 *
 * for (const i of ipv4Interfaces()) console.log(i.name, i.address, i.broadcast);
 * ```
 *
 * @returns The interfaces; empty when the host has none or the call is not permitted.
 */
export function ipv4Interfaces(): Ipv4Interface[] {
  let list: Deno.NetworkInterfaceInfo[];
  try {
    list = Deno.networkInterfaces();
  } catch {
    return [];
  }
  const out: Ipv4Interface[] = [];
  for (const i of list) {
    if (i.family !== "IPv4") continue;
    const broadcast = broadcastAddress(i.address, i.netmask);
    if (broadcast) out.push({ name: i.name, address: i.address, netmask: i.netmask, broadcast });
  }
  return out;
}
