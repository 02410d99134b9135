/** Parsing the ways a user names sockets and discovery targets. */
import { Mac } from "../protocol/mac.ts";
import { S20_PORT } from "../protocol/constants.ts";
import { cidrHosts, ipToNumber, isLoopback, parseCidr } from "../transport/ipv4.ts";
import type { NetAddress } from "../transport/types.ts";
import { quoted } from "../util/quote.ts";

/** The largest CIDR sweep we send, so a typo like /8 cannot flood a network. */
const MAX_SWEEP_HOSTS = 4096;

/**
 * Where to look for sockets: an address (broadcast or unicast, optionally `:port`), a CIDR
 * block to sweep (`192.168.1.0/24`), or a known socket (`ac:cf:23:24:19:c0@192.168.1.30`, or
 * `{ ip, mac }`) probed by unicast `qg`, which also finds locked sockets and sockets on other
 * subnets.
 *
 * @example
 * ```ts
 * import type { DiscoveryTarget } from "@s20/s20";
 *
 * const targets: DiscoveryTarget[] = [
 *   "192.168.1.255",
 *   "10.0.0.0/24",
 *   "ac:cf:23:24:19:c0@192.168.7.30",
 *   { ip: "127.0.0.2", port: 10001 },
 * ];
 * ```
 */
export type DiscoveryTarget =
  | string
  | { readonly ip: string; readonly port?: number; readonly mac?: string };

/** A target resolved into addresses to probe. */
export interface ParsedTarget {
  readonly addresses: readonly NetAddress[];
  readonly mac: Mac | null;
  /** Whether a reply from this MAC and IP answers this target (not a stray from elsewhere). */
  readonly accepts: (mac: Mac, ip: string) => boolean;
}

/** Broadcast addresses: the limited one, any interface's, or a /24-style `.255`. */
function isBroadcast(ip: string, broadcasts: ReadonlySet<string>): boolean {
  return ip === "255.255.255.255" || ip.endsWith(".255") || broadcasts.has(ip);
}

function address(text: string, what: string): NetAddress {
  const [host, port, extra] = text.split(":");
  if (extra !== undefined || host === undefined || ipToNumber(host) === null) {
    throw new TypeError(
      `Cannot use ${
        quoted(what)
      } as a socket address: expected an IPv4 address such as 192.168.1.30, optionally with :port`,
    );
  }
  if (port === undefined) return { hostname: host, port: S20_PORT };
  const n = Number(port);
  if (!/^\d+$/.test(port) || n < 1 || n > 65535) {
    throw new TypeError(`Cannot use ${quoted(what)}: port must be 1–65535`);
  }
  return { hostname: host, port: n };
}

/**
 * Parses a discovery target.
 *
 * @throws {TypeError} If the target is not an address, block or MAC@address.
 * @throws {RangeError} If a CIDR block is larger than 4096 hosts.
 */
export function parseTarget(
  target: DiscoveryTarget,
  broadcasts: ReadonlySet<string> = new Set(),
): ParsedTarget {
  const one = (addr: NetAddress, mac: Mac | null): ParsedTarget => ({
    addresses: [addr],
    mac,
    accepts: mac
      ? (m) => m === mac
      : isBroadcast(addr.hostname, broadcasts)
      ? () => true
      : (_, ip) => ip === addr.hostname,
  });
  if (typeof target !== "string") {
    const addr = address(`${target.ip}${target.port ? `:${target.port}` : ""}`, target.ip);
    return one(addr, target.mac ? Mac.parse(target.mac) : null);
  }
  const text = target.trim();
  const at = text.indexOf("@");
  if (at >= 0) return one(address(text.slice(at + 1), text), Mac.parse(text.slice(0, at)));
  if (text.includes("/")) {
    const cidr = parseCidr(text);
    if (!cidr) {
      throw new TypeError(
        `Cannot use ${quoted(text)} as a network: expected a block such as 192.168.1.0/24`,
      );
    }
    const size = 2 ** (32 - cidr.prefix);
    if (size > MAX_SWEEP_HOSTS) {
      throw new RangeError(
        `Cannot sweep ${
          quoted(text)
        }: ${size} addresses is too many; use a block of /20 or smaller`,
      );
    }
    const hosts = cidrHosts(cidr);
    const inside = new Set(hosts);
    return {
      addresses: hosts.map((hostname) => ({ hostname, port: S20_PORT })),
      mac: null,
      accepts: (_, ip) => inside.has(ip),
    };
  }
  return one(address(text, text), null);
}

/** Whether every address of every target is on loopback (then a client binds 127.0.0.1). */
export function allLoopback(targets: readonly DiscoveryTarget[]): boolean {
  return targets.length > 0 &&
    targets.every((t) => parseTarget(t).addresses.every((a) => isLoopback(a.hostname)));
}

/**
 * How a user names one socket: a MAC, an IP (optionally `:port`), or `MAC@IP`.
 *
 * @example
 * ```ts
 * import type { SocketTarget } from "@s20/s20";
 *
 * const byMac: SocketTarget = "ac:cf:23:24:19:c0";
 * const byIp: SocketTarget = { ip: "192.168.1.30" };
 * ```
 */
export type SocketTarget =
  | string
  | { readonly mac?: string; readonly ip?: string; readonly port?: number };

/** A socket target split into what is known. */
export interface ParsedSocket {
  readonly mac: Mac | null;
  readonly address: NetAddress | null;
}

/**
 * Parses a socket target.
 *
 * @throws {TypeError} If it is neither a MAC, an address nor MAC@address.
 */
export function parseSocketTarget(target: SocketTarget): ParsedSocket {
  if (typeof target !== "string") {
    if (!target.mac && !target.ip) {
      throw new TypeError("Cannot address a socket: give its MAC, its IP or both");
    }
    return {
      mac: target.mac ? Mac.parse(target.mac) : null,
      address: target.ip
        ? address(`${target.ip}${target.port ? `:${target.port}` : ""}`, target.ip)
        : null,
    };
  }
  const mac = Mac.tryParse(target);
  if (mac) return { mac, address: null };
  if (target.includes("@")) {
    const parsed = parseTarget(target);
    return { mac: parsed.mac, address: parsed.addresses[0] ?? null };
  }
  try {
    return { mac: null, address: address(target.trim(), target) };
  } catch {
    throw new TypeError(
      `Cannot address socket ${
        quoted(target)
      }: expected a MAC (ac:cf:23:24:19:c0), an IPv4 address, or MAC@IP`,
    );
  }
}
