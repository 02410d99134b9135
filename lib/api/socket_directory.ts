/**
 * The sockets the daemon knows, so other programs may name them as people do: by the alias of
 * the schedule it runs, or by the name stored in the socket's table 4. It learns from what
 * passes through it (discoveries, answers, events) and, for a name it has not met, runs one
 * discovery and reads each socket's name as it answers, stopping at the first match.
 */
import type { DiscoveredSocket } from "../client/types.ts";
import { nameNotFound } from "../client/find_by_name.ts";
import type { Controller, SocketController } from "../client/controller.ts";
import type { S20Event } from "../client/events.ts";
import type { ParsedSocket } from "../client/targets.ts";
import { DeviceNotFoundError } from "../errors.ts";
import type { Mac } from "../protocol/mac.ts";
import type { Schedule, SocketAddress } from "../schedule/types.ts";
import type { Clock } from "../time/clock.ts";

/**
 * One socket as `GET /v1/sockets` (and `DaemonClient.sockets()`) lists it.
 *
 * @example
 * ```ts
 * import type { KnownSocket } from "@s20/s20/api";
 *
 * const line = (s: KnownSocket) => `${s.name ?? s.mac} (${s.aliases.join(", ")}): ${s.on ? "on" : "off"}`;
 * ```
 */
export interface KnownSocket {
  /** Its MAC address, lower case with colons. */
  readonly mac: string;
  /** The IPv4 address it last spoke from, once heard. */
  readonly ip: string | null;
  /** The UDP port it last spoke from, once heard. */
  readonly port: number | null;
  /** The name in its table 4, once read. */
  readonly name: string | null;
  /** The schedule's aliases for it. */
  readonly aliases: string[];
  /** The relay as last heard (`null`: not heard yet). */
  readonly on: boolean | null;
  /** When it last answered or spoke (ISO 8601), `null` if never since the daemon started. */
  readonly lastSeen: string | null;
}

interface Entry {
  ip: string | null;
  port: number | null;
  name: string | null;
  on: boolean | null;
  lastSeen: number | null;
}

/** What a lookup by name may use: the request's time, its signal and `via` targets. */
export interface LookupOptions {
  readonly timeout: number;
  readonly signal: AbortSignal;
  readonly via: readonly string[];
}

/** Longest discovery a name lookup runs (a socket answers a probe within ~300 ms). */
const LOOKUP_WINDOW_MS = 3000;

/** The daemon's sockets: what it has heard of each, and their names and aliases. */
export class SocketDirectory {
  readonly #controller: Controller;
  readonly #schedule: () => Schedule | null;
  readonly #clock: Clock;
  readonly #entries = new Map<Mac, Entry>();

  constructor(controller: Controller, schedule: () => Schedule | null, clock: Clock) {
    this.#controller = controller;
    this.#schedule = schedule;
    this.#clock = clock;
  }

  /** Takes in what a socket said: `answered` when it spoke just now. */
  note(
    mac: Mac,
    fields: { ip?: string | null; port?: number | null; name?: string | null; on?: boolean | null },
    answered = true,
  ): void {
    const entry = this.#entries.get(mac) ??
      { ip: null, port: null, name: null, on: null, lastSeen: null };
    if (fields.ip) entry.ip = fields.ip;
    if (fields.port) entry.port = fields.port;
    if (fields.name) entry.name = fields.name;
    if (fields.on !== undefined && fields.on !== null) entry.on = fields.on;
    if (answered) entry.lastSeen = this.#clock.now();
    this.#entries.set(mac, entry);
  }

  /** Takes in a socket handle after a call it answered. */
  noteSocket(socket: SocketController, name?: unknown): void {
    if (!socket.mac) return;
    this.note(socket.mac, {
      ip: socket.address?.hostname ?? null,
      port: socket.address?.port ?? null,
      on: socket.lastKnownState,
      ...(typeof name === "string" ? { name } : {}),
    });
  }

  /** Takes in a discovery reply. */
  noteFound(found: DiscoveredSocket): void {
    this.note(found.mac, { ip: found.ip, port: found.port, on: found.on });
  }

  /** Takes in a live event. */
  noteEvent(event: S20Event): void {
    if (event.type === "offline") return;
    this.note(event.mac, {
      ...("ip" in event ? { ip: event.ip } : {}),
      ...("on" in event ? { on: event.on } : {}),
    });
  }

