/** What the search for a UDP port's holders reports (`port_owner.ts`, `port_owner_ss.ts`). */

/**
 * A process that owns a UDP port.
 *
 * @example
 * ```ts
 * import type { PortOwner } from "./port_owner_types.ts";
 *
 * const owner: PortOwner = { pid: 4242, command: "python3 orvibo.py", address: "0.0.0.0" };
 * ```
 */
export interface PortOwner {
  /** Process id, or `null` when the socket is visible but its process is not. */
  readonly pid: number | null;
  /** Its command line, when readable; else the program's name, when that is. */
  readonly command: string | null;
  /** The local address it bound. */
  readonly address: string;
}

/**
 * What {@link findUdpPortOwners} found, and what it lacked.
 *
 * @example
 * ```ts
 * import type { PortOwnerSearch } from "./port_owner_types.ts";
 *
 * const search: PortOwnerSearch = { owners: [], source: null, needs: "--allow-run=ss,ps" };
 * ```
 */
export interface PortOwnerSearch {
  /** The sockets on the port and their processes, as far as they could be seen. */
  readonly owners: PortOwner[];
  /** Where the owners came from: `/proc`, the `ss` program, or nowhere. */
  readonly source: "proc" | "ss" | null;
  /**
   * What would name the owners (or give their command lines) when it was missing: a Deno
   * permission flag such as `--allow-run=ss,ps`, or a program to install; `null` when nothing was.
   */
  readonly needs: string | null;
}
