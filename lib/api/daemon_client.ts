/**
 * A {@linkcode Controller} that talks to a running s20 daemon over its local API instead of
 * UDP: same methods, same return types, same errors, so a program (the CLI included) works
 * unchanged whether it owns UDP port 10000 or the daemon does.
 */
import type { DiscoveredSocket, DiscoverOptions } from "../client/types.ts";
import type { Controller, EventsOptions, SocketController } from "../client/controller.ts";
import { EventHub } from "../client/event_hub.ts";
import type { S20Event } from "../client/events.ts";
import type { CallOptions } from "../client/types.ts";
import { type DiscoveryTarget, parseSocketTarget, type SocketTarget } from "../client/targets.ts";
import { NetworkError, S20Error } from "../errors.ts";
import type { Mac } from "../protocol/mac.ts";
import type { LogEntry } from "../scheduler/log_entry.ts";
import type { AutomationStatus } from "../scheduler/automation_host.ts";
import { ApiConnection, type Query } from "./connection.ts";
import { DaemonSocket, type Owner, targetPath, targetText } from "./daemon_socket.ts";
import {
  CLIENT_MARGIN_MS,
  DEADLINE_HEADER,
  DEFAULT_TIMEOUT_MS,
  QUEUE_ALLOWANCE_MS,
} from "./limits.ts";
import type { DaemonEndpoint } from "./locate.ts";
import type { KnownSocket } from "./socket_directory.ts";
import { errorFromJson } from "../error_json.ts";
import { discoveredFromJson, eventFromJson, type SocketMeta } from "./wire.ts";

/**
 * Options for {@linkcode DaemonClient}: where the daemon is (its socket `path`, or `url` and
 * `token`), and the defaults of calls.
 *
 * @example
 * ```ts
 * import type { DaemonClientOptions } from "@s20/s20/api";
 *
 * const options: DaemonClientOptions = { path: "/run/user/1000/s20/daemon.sock", timeout: 3000 };
 * ```
 */
export interface DaemonClientOptions {
  /** The daemon's Unix socket. Give this, or `url` and `token`. */
  readonly path?: string;
  /** `http://127.0.0.1:PORT` of a daemon started with `--listen`. */
  readonly url?: string;
  /** The bearer token from the daemon's token file (with `url`). */
  readonly token?: string;
  /**
   * Milliseconds a socket call may take before `DeviceTimeoutError`, as for `S20Client`.
   *
   * @default {5000}
   */
  readonly timeout?: number;
  /**
   * Where discovery looks (passed to the daemon), and where the daemon looks for a socket
   * named by MAC alone that it has not met yet.
   *
   * @default {the daemon's own targets}
   */
  readonly targets?: readonly DiscoveryTarget[];
}

/**
 * What `GET /v1/health` answers.
 *
 * @example
 * ```ts
 * import type { DaemonHealth } from "@s20/s20/api";
 *
 * const line = (h: DaemonHealth) => `${h.mode} daemon, pid ${h.pid}, ${h.streams} streams`;
 * ```
 */
export interface DaemonHealth {
  /** Always `true`. */
  readonly ok: true;
  /** The API version (1). */
  readonly api: number;
  /** `schedule` under `s20 schedule run`, `serve` under `s20 serve`. */
  readonly mode: "schedule" | "serve";
  /** The daemon's process id. */
  readonly pid: number;
  /** When the API started (ISO 8601). */
  readonly startedAt: string;
  /** Event streams open now. */
  readonly streams: number;
}

/**
 * What `GET /v1/schedule` answers: the schedule being run, its last sync and next events
 * (instants as ISO 8601 strings).
 *
 * @example
 * ```ts
 * import type { DaemonScheduleStatus } from "@s20/s20/api";
 *
 * const next = (s: DaemonScheduleStatus) => s.nextEvents.map((e) => `${e.local} ${e.socket} ${e.action}`);
 * ```
 */
