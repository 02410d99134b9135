/**
 * Turns what the user typed into socket handles: a MAC, an IP (`:port` allowed), `MAC@IP`,
 * an alias, or a socket's own name (found by discovery plus a read of each one's table 4).
 */
import type { Controller, SocketController } from "../client/controller.ts";
import { parseSocketTarget } from "../client/targets.ts";
import { DeviceNotFoundError } from "../errors.ts";
import { nameNotFound, socketNames } from "../client/find_by_name.ts";
import type { Mac } from "../protocol/mac.ts";
import type { Alias } from "./config.ts";
import { malformedAddress } from "./socket_token.ts";
import { UsageError } from "./usage_error.ts";
import type { Target } from "./command.ts";
import { formatAddress } from "../util/address.ts";

export interface ResolveOptions {
  readonly aliases: ReadonlyMap<string, Alias>;
  readonly client: () => Controller;
  /** The daemon's handle for a name it resolves itself (its schedule's aliases, stored names). */
  readonly byName?: (name: string) => Promise<SocketController> | null;
  readonly timeoutMs: number;
  readonly all?: boolean;
  readonly progress: <T>(label: string, work: Promise<T>) => Promise<T>;
}

/** Addresses the tokens point at (for choosing the local bind address). */
export function addressesOf(
  tokens: readonly string[],
  aliases: ReadonlyMap<string, Alias>,
): string[] {
  const out: string[] = [];
  for (const token of tokens) {
    const alias = aliases.get(token);
    if (alias) {
      if (alias.ip) out.push(alias.ip);
      else out.push("0.0.0.0");
      continue;
    }
    try {
      const parsed = parseSocketTarget(token);
      out.push(parsed.address ? formatAddress(parsed.address) : "0.0.0.0");
    } catch {
      out.push("0.0.0.0");
    }
  }
  return out;
}

/** Resolves tokens (or every socket, with `all`) to handles, labelled with what the user typed. */
export async function resolveTargets(
  tokens: readonly string[],
  options: ResolveOptions,
): Promise<Target[]> {
  const { aliases, client } = options;
  // Every argument is checked before the first network wait, not when its turn comes.
  for (const token of tokens) {
    const problem = aliases.has(token) ? null : malformedAddress(token);
    if (problem !== null) throw new UsageError(`socket ${problem}`);
  }
  if (options.all) {
    const found = await options.progress(
      "Discovering sockets",
      Array.fromAsync(client().discover({ timeout: Math.min(options.timeoutMs, 3000) })),
    );
    if (found.length === 0) {
      throw new DeviceNotFoundError(
        "--all",
        "discovery found no sockets; run 's20 doctor' to see why",
      );
    }
    return found.map((s) => ({
      label: s.mac,
      socket: client().socket({ mac: s.mac, ip: s.ip, port: s.port }),
    }));
  }
  const out: Target[] = [];
  let names: Map<string, Mac> | null = null;
  for (const token of tokens) {
    const alias = aliases.get(token);
    if (alias && (alias.mac || alias.ip)) {
      out.push({
        label: token,
        socket: client().socket({
          ...(alias.mac ? { mac: alias.mac } : {}),
          ...(alias.ip ? { ip: alias.ip } : {}),
        }),
      });
      continue;
    }
    const name = alias?.name ?? token;
    let parsed;
    try {
      parsed = alias ? null : parseSocketTarget(token);
    } catch {
      parsed = null;
    }
    if (parsed) {
      out.push({
        label: token,
        socket: client().socket({
          ...(parsed.mac ? { mac: parsed.mac } : {}),
          ...(parsed.address ? { ip: parsed.address.hostname, port: parsed.address.port } : {}),
        }),
      });
      continue;
    }
    const named = await options.byName?.(name);
    if (named) {
      out.push({ label: token, socket: named });
      continue;
    }
    names ??= new Map(
      [
        ...(await options.progress(
          "Looking up socket names",
          socketNames(client(), { timeout: Math.min(options.timeoutMs, 3000) }),
        )),
      ].map(([n, s]) => [n, s.mac]),
    );
    const mac = [...names].find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
    if (!mac) {
      throw nameNotFound(token, [...aliases.keys(), ...names.keys()], name);
    }
    out.push({ label: token, socket: client().socket(mac) });
  }
  return out;
}
