/**
 * Who holds a UDP port, on Linux: `/proc/net/udp` maps the port to a socket inode, and
 * `/proc/PID/fd` links name that inode (`socket:[N]`). Deno (1.43 and later) reads `/proc` only
 * under `--allow-all`, so {@link findUdpPortOwners} falls back on `ss` and `ps`, which need only
 * `--allow-run=ss,ps`. Best effort: other systems, or processes of other users without root,
 * give `null`.
 */
import { ssPortOwners } from "./port_owner_ss.ts";
import type { PortOwner, PortOwnerSearch } from "./port_owner_types.ts";

export type { PortOwner, PortOwnerSearch } from "./port_owner_types.ts";

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
  return procPortOwners(port) ?? [];
}

/** The owners `/proc` shows, or `null` when Deno may not read it (only `--allow-all` may). */
function procPortOwners(port: number): PortOwner[] | null {
  // Without read permission, a read would prompt on a terminal: do not try.
  if (Deno.permissions.querySync({ name: "read", path: "/proc/net/udp" }).state !== "granted") {
    return null;
  }
  const table = readText("/proc/net/udp");
  if (table === null) return null;
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

/** Options of {@link findUdpPortOwners}. */
export interface FindPortOwnersOptions {
  /**
   * Keeps only the sockets that stop a bind of this address: the same address, or a wildcard
   * (`0.0.0.0`, `::`) on either side. Default: every socket on the port.
   */
  readonly hostname?: string;
}

/** Whether a socket bound to `held` stops a bind of `wanted` on the same port. */
function clashes(held: string, wanted: string): boolean {
  const wildcard = (a: string) => a === "0.0.0.0" || a === "::" || a === "*";
  return held === wanted || wildcard(held) || wildcard(wanted);
}

/**
 * Finds the processes bound to a UDP port the best way the permissions allow: `/proc` (which
 * Deno reads only under `--allow-all`), else `ss` and `ps` (`--allow-run=ss,ps`). Never prompts:
 * a permission not granted is reported in `needs` instead.
 *
 * @example
 * ```ts
 * import { findUdpPortOwners } from "./port_owner.ts";
 *
 * const { owners, needs } = await findUdpPortOwners(10000, { hostname: "0.0.0.0" });
 * for (const owner of owners) console.log(owner.pid, owner.command);
 * if (needs) console.log(`run again with ${needs} to name them`);
 * ```
 *
 * @param port The UDP port.
 * @param options Which bind address the owners must stop.
 * @returns The owners, where they came from, and what would name them when that was missing.
 */
export async function findUdpPortOwners(
  port: number,
  options: FindPortOwnersOptions = {},
): Promise<PortOwnerSearch> {
  const { hostname } = options;
  const keep = (owners: PortOwner[]) =>
    hostname === undefined ? owners : owners.filter((o) => clashes(o.address, hostname));
  const fromProc = procPortOwners(port);
  if (fromProc !== null) return { owners: keep(fromProc), source: "proc", needs: null };
  const fromSs = await ssPortOwners(port);
  return { ...fromSs, owners: keep(fromSs.owners) };
}
