/** The schedule's socket aliases, turned into handles (MAC and/or IP, or the stored name). */
import type { Controller, SocketController } from "../client/controller.ts";
import { findSocketByName } from "../client/find_by_name.ts";
import type { DiscoveryTarget, SocketTarget } from "../client/targets.ts";
import { DeviceNotFoundError } from "../errors.ts";
import type { Schedule } from "../schedule/types.ts";

/**
 * A socket of the schedule: its alias and handle, or why it has none yet.
 *
 * @example
 * ```ts
 * import type { ScheduledSocket } from "@s20/s20/scheduler";
 *
 * const missing = (list: ScheduledSocket[]) => list.filter((s) => s.socket === null);
 * ```
 */
export interface ScheduledSocket {
  /** The alias in the file. */
  readonly alias: string;
  /** Its handle, or `null` when it could not be found. */
  readonly socket: SocketController | null;
  /** Why there is no handle. */
  readonly error: Error | null;
}

/**
 * Options for {@linkcode resolveSockets}.
 *
 * @example
 * ```ts
 * import type { ResolveSocketsOptions } from "@s20/s20/scheduler";
 *
 * const options: ResolveSocketsOptions = { targets: ["192.168.7.255"], timeout: 2000 };
 * ```
 */
export interface ResolveSocketsOptions {
  /** Addresses to use instead of the file's, by alias (the demo points them at emulators). */
  readonly overrides?: Readonly<Record<string, SocketTarget>>;
  /** Where to look for sockets known only by name. */
  readonly targets?: readonly DiscoveryTarget[];
  /** Discovery window for names, ms. */
  readonly timeout?: number;
}

/**
 * Resolves every alias to a handle; a socket known only by a name nobody answers to gets an
 * error instead.
 *
 * @example
 * ```ts ignore
 * import { S20Client } from "@s20/s20";
 * import { parseSchedule } from "@s20/s20/schedule";
 * import { resolveSockets } from "@s20/s20/scheduler";
 *
 * await using client = new S20Client();
 * const sockets = await resolveSockets(parseSchedule(await Deno.readTextFile("s.yaml")), client);
 * ```
 *
 * @param schedule The schedule.
 * @param controller The client.
 * @param options Overrides, discovery targets and timeout.
 * @returns One entry per alias, in file order.
 */
export async function resolveSockets(
  schedule: Schedule,
  controller: Controller,
  options: ResolveSocketsOptions = {},
): Promise<ScheduledSocket[]> {
  const { overrides = {}, targets, timeout = 3000 } = options;
  return await Promise.all(
    Object.entries(schedule.sockets).map(async ([alias, address]) => {
      const override = overrides[alias];
      if (override) return { alias, socket: controller.socket(override), error: null };
      if (address.mac || address.ip) {
        const target = {
          ...(address.mac ? { mac: address.mac } : {}),
          ...(address.ip ? { ip: address.ip } : {}),
        };
        return { alias, socket: controller.socket(target), error: null };
      }
      const found = await findSocketByName(controller, address.name!, {
        timeout,
        ...(targets ? { targets } : {}),
      });
      // By MAC alone: an address found by name is not pinned, so the socket may move (DHCP).
      return found ? { alias, socket: controller.socket(found.mac), error: null } : {
        alias,
        socket: null,
        error: new DeviceNotFoundError(
          address.name!,
          `no socket on the network is named "${address.name}"`,
        ),
      };
    }),
  );
}
