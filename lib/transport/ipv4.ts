/** IPv4 address arithmetic: parsing, CIDR blocks, broadcast addresses. Pure. */

/** Parses a dotted IPv4 address into an unsigned 32-bit number, or `null`. */
export function ipToNumber(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    n = n * 256 + octet;
  }
  return n;
}

/** Formats an unsigned 32-bit number as a dotted IPv4 address. */
export function numberToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join(".");
}

/** Whether an address is in 127.0.0.0/8. */
export function isLoopback(ip: string): boolean {
  return ip.startsWith("127.");
}

/** The directed broadcast address of `address` with `netmask`, or `null` if either is invalid. */
export function broadcastAddress(address: string, netmask: string): string | null {
  const a = ipToNumber(address);
  const m = ipToNumber(netmask);
  if (a === null || m === null) return null;
  return numberToIp((a | (~m >>> 0)) >>> 0);
}

/** A parsed CIDR block. */
export interface Cidr {
  readonly network: number;
  readonly prefix: number;
}

/** Parses `192.168.1.0/24`; returns `null` if the text is not a CIDR block. */
export function parseCidr(text: string): Cidr | null {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(text.trim());
  if (!match) return null;
  const ip = ipToNumber(match[1]!);
  const prefix = Number(match[2]);
  if (ip === null || prefix > 32) return null;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { network: (ip & mask) >>> 0, prefix };
}

/** The host addresses of a block (without network and broadcast for prefixes below /31). */
export function cidrHosts(cidr: Cidr): string[] {
  const size = 2 ** (32 - cidr.prefix);
  if (size <= 2) return Array.from({ length: size }, (_, i) => numberToIp(cidr.network + i));
  return Array.from({ length: size - 2 }, (_, i) => numberToIp(cidr.network + 1 + i));
}