export interface DaemonScheduleStatus {
  /** The schedule file. */
  readonly file: string;
  /** Its zone. */
  readonly timezone: string;
  /** When the daemon started. */
  readonly startedAt: string | null;
  /** The last full sync, per socket. */
  readonly lastSync: {
    readonly at: string;
    readonly deviceCapable: boolean;
    readonly sockets: readonly {
      readonly socket: string;
      readonly mac: string | null;
      readonly verified: boolean;
      readonly error: { readonly code: string; readonly message: string } | null;
    }[];
  } | null;
  /** Sockets whose own timers hold the schedule. */
  readonly deviceReady: readonly string[];
  /** The next events, whoever runs them. */
  readonly nextEvents: readonly {
    readonly at: string;
    readonly local: string;
    readonly socket: string;
    readonly action: "on" | "off";
    readonly ruleId: string;
    readonly ruleName: string | null;
    readonly run: "device" | "host";
  }[];
}

/**
 * A {@linkcode Controller} over a running daemon's API (`s20 serve`, `s20 schedule run`): the
 * daemon owns UDP port 10000 and carries out the calls. Results and errors are those of a
 * direct {@linkcode S20Client}, with two differences: `info()` never carries the remote
 * password (blank, and its bytes in `raw` are spaces; do not write such a record back to a
 * socket yourself, the daemon's own writes keep the password), and clocks are compared with
 * the daemon host's time. Prefer {@linkcode connect}, which finds the daemon and falls back to
 * UDP when none runs.
 *
 * @example Switch a socket through a daemon
 * ```ts ignore
 * import { DaemonClient } from "@s20/s20/api";
 *
 * await using daemon = new DaemonClient({ path: "/run/user/1000/s20/daemon.sock" });
 * console.log(await daemon.socket("192.168.1.30").on());
 * ```
 */
export class DaemonClient implements Controller {
  readonly #connection: ApiConnection;
  readonly #timeout: number;
  readonly #targets: readonly DiscoveryTarget[] | undefined;
  readonly #sockets = new Map<string, DaemonSocket>();
  /** Relay states as this client knows them, so it reports a change once, as a direct client. */
  readonly #states = new Map<string, boolean>();
  readonly #stateEvents = new EventHub<S20Event>();
  readonly #held = new Map<string, number>();
  /** Streams being opened: calls wait for them, so a stream sees what the calls cause. */
  readonly #opening = new Set<Promise<void>>();
  readonly #closing = new AbortController();
  #closed: Promise<void> | null = null;

  /**
   * Prepares the connection (nothing is sent until the first call).
   *
   * @throws {TypeError} Without `path`, or `url` and `token`.
   */
  constructor(options: DaemonClientOptions) {
    const { path, url, token, timeout = DEFAULT_TIMEOUT_MS, targets } = options;
    let endpoint: DaemonEndpoint;
    if (path !== undefined) endpoint = { path, explicit: true };
    else if (url !== undefined && token !== undefined) endpoint = { url, token, explicit: true };
    else throw new TypeError("Cannot reach a daemon: give its socket 'path', or 'url' and 'token'");
    this.#connection = new ApiConnection(endpoint);
    this.#timeout = timeout;
    this.#targets = targets;
  }

  /** Where the daemon is: its socket path or URL. */
  get endpoint(): string {
    return this.#connection.label;
  }

