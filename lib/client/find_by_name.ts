/** Finding sockets by the name stored in their table 4 (the name the vendor app shows). */
import { DeviceNotFoundError, S20Error } from "../errors.ts";
import { closest } from "../util/suggest.ts";
import type { Mac } from "../protocol/mac.ts";
import type { Controller } from "./controller.ts";
import type { DiscoveredSocket, DiscoverOptions } from "./types.ts";

/**
 * Discovers sockets and reads each one's name. Sockets that do not answer the read are left
 * out; names compare case-insensitively in {@linkcode findSocketByName}.
 *
 * @example
 * ```ts
 * import { S20Client, socketNames } from "@s20/s20";
 * import { startEmulator } from "@s20/s20/emulator";
 *
 * await using emulated = await startEmulator({ hostname: "127.0.0.1", port: 0, replyTo: "source", name: "Desk" });
 * await using client = new S20Client({ hostname: "127.0.0.1", port: 0 });
 * const names = await socketNames(client, { targets: [`127.0.0.1:${emulated.address.port}`], timeout: 300 });
 * console.log(names.get("Desk")?.mac);
 * ```
 *
 * @param controller A client (or daemon connection).
 * @param options Where and how long to discover.
 * @returns Each named socket by its name.
 */
export async function socketNames(
  controller: Controller,
  options: DiscoverOptions = {},
): Promise<Map<string, DiscoveredSocket>> {
  const found = await Array.fromAsync(controller.discover(options));
  const names = new Map<string, DiscoveredSocket>();
  await Promise.all(found.map(async (s) => {
    try {
      const data = await controller.socket({ mac: s.mac, ip: s.ip, port: s.port }).info();
      if (data.name) names.set(data.name, s);
    } catch (error) {
      if (!(error instanceof S20Error)) throw error;
    }
  }));
  return names;
}

/**
 * The socket whose stored name is `name` (ignoring case), or `null`.
 *
 * @example
 * ```ts
 * import { findSocketByName, S20Client } from "@s20/s20";
 *
 * await using client = new S20Client({ hostname: "127.0.0.1", port: 0 });
 * const hall = await findSocketByName(client, "Hall", { targets: ["127.0.0.1"], timeout: 200 });
 * console.log(hall === null ? "no socket called Hall" : hall.mac);
 * ```
 *
 * @param controller A client (or daemon connection).
 * @param name The name to look for.
 * @param options Where and how long to discover.
 */
export async function findSocketByName(
  controller: Controller,
  name: string,
  options: DiscoverOptions = {},
): Promise<{ mac: Mac; ip: string; port: number } | null> {
  const names = await socketNames(controller, options);
  for (const [n, s] of names) {
    if (n.toLowerCase() === name.toLowerCase()) return { mac: s.mac, ip: s.ip, port: s.port };
  }
  return null;
}

/**
 * The error for a name no socket answers to, in the same words wherever sockets are named (the
 * CLI, the daemon's API, automations): the closest known name, and every known one.
 *
 * @example
 * ```ts ignore
 * throw nameNotFound("Ketle", ["desk", "Kettle"]); // … (did you mean 'Kettle'?); known: desk, Kettle
 * ```
 *
 * @param token What was looked for.
 * @param known The aliases and stored names known.
 * @param name The name the closest is sought for, when `token` is an alias for it.
 */
export function nameNotFound(
  token: string,
  known: readonly string[],
  name = token,
): DeviceNotFoundError {
  const guess = closest(name, known);
  return new DeviceNotFoundError(
    token,
    "no alias, MAC, address or socket name matches" +
      (guess ? ` (did you mean '${guess}'?)` : "") +
      (known.length > 0
        ? `; known: ${known.join(", ")}`
        : "; no sockets were found on the network"),
  );
}
