/**
 * The names stored in the sockets' table 4, as the daemon's automations use them: a script
 * may say `sockets.socket("Kettle")` as the CLI does. What is learned is kept; a name not
 * met yet costs one bounded discovery that reads each socket's name as it answers and stops
 * at the first match (the API's socket directory does the same for the CLI).
 */
import type { Controller } from "../client/controller.ts";
import type { DiscoveryTarget } from "../client/targets.ts";
import type { DiscoveredSocket } from "../client/types.ts";
import { nameNotFound } from "../client/find_by_name.ts";
import { Mac } from "../protocol/mac.ts";

/** Longest discovery one lookup runs (a socket answers a probe within ~300 ms). */
const LOOKUP_WINDOW_MS = 3000;

/** Where a named socket was last heard. */
export interface NamedSocket {
  readonly name: string;
  readonly mac: string;
  readonly ip: string;
  readonly port: number;
}

/** Stored socket names, learned through the daemon's client. */
export class SocketNames {
  readonly #controller: Controller;
  readonly #targets: () => readonly DiscoveryTarget[] | undefined;
  /** By name in lower case. */
  readonly #named = new Map<string, NamedSocket>();
  /** Lookups under way, by name in lower case: two calls for one name share a discovery. */
  readonly #looking = new Map<string, Promise<NamedSocket | null>>();

  constructor(controller: Controller, targets: () => readonly DiscoveryTarget[] | undefined) {
    this.#controller = controller;
    this.#targets = targets;
  }

  /** Every name learned so far, as the sockets store it. */
  names(): string[] {
    return [...this.#named.values()].map((s) => s.name);
  }

  /**
   * The socket whose stored name is `name` (any case).
   *
   * @param others Further names the error lists (the schedule's aliases).
   * @throws {DeviceNotFoundError} If no socket answers to it; the message lists the known names.
   */
  async find(name: string, others: readonly string[], signal: AbortSignal): Promise<NamedSocket> {
    const key = name.toLowerCase();
    let found = this.#named.get(key) ?? null;
    if (!found) {
      let lookup = this.#looking.get(key);
      if (!lookup) {
        lookup = this.#lookUp(key).finally(() => this.#looking.delete(key));
        this.#looking.set(key, lookup);
      }
      found = await raceSignal(lookup, signal);
    }
    if (found) return found;
    throw nameNotFound(name, [...others, ...this.names()]);
  }

  /** One discovery; each socket's name is read as it answers, until `key` is met. */
  async #lookUp(key: string): Promise<NamedSocket | null> {
    const stop = new AbortController();
    const targets = this.#targets();
    const { promise: matched, resolve } = Promise.withResolvers<NamedSocket | null>();
    const reads: Promise<void>[] = [];
    const learn = async (socket: DiscoveredSocket) => {
      const named = await this.#readName(socket, stop.signal);
      if (named?.name.toLowerCase() === key) resolve(named);
    };
    const scan = (async () => {
      const found = this.#controller.discover({
        timeout: LOOKUP_WINDOW_MS,
        signal: stop.signal,
        ...(targets ? { targets } : {}),
      });
      try {
        for await (const socket of found) reads.push(learn(socket));
      } catch {
        // A discovery that fails finds nothing more; the names read so far stay.
      }
      await Promise.all(reads);
      resolve(null);
    })();
    try {
      return await matched;
    } finally {
      stop.abort();
      await scan;
    }
  }

  async #readName(found: DiscoveredSocket, signal: AbortSignal): Promise<NamedSocket | null> {
    try {
      const handle = this.#controller.socket({ mac: found.mac, ip: found.ip, port: found.port });
      const data = await handle.info({ signal });
      if (!data.name) return null;
      const named = { name: data.name, mac: found.mac, ip: found.ip, port: found.port };
      this.#named.set(data.name.toLowerCase(), named);
      return named;
    } catch {
      // A socket that does not answer the read stays unnamed, as with `socketNames`.
      return null;
    }
  }
}

/**
 * Whether a script's target is a stored name rather than a MAC or an address (the API tells
 * them apart alike: no `:` or `@`, not digits and dots).
 */
export function isStoredName(target: string): boolean {
  return !/[:@]/.test(target) && !/^[\d.]+$/.test(target) && Mac.tryParse(target) === null;
}

/** `promise`, or the signal's reason once it aborts (the shared lookup runs on). */
function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
