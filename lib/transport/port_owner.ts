/**
 * Who holds a UDP port, on Linux: `/proc/net/udp` maps the port to a socket inode, and
 * `/proc/PID/fd` links name that inode (`socket:[N]`). Best effort: other systems, or
 * processes of other users without root, give `null`.
 */

/**
 * A process that owns a UDP port.
 *
 * @example
 * ```ts
 * import type { PortOwner } from "./port_owner.ts";
 *
 * const owner: PortOwner = { pid: 4242, command: "python3 orvibo.py", address: "0.0.0.0" };
 * ```
 */
export interface PortOwner {
  /** Process id, or `null` when the socket is visible but its process is not. */
  readonly pid: number | null;
  /** Its command line, when readable. */
  readonly command: string | null;
  /** The local address it bound. */
  readonly address: string;
}

function readText(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return null;
  }
}

/** `0100007F` (little-endian hex in /proc) → `127.0.0.1`. */
function procAddress(hex: string): string {
  const n = parseInt(hex, 16);
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24].join(".");
}

/**
 * Lists the processes bound to a UDP port (IPv4).
 *
 * @example
 * ```ts
 * import { udpPortOwners } from "./port_owner.ts";
 *
 * for (const owner of udpPortOwners(10000)) console.log(owner.pid, owner.command);
 * ```
 *
 * @param port The UDP port.
 * @returns The owners found; empty when none or when `/proc` is unavailable.
 */
export function udpPortOwners(port: number): PortOwner[] {
  const table = readText("/proc/net/udp");
  if (table === null) return [];
  const inodes = new Map<string, string>();
  for (const line of table.split("\n").slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (!local || fields.length < 10) continue;
    const [addr, portHex] = local.split(":");
    if (parseInt(portHex!, 16) === port) inodes.set(fields[9]!, procAddress(addr!));
  }
  if (inodes.size === 0) return [];
  const owners: PortOwner[] = [];
  const seen = new Set<string>();
  try {
    for (const entry of Deno.readDirSync("/proc")) {
      if (!/^\d+$/.test(entry.name)) continue;
      let fds: Iterable<Deno.DirEntry>;
      try {
        fds = Deno.readDirSync(`/proc/${entry.name}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        let link: string;
        try {
          link = Deno.readLinkSync(`/proc/${entry.name}/fd/${fd.name}`);
        } catch {
          continue;
        }
        const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
        if (inode && inodes.has(inode) && !seen.has(inode)) {
          seen.add(inode);
          const cmd = readText(`/proc/${entry.name}/cmdline`)?.split("\0").filter(Boolean).join(
            " ",
          );
          owners.push({
            pid: Number(entry.name),
            command: cmd || null,
            address: inodes.get(inode)!,
          });
        }
      }
    }
  } catch {
    // No permission to list /proc: report the sockets without their processes.
  }
  for (const [inode, address] of inodes) {
    if (!seen.has(inode)) owners.push({ pid: null, command: null, address });
  }
  return owners;
}