  /**
   * The socket a schedule alias or a table-4 name (any case) stands for.
   *
   * @throws {DeviceNotFoundError} If nothing answers to it; the message lists what is known.
   */
  async find(token: string, options: LookupOptions): Promise<ParsedSocket> {
    const alias = this.#schedule()?.sockets[token];
    if (alias?.mac || alias?.ip) return this.#aliasTarget(alias);
    const name = alias?.name ?? token;
    const known = this.#byName(name) ?? (await this.#lookup(name, options), this.#byName(name));
    if (known) return known;
    const names = [
      ...Object.keys(this.#schedule()?.sockets ?? {}),
      ...[...this.#entries.values()].flatMap((e) => e.name ? [e.name] : []),
    ];
    // The CLI's words, so a name fails alike with and without a daemon.
    throw nameNotFound(token, names);
  }

  /**
   * What an event stream's `keepalive` name stands for, from what is known already (a stream
   * opens at once, without a lookup).
   *
   * @throws {DeviceNotFoundError} If the alias or name is not known yet.
   */
  known(token: string): ParsedSocket {
    const alias = this.#schedule()?.sockets[token];
    if (alias?.mac || alias?.ip) return this.#aliasTarget(alias);
    const known = this.#byName(alias?.name ?? token);
    if (known) return known;
    throw new DeviceNotFoundError(
      token,
      "no schedule alias or socket name the daemon knows yet matches; use it once, or give its MAC",
    );
  }

  /** Every socket known, by MAC, with the schedule's aliases for it. */
  list(): KnownSocket[] {
    const sockets = this.#schedule()?.sockets ?? {};
    return [...this.#entries].sort(([a], [b]) => a.localeCompare(b)).map(([mac, e]) => ({
      mac,
      ip: e.ip,
      port: e.port,
      name: e.name,
      aliases: Object.entries(sockets).filter(([, s]) =>
        s.mac === mac || (s.ip !== undefined && s.ip === e.ip) ||
        (s.name !== undefined && s.name.toLowerCase() === e.name?.toLowerCase())
      ).map(([alias]) => alias),
      on: e.on,
      lastSeen: e.lastSeen === null ? null : new Date(e.lastSeen).toISOString(),
    }));
  }

  #aliasTarget(alias: SocketAddress): ParsedSocket {
    return {
      mac: (alias.mac ?? null) as Mac | null,
      address: alias.ip ? { hostname: alias.ip, port: 10000 } : null,
    };
  }

  #byName(name: string): ParsedSocket | null {
    const wanted = name.toLowerCase();
    for (const [mac, e] of this.#entries) {
      if (e.name?.toLowerCase() !== wanted) continue;
      return {
        mac,
        address: e.ip && e.port ? { hostname: e.ip, port: e.port } : null,
      };
    }
    return null;
  }

  /** Discovers, reading each socket's name as it answers; ends at the first `name`. */
  async #lookup(name: string, options: LookupOptions): Promise<void> {
    const stop = new AbortController();
    const signal = AbortSignal.any([stop.signal, options.signal]);
    const { promise: matched, resolve } = Promise.withResolvers<void>();
    const reads: Promise<void>[] = [];
    const scan = (async () => {
      const found = this.#controller.discover({
        timeout: Math.min(LOOKUP_WINDOW_MS, options.timeout),
        signal,
        ...(options.via.length > 0 ? { targets: options.via } : {}),
      });
      try {
        for await (const socket of found) {
          this.noteFound(socket);
          reads.push(
            this.#readName(socket, options.timeout, signal).then(() => {
              if (this.#byName(name)) resolve();
            }),
          );
        }
      } catch (error) {
        if (!signal.aborted) throw error;
      }
      await Promise.all(reads);
    })();
    try {
      await Promise.race([matched, scan]);
    } finally {
      stop.abort();
      await scan.catch(() => {});
    }
    options.signal.throwIfAborted();
  }

  async #readName(found: DiscoveredSocket, timeout: number, signal: AbortSignal): Promise<void> {
    const socket = this.#controller.socket({ mac: found.mac, ip: found.ip, port: found.port });
    try {
      const data = await socket.info({ timeout, signal });
      this.noteSocket(socket, data.name);
    } catch {
      // A socket that does not answer the read is left unnamed, as by `socketNames`.
    }
  }
}