  /**
   * A handle on one socket: a MAC, an IP (`:port` allowed), or `MAC@IP`, as for
   * `S20Client.socket`. The same target gives the same handle.
   *
   * @throws {TypeError} If the target is not a MAC, an address or both.
   */
  socket(target: SocketTarget): SocketController {
    const parsed = parseSocketTarget(target);
    const key = targetPath(parsed);
    let socket = this.#sockets.get(key);
    if (!socket) {
      socket = new DaemonSocket(this.#owner, parsed);
      this.#sockets.set(key, socket);
    }
    return socket;
  }

  /**
   * The socket the daemon knows by this name: an alias of the schedule it runs, or the name
   * stored in the socket (its table 4, any case), looked up by the daemon when it has not met
   * it yet. The handle names the socket by MAC and address.
   *
   * @throws {DeviceNotFoundError} If no alias or socket name matches.
   *
   * @example
   * ```ts ignore
   * import { DaemonClient } from "@s20/s20/api";
   *
   * await using daemon = new DaemonClient({ path: "/run/user/1000/s20/daemon.sock" });
   * await (await daemon.byName("Kettle")).on();
   * ```
   */
  async byName(name: string, options: CallOptions = {}): Promise<SocketController> {
    await this.#streamsOpen();
    const timeout = options.timeout ?? this.#timeout;
    const json = await this.#connection.request("GET", "/v1/sockets", {
      query: { name, timeout, ...(this.#targets ? { via: this.#targets.map(targetText) } : {}) },
      signal: this.#signal(options.signal),
      waitMs: timeout + QUEUE_ALLOWANCE_MS + CLIENT_MARGIN_MS,
    }) as { sockets: KnownSocket[] };
    const [found] = json.sockets;
    if (!found) {
      throw new S20Error("DAEMON_PROTOCOL", "The s20 daemon sent a malformed socket list");
    }
    return this.socket({
      mac: found.mac,
      ...(found.ip ? { ip: found.ip } : {}),
      ...(found.port ? { port: found.port } : {}),
    });
  }

  /**
   * The sockets the daemon knows: MAC, address, stored name, the schedule's aliases, relay
   * state and when each was last heard (ISO 8601).
   */
  async sockets(): Promise<KnownSocket[]> {
    await this.#streamsOpen();
    const json = await this.#connection.request("GET", "/v1/sockets", {
      signal: this.#closing.signal,
      waitMs: this.#timeout,
    }) as { sockets: KnownSocket[] };
    return json.sockets;
  }

  /** Finds sockets (the daemon probes), yielding each once as it answers. */
  async *discover(options: DiscoverOptions = {}): AsyncIterableIterator<DiscoveredSocket> {
    const { timeout = 3000, signal, onProbeError } = options;
    const targets = options.targets ?? this.#targets;
    const stream = this.#connection.stream("/v1/discover", {
      query: {
        timeout,
        ...(targets ? { target: targets.map(targetText) } : {}),
      },
      signal: this.#signal(signal),
    });
    try {
      for await (const line of stream) {
        const item = line as { socket?: unknown; probeError?: unknown; error?: unknown };
        if (item.error !== undefined) throw errorFromJson(line);
        if (item.probeError !== undefined) {
          const p = item.probeError as { hostname: string; port: number; message: string };
          onProbeError?.({ hostname: p.hostname, port: p.port }, new NetworkError(p.message));
          continue;
        }
        yield discoveredFromJson(item.socket);
      }
      signal?.throwIfAborted();
    } finally {
      await stream.return?.();
    }
  }

  /**
   * Live events: what the daemon hears, and this client's own view of relay states (reported
   * once per change, as a direct client does). Sockets in `keepAlive` (and those held with
   * `keepAlive()`) are kept subscribed by the daemon while the iteration runs.
   */
  events(options: EventsOptions = {}): AsyncIterableIterator<S20Event> {
    const stop = new AbortController();
    const signal = AbortSignal.any([
      stop.signal,
      this.#closing.signal,
      ...(options.signal ? [options.signal] : []),
    ]);
    const merged = new EventHub<S20Event>();
    const out = merged.subscribe({ signal });
    // Subscribed now, before the caller's next call could report a state.
    const mine = this.#stateEvents.subscribe({ signal });
    const held = new Set(this.#held.keys());
    for (const s of options.keepAlive ?? []) {
      if (s instanceof DaemonSocket) held.add(s.key);
      else if (s.mac) held.add(s.mac);
    }
    const stream = this.#opened(
      this.#connection.stream("/v1/events", {
        query: { source: "socket", ...(held.size > 0 ? { keepalive: [...held] } : {}) },
        signal,
      }),
    );
    let failure: unknown = null;
    const fromDaemon = (async () => {
      for await (const line of stream) {
        const item = line as { source?: string; event?: unknown };
        if (item.source !== "socket") continue;
        const event = eventFromJson(item.event);
        // States go through this client's view, so each change is reported once.
        if (event.type === "state") this.#noteState(event.mac, event.on, event.at);
        else merged.emit(event);
      }
    })().catch((error) => {
      if (!signal.aborted) failure = error;
    }).finally(() => stop.abort()); // The daemon went away: the iteration ends with it.
    const fromHere = (async () => {
      for await (const event of mine) merged.emit(event);
    })();
    const pumps = Promise.all([fromDaemon, fromHere]).finally(() => merged.close());
    const finish = async () => {
      stop.abort();
      await stream.return?.();
      await pumps;
    };
    return {
      next: async () => {
        const result = await out.next();
        if (result.done) {
          await finish();
          if (failure !== null) throw failure;
        }
        return result;
      },
      return: async () => {
        await finish();
        return await out.return!();
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /**
   * Asks the daemon how it is.
   *
   * @throws {DaemonUnavailableError} If nothing answers.
   */
  async health(options: { readonly signal?: AbortSignal } = {}): Promise<DaemonHealth> {
    await this.#streamsOpen();
    return await this.#connection.request("GET", "/v1/health", {
      signal: this.#signal(options.signal),
      waitMs: this.#timeout,
    }) as DaemonHealth;
  }

  /**
   * Where the daemon's web page opens (the link carries its token on loopback), or `null`
   * when it serves none.
   */
  async webUrl(): Promise<string | null> {
    await this.#streamsOpen();
    const json = await this.#connection.request("GET", "/v1/web", {
      signal: this.#closing.signal,
      waitMs: this.#timeout,
    }) as { url: string | null };
    return json.url;
  }

  /**
   * The schedule the daemon runs: file, last sync, next events.
   *
   * @throws {S20Error} `NO_SCHEDULE` under `s20 serve`.
   */
  async scheduleStatus(options: { readonly next?: number } = {}): Promise<DaemonScheduleStatus> {
    await this.#streamsOpen();
    return await this.#connection.request("GET", "/v1/schedule", {
      query: { next: options.next },
      signal: this.#closing.signal,
      waitMs: this.#timeout,
    }) as DaemonScheduleStatus;
  }

  /**
   * The schedule's automations: state, restarts, last error and last lines of each.
   *
   * @throws {S20Error} `NO_SCHEDULE` under `s20 serve`.
   */
  async automations(): Promise<AutomationStatus[]> {
    await this.#streamsOpen();
    return await this.#connection.request("GET", "/v1/schedule/automations", {
      signal: this.#closing.signal,
      waitMs: this.#timeout,
    }) as AutomationStatus[];
  }

  /**
   * Stops one automation through its signal and starts it again (also a parked one).
   *
   * @throws {S20Error} `NOT_FOUND` when the schedule has no automation of that name.
   */
  async restartAutomation(name: string): Promise<void> {
    await this.#streamsOpen();
    await this.#connection.request(
      "POST",
      `/v1/schedule/automations/${encodeURIComponent(name)}/restart`,
      { signal: this.#closing.signal, waitMs: this.#timeout + 5000 },
    );
  }

  /**
   * Makes the daemon re-read its schedule file.
   *
   * @returns `true`; a file with errors throws and the old schedule keeps running.
   * @throws {S20Error} `SCHEDULE_INVALID` for a file with errors, `NO_SCHEDULE` under `s20 serve`.
   */
  async reloadSchedule(): Promise<boolean> {
    await this.#streamsOpen();
    const json = await this.#connection.request("POST", "/v1/schedule/reload", {
      signal: this.#closing.signal,
      waitMs: 600_000,
    }) as { reloaded: boolean };
    return json.reloaded;
  }

  /**
   * The schedule daemon's log entries from now on; the stream opens at once, and this client's
   * later calls wait until it is open.
   *
   * @throws {S20Error} `NO_SCHEDULE` (when iterated) under `s20 serve`.
   */
  logs(signal?: AbortSignal): AsyncIterableIterator<LogEntry> {
    const stream = this.#opened(
      this.#connection.stream("/v1/events", {
        query: { source: "schedule" },
        signal: this.#signal(signal),
      }),
    );
    async function* entries(): AsyncGenerator<LogEntry> {
      try {
        for await (const line of stream) {
          const item = line as { source?: string; entry?: Record<string, unknown> };
          if (item.source !== "schedule" || !item.entry) continue;
          yield { ...item.entry, at: new Date(String(item.entry.at)) } as unknown as LogEntry;
        }
      } finally {
        await stream.return?.();
      }
    }
    return entries();
  }

  /** Ends pending calls and streams and releases the connection. */
  close(): Promise<void> {
    this.#closed ??= (() => {
      this.#closing.abort(new S20Error("CLIENT_CLOSED", "The s20 client was closed"));
      this.#stateEvents.close();
      this.#connection.close();
      return Promise.resolve();
    })();
    return this.#closed;
  }

  /** Closes the client. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** Makes this client's calls wait until `stream` is open. */
  #opened<T extends { readonly opened: Promise<void> }>(stream: T): T {
    const opened = stream.opened;
    this.#opening.add(opened);
    opened.finally(() => this.#opening.delete(opened));
    return stream;
  }

  /** Resolves once every stream being opened is open. */
  async #streamsOpen(): Promise<void> {
    if (this.#opening.size > 0) await Promise.all(this.#opening);
  }

  #signal(signal?: AbortSignal): AbortSignal {
    return signal ? AbortSignal.any([signal, this.#closing.signal]) : this.#closing.signal;
  }

  #noteState(mac: string, on: boolean, at: Date = new Date()): void {
    if (this.#states.get(mac) === on) return;
    this.#states.set(mac, on);
    this.#stateEvents.emit({ type: "state", mac: mac as Mac, on, at });
  }

  readonly #owner: Owner = {
    call: async (socket, method, sub, options, body) => {
      await this.#streamsOpen();
      const timeout = options.timeout ?? this.#timeout;
      const deadline = timeout + QUEUE_ALLOWANCE_MS;
      const query: Record<string, string | number | string[]> = { timeout };
      if (socket.key === socket.mac && this.#targets) {
        query.via = this.#targets.map(targetText);
      }
      const json = await this.#connection.request(
        method,
        `/v1/sockets/${encodeURIComponent(socket.key)}/${sub}`,
        {
          query: query as Query,
          body,
          headers: { [DEADLINE_HEADER]: String(deadline) },
          signal: this.#signal(options.signal),
          waitMs: deadline + CLIENT_MARGIN_MS,
          onBody: (answer) => {
            const meta = (answer as { socket?: SocketMeta } | null)?.socket;
            if (!meta) return;
            socket.learn(meta);
            if (meta.mac && meta.lastKnownState !== null) {
              this.#noteState(meta.mac, meta.lastKnownState);
            }
          },
        },
      );
      return json as Record<string, unknown>;
    },
    hold: (key, signal) => {
      this.#held.set(key, (this.#held.get(key) ?? 0) + 1);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        signal?.removeEventListener("abort", release);
        const n = (this.#held.get(key) ?? 1) - 1;
        if (n > 0) this.#held.set(key, n);
        else this.#held.delete(key);
      };
      signal?.addEventListener("abort", release, { once: true });
      return { [Symbol.dispose]: release };
    },
  };
}
