/**
 * The names people give sockets, shown beside MACs: the alias from the config file or schedule
 * (`sockets:`), and the name stored in the socket itself (table 4, the vendor app's name).
 */
import type { SocketController } from "../client/controller.ts";
import { S20Error } from "../errors.ts";
import type { Alias } from "./config.ts";

/** A socket as output knows it: the name typed (if any), its MAC and IP once known. */
export interface SocketRef {
  readonly label?: string;
  readonly mac: string | null;
  readonly ip?: string | null;
}

/**
 * The alias of a socket: the one typed, else the first whose MAC matches, else the first whose
 * IP matches (an alias without a MAC); `null` when the config names it nowhere.
 */
export function aliasFor(aliases: ReadonlyMap<string, Alias>, socket: SocketRef): string | null {
  if (socket.label !== undefined && aliases.has(socket.label)) return socket.label;
  const entries = [...aliases];
  const byMac = entries.find(([, a]) => a.mac !== undefined && a.mac === socket.mac);
  if (byMac) return byMac[0];
  const byIp = entries.find(([, a]) =>
    a.mac === undefined && a.ip !== undefined && a.ip === socket.ip
  );
  return byIp?.[0] ?? null;
}

/** The name stored in the socket (table 4); `null` if never set or the socket did not answer. */
export async function readName(socket: SocketController): Promise<string | null> {
  try {
    return (await socket.info()).name;
  } catch (error) {
    if (!(error instanceof S20Error)) throw error;
    return null;
  }
}

/**
 * How a socket reads in a line of output: its alias (else what the user typed), its own name in
 * quotes when that says more, then the MAC: `desk "Desk lamp" (ac:cf:23:24:19:c0)`; just the
 * MAC when nothing names it.
 */
export function socketTitle(
  mac: string,
  names: { alias: string | null; name: string | null; label?: string | undefined },
): string {
  const { alias, name, label } = names;
  const first = alias ?? (label !== undefined && label !== mac ? label : null);
  const words = [
    ...(first !== null ? [first] : []),
    ...(name !== null && name.toLowerCase() !== first?.toLowerCase() ? [`"${name}"`] : []),
  ];
  return words.length === 0 ? mac : `${words.join(" ")} (${mac})`;
}
