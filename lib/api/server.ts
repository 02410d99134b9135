/**
 * The daemon's local API: HTTP and JSON over a Unix socket (mode 0600 in a private directory),
 * and optionally on loopback TCP behind a random bearer token, for everything the CLI does,
 * the schedule and a live event stream. The daemon owns UDP port 10000; every other program
 * talks to it here.
 */
import { dirname } from "node:path";
import type { Controller, SocketController } from "../client/controller.ts";
import { EventHub } from "../client/event_hub.ts";
import { type ParsedSocket, parseSocketTarget, parseTarget } from "../client/targets.ts";
import { DeviceNotFoundError, S20Error } from "../errors.ts";
import { type Clock, systemClock } from "../time/clock.ts";
import { isLoopback } from "../transport/ipv4.ts";
import { discoverResponse } from "./discover_route.ts";
import { droppedItem, eventStream, type StreamItem } from "./event_stream.ts";
import {
  errorResponse,
  HttpError,
  integerParam,
  jsonResponse,
  readJson,
  statusOf,
} from "./http.ts";
import { HttpListener } from "./http_server.ts";
import {
  API_VERSION,
  type ConnectionLimits,
  connectionLimits,
  DEADLINE_HEADER,
  DEFAULT_TIMEOUT_MS,
  MAX_TIMEOUT_MS,
  QUEUE_ALLOWANCE_MS,
} from "./limits.ts";
import {
  bindPrivately,
  clearStaleSocket,
  randomToken,
  sameSecret,
  writeTokenFile,
} from "./listen_files.ts";
import { currentUid, defaultDaemonPaths, type EnvReader, processEnv } from "./paths.ts";
import { preparePrivateDir } from "./private_files.ts";
import { allow, CALL, describeRoutes, notFound, type Route } from "./routing.ts";
import {
  noSchedule,
  SCHEDULE_ROUTES,
  scheduleRequest,
  type ScheduleSource,
} from "./schedule_routes.ts";
import { SOCKET_ROUTES } from "./socket_routes.ts";
import { SocketDirectory } from "./socket_directory.ts";
import { eventToJson, socketMeta } from "./wire.ts";
import { formatAddress } from "../util/address.ts";
import { WebGate } from "../web/gate.ts";
import type { WebSocketEntry } from "../web/data_routes.ts";
import { isWebPath, secured, webRequest } from "../web/web_routes.ts";

export type { ScheduleSource } from "./schedule_routes.ts";

/**
 * Options for {@linkcode startApiServer}.
 *
 * @example Serve a client on a socket path of your own
 * ```ts
 * import type { ApiServerOptions } from "@s20/s20/api";
 * import { S20Client } from "@s20/s20";
 *
 * const options = (client: S20Client): ApiServerOptions => ({
 *   controller: client,
 *   socket: "/run/user/1000/s20/daemon.sock",
 * });
 * ```
 */
export interface ApiServerOptions {
  /** Carries out the calls: the daemon's own client, which owns UDP port 10000. */
  readonly controller: Controller;
  /** The schedule daemon, under `s20 schedule run`; without it the schedule endpoints 404. */
  readonly scheduler?: ScheduleSource;
  /**
   * The Unix socket to serve on, or `null` for none (then give `listen`). Its directory is
   * made (mode 0700) if missing; the default directory is also kept private (0700, ours).
   *
   * @default {`$XDG_RUNTIME_DIR/s20/daemon.sock`, or `/tmp/s20-$UID/daemon.sock`}
   */
  readonly socket?: string | null;
  /** Also serve on loopback TCP, behind a bearer token. */
  readonly listen?: { readonly hostname: string; readonly port: number };
  /**
   * Serve the web page on the TCP listener too. On loopback it opens from a link with the
   * listener's token ({@linkcode ApiServer.webUrl}); on any other address, which only the
   * web page may take, it asks for the password whose hash is given here.
   */
  readonly web?: WebOptions;
  /**
   * Where the token of `listen` is written (mode 0600).
   *
   * @default {`daemon.token` beside the default socket}
   */
  readonly tokenFile?: string;
  /**
   * Wall time for the plan's default first day.
   *
   * @default {systemClock}
   */
  readonly clock?: Clock;
  /**
   * Milliseconds a socket call may take when the request gives no `timeout`.
   *
   * @default {5000}
   */
  readonly timeout?: number;
  /**
   * Events each stream client may have waiting; past that its oldest are dropped.
   *
   * @default {1000}
   */
  readonly streamQueue?: number;
  /**
   * Quiet milliseconds before an event stream sends a heartbeat.
   *
   * @default {15000}
   */
  readonly heartbeatMs?: number;
  /**
   * Connections each listener holds and how long each may take to send a request or stay
   * idle: what keeps half-open and slow clients from taking the API down.
   *
   * @default {{ maxConnections: 512, headerTimeoutMs: 10000, idleTimeoutMs: 60000 }}
   */
  readonly limits?: Partial<ConnectionLimits>;
  /** Hears failures that are the daemon's own (bugs), which requests see only as "internal". */
  readonly onError?: (error: unknown) => void;
  /**
   * Reads `XDG_RUNTIME_DIR` for the default paths.
   *
   * @default {the process environment}
   */
  readonly env?: EnvReader;
}

/**
 * How the web page is served (see {@linkcode ApiServerOptions.web}).
 *
 * @example
 * ```ts
 * import type { WebOptions } from "@s20/s20/api";
 *
 * const web: WebOptions = { sockets: () => [{ alias: "desk", mac: null, ip: "192.0.2.7" }] };
 * ```
 */
export interface WebOptions {
  /**
   * The password's stored hash (`s20 web passwd` writes it); required to listen off loopback.
   */
  readonly passwordHash?: string | null;
  /**
   * Ask for the password on loopback too, instead of opening from the token link.
   *
   * @default {false}
   */
  readonly requirePassword?: boolean;
  /** Sockets to list besides the schedule's (the config file's aliases). */
  readonly sockets?: () => readonly WebSocketEntry[];
}

/**
 * A running API. Close it (or `await using` it) to stop serving and remove its files.
 *
 * @example
 * ```ts
 * import type { ApiServer } from "@s20/s20/api";
 *
 * const where = (api: ApiServer) => api.socket ?? api.url;
 * ```
 */
export interface ApiServer extends AsyncDisposable {
  /** The Unix socket served on, or `null`. */
  readonly socket: string | null;
  /** `http://127.0.0.1:PORT` when serving on TCP, else `null`. */
  readonly url: string | null;
  /** The token file of the TCP listener, else `null`. */
  readonly tokenFile: string | null;
  /**
   * Where the web page opens (with its token on loopback), or `null` without `web`. It holds
   * the token: show it only to the user who runs the daemon.
   */
  readonly webUrl: string | null;
  /** Event streams open now. */
  readonly streams: number;
  /** Stops serving: ends streams and calls in flight, removes the socket and token files. */
  close(): Promise<void>;
}

/**
 * Whether a `{target}` is a schedule alias or a socket's name rather than a MAC or address
 * (those, even mistyped, have a colon, an `@`, or only digits and dots).
 */
function namesASocket(target: string): boolean {
  return !/[:@]/.test(target) && !/^[\d.]+$/.test(target);
}

/** Handles an endpoint outside the socket and schedule areas. */
type TopHandler = (request: Request, url: URL) => Response | Promise<Response>;

/** How long `close()` waits for responses (streams) to finish before it stops waiting. */
const STOP_GRACE_MS = 1000;

/** Sockets named by address alone are kept this many at most (their handles learn the MAC). */
const MAX_ADDRESS_HANDLES = 1024;

class DaemonApi implements ApiServer {
  socket: string | null = null;
  url: string | null = null;
  tokenFile: string | null = null;
  webUrl: string | null = null;
  #gate: WebGate | null = null;
  readonly #options: ApiServerOptions;
  readonly #controller: Controller;
  readonly #scheduler: ScheduleSource | null;
  readonly #clock: Clock;
  readonly #timeout: number;
  readonly #heartbeatMs: number;
  readonly #stop = new AbortController();
  /** Ends the streams whose clients do not read them to their end once the daemon stops. */
  readonly #abandon = new AbortController();
  readonly #hub: EventHub<StreamItem>;
  readonly #servers: HttpListener[] = [];
  readonly #limits: ConnectionLimits;
  readonly #pumps: Promise<void>[] = [];
  readonly #byAddress = new Map<string, SocketController>();
  /** What the daemon knows of each socket: names, aliases, state, last seen. */
  readonly #directory: SocketDirectory;
  readonly #startedAt = new Date();
  #streams = 0;
  #socketIno: number | null = null;
  #closed: Promise<void> | null = null;

  constructor(options: ApiServerOptions) {
    this.#options = options;
    this.#controller = options.controller;
    this.#scheduler = options.scheduler ?? null;
    this.#clock = options.clock ?? systemClock;
    this.#timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    this.#heartbeatMs = options.heartbeatMs ?? 15_000;
    this.#hub = new EventHub<StreamItem>(options.streamQueue ?? 1000);
    this.#limits = connectionLimits(options.limits);
    this.#directory = new SocketDirectory(
      this.#controller,
      () => this.#scheduler?.schedule ?? null,
      this.#clock,
    );
  }

  get streams(): number {
    return this.#streams;
  }

  async listen(): Promise<void> {
    const env = this.#options.env ?? processEnv;
    const uid = currentUid();
    const defaults = defaultDaemonPaths(env, uid);
    const { listen } = this.#options;
    const socket = this.#options.socket === undefined ? defaults?.socket : this.#options.socket;
    if (socket === null && !listen) {
      throw new TypeError("Cannot serve nowhere: give a socket or listen");
    }
    if (socket === undefined) {
      throw new TypeError(
        "Cannot choose a socket path: no XDG_RUNTIME_DIR and no user id; give one (--socket)",
      );
    }
    if (socket !== null) await this.#listenUnix(socket, socket === defaults?.socket, uid);
    if (listen) {
      const tokenFile = this.#options.tokenFile ?? defaults?.tokenFile;
      if (!tokenFile) throw new TypeError("Cannot choose a token file: give one (--token-file)");
      this.#listenTcp(listen, tokenFile, tokenFile === defaults?.tokenFile, uid);
    }
    this.#pump();
  }

  async #listenUnix(path: string, own: boolean, uid: number | null): Promise<void> {
    const dir = dirname(path);
    preparePrivateDir(dir, own, uid);
    await clearStaleSocket(path);
    const { bound, ino } = bindPrivately(path, dir, (temp) => this.#serve({ path: temp }, null));
    this.#servers.push(bound);
    this.socket = path;
    this.#socketIno = ino;
  }

  #listenTcp(
    listen: { readonly hostname: string; readonly port: number },
    tokenFile: string,
    own: boolean,
    uid: number | null,
  ): void {
    const web = this.#options.web;
    const remote = !isLoopback(listen.hostname);
    if (remote && web && !web.passwordHash) {
      throw new TypeError(
        `Cannot listen on ${listen.hostname}: off loopback the web page needs a password; ` +
          "set one with 's20 web passwd'",
      );
    }
    if (remote && !web) {
      throw new TypeError(
        `Cannot listen on ${listen.hostname}: the API listens on loopback only (127.0.0.1), ` +
          "where only programs on this computer reach it",
      );
    }
    const token = randomToken();
    const server = this.#serve({ hostname: listen.hostname, port: listen.port }, token);
    this.#servers.push(server);
    this.url = `http://${
      formatAddress({ hostname: listen.hostname, port: (server.addr as Deno.NetAddr).port })
    }`;
    if (web) {
      const password = remote || web.requirePassword === true;
      this.#gate = new WebGate({ token, password, passwordHash: web.passwordHash ?? null });
      this.webUrl = password ? `${this.url}/` : `${this.url}/?token=${token}`;
    }
    preparePrivateDir(dirname(tokenFile), own, uid);
    writeTokenFile(tokenFile, token);
    this.tokenFile = tokenFile;
  }

  #serve(
    where: { path: string } | { hostname: string; port: number },
    token: string | null,
  ): HttpListener {
    const listener = "path" in where
      ? Deno.listen({ transport: "unix", path: where.path })
      : Deno.listen({ transport: "tcp", hostname: where.hostname, port: where.port });
    return new HttpListener(listener, {
      limits: this.#limits,
      handler: (request) => this.#handle(request, token),
    });
  }

  /** Feeds the hub from the client's events and the scheduler's log, serialised once. */
  #pump(): void {
    const signal = this.#stop.signal;
    const emit = (source: StreamItem["source"], value: Record<string, unknown>) => {
      if (this.#hub.size === 0) return;
      this.#hub.emit({ source, json: JSON.stringify({ source, ...value }) });
    };
    const events = this.#controller.events({ signal });
    this.#pumps.push(
      (async () => {
        for await (const event of events) {
          this.#directory.noteEvent(event);
          emit("socket", { event: eventToJson(event) });
        }
      })().catch((error) => this.#options.onError?.(error)),
    );
    if (this.#scheduler) {
      const logs = this.#scheduler.logs(signal);
      this.#pumps.push(
        (async () => {
          for await (const entry of logs) {
            emit("schedule", { entry: { ...entry, at: entry.at.toISOString() } });
          }
        })().catch((error) => this.#options.onError?.(error)),
      );
    }
  }

  async #handle(request: Request, token: string | null): Promise<Response> {
    // The web page and its session's calls; calls with a bearer token go on below.
    if (token !== null && this.#gate && !request.headers.has("authorization")) {
      const sources = {
        controller: this.#controller,
        scheduler: this.#scheduler,
        clock: this.#clock,
        ...(this.#options.web?.sockets ? { sockets: this.#options.web.sockets } : {}),
      };
      if (isWebPath(new URL(request.url).pathname)) {
        return await webRequest(this.#gate, sources, request);
      }
      try {
        this.#gate.checkHost(request);
        this.#gate.authorize(request);
      } catch (error) {
        return secured(errorResponse(error));
      }
      return secured(await this.#handle(request, null));
    }
    try {
      if (token !== null) {
        const given = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1];
        if (given === undefined || !sameSecret(given, token)) {
          throw new HttpError(
            "UNAUTHORIZED",
            "Missing or wrong token: send 'Authorization: Bearer TOKEN' with the token from the daemon's token file",
            { headers: { "www-authenticate": "Bearer" } },
          );
        }
      }
      return await this.#route(request);
    } catch (error) {
      if (statusOf(error) === 500) this.#options.onError?.(error);
      return errorResponse(error);
    }
  }

  async #route(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const method = request.method;
    let segments: string[];
    try {
      segments = url.pathname.split("/").filter((s) => s !== "").map(decodeURIComponent);
    } catch {
      throw new HttpError("USAGE", "The path is not valid percent-encoding");
    }
    const [version, area, ...rest] = segments;
    if (version !== "v1") throw notFound(method, url.pathname);
    if (area === undefined) {
      allow(method, ["GET"]);
      return jsonResponse(200, { api: API_VERSION, endpoints: this.#endpoints() });
    }
    if (area === "sockets" && rest.length > 0) return await this.#socketRequest(request, url, rest);
    if (area === "schedule") {
      return await scheduleRequest(this.#scheduler, this.#clock, request, url, rest);
    }
    const route = rest.length === 0 ? this.#routes.get(area) : undefined;
    if (!route) throw notFound(method, url.pathname);
    const handler = route[method];
    if (!handler) allow(method, Object.keys(route));
    return await handler!(request, url);
  }

  /** The endpoints outside `/v1/sockets/{target}` and `/v1/schedule`, by path after `/v1/`. */
  readonly #routes: ReadonlyMap<string, Route<TopHandler>> = new Map<string, Route<TopHandler>>([
    ["health", { GET: () => this.#health() }],
    [
      "sockets",
      { [CALL]: "?name=NAME&timeout=MS&via=ADDR", GET: (_, url) => this.#sockets(url) },
    ],
    [
      "discover",
      {
        [CALL]: "?timeout=MS&target=ADDR",
        GET: (_, url) =>
          discoverResponse(
            this.#controller,
            url,
            this.#stop.signal,
            (found) => this.#directory.noteFound(found),
          ),
      },
    ],
    [
      "events",
      {
        [CALL]: "?source=socket,schedule&keepalive=TARGET&format=ndjson|sse",
        GET: (request, url) => this.#events(request, url),
      },
    ],
    ["web", { GET: () => jsonResponse(200, { url: this.webUrl }) }],
  ]);

  /** Every endpoint, for `GET /v1`: read from the route tables. */
  #endpoints(): string[] {
    const path = (key: string) => `sockets/{target}/${key.replace(":id", "{id}")}`;
    const schedule = (key: string) => `schedule${key === "" ? "" : `/${key}`}`;
    return describeRoutes([
      ...this.#routes,
      ...[...SOCKET_ROUTES].map(([key, route]) => [path(key), route] as const),
      ...[...SCHEDULE_ROUTES].map(([key, route]) => [schedule(key), route] as const),
    ]);
  }

  /** Every socket known, or (`name`) the one an alias or stored name stands for, looked up. */
  async #sockets(url: URL): Promise<Response> {
    const name = url.searchParams.get("name");
    if (name === null) return jsonResponse(200, { sockets: this.#directory.list() });
    const timeout = integerParam(url.searchParams.get("timeout"), "timeout", 1, MAX_TIMEOUT_MS) ??
      this.#timeout;
    const via = url.searchParams.getAll("via");
    for (const t of via) parseTarget(t);
    return await this.#withDeadline(
      timeout + QUEUE_ALLOWANCE_MS,
      "GET /v1/sockets",
      async (signal) => {
        const found = await this.#directory.find(name, { timeout, signal, via });
        const socket = await this.#socketFor(found, via, timeout, signal);
        if (!this.#directory.list().some((s) => s.mac === socket.mac)) {
          // An alias by address (or by MAC alone) the daemon has not heard yet: ask it.
          await socket.state({ timeout, signal });
          this.#directory.noteSocket(socket);
        }
        return jsonResponse(200, {
          sockets: this.#directory.list().filter((s) => s.mac === socket.mac),
        });
      },
    );
  }

  #health(): Response {
    return jsonResponse(200, {
      ok: true,
      api: API_VERSION,
      mode: this.#scheduler ? "schedule" : "serve",
      pid: Deno.pid,
      startedAt: this.#startedAt.toISOString(),
      streams: this.#streams,
    });
  }

  // ── Sockets ──────────────────────────────────────────────────────────────────────────

  async #socketRequest(request: Request, url: URL, rest: string[]): Promise<Response> {
    const method = request.method;
    const [target, ...sub] = rest;
    let key = sub.join("/");
    let id = 0;
    if (sub.length === 2 && sub[0] === "timers") {
      id = integerParam(sub[1]!, "id", 0, 0xffff)!;
      key = "timers/:id";
    }
    const route = target === undefined ? undefined : SOCKET_ROUTES.get(key);
    if (!route) throw notFound(method, url.pathname);
    const handler = route[method];
    if (!handler) allow(method, Object.keys(route));
    const timeout = integerParam(url.searchParams.get("timeout"), "timeout", 1, MAX_TIMEOUT_MS) ??
      this.#timeout;
    const deadline = integerParam(
      request.headers.get(DEADLINE_HEADER),
      DEADLINE_HEADER,
      1,
      MAX_TIMEOUT_MS,
    ) ?? timeout + QUEUE_ALLOWANCE_MS;
    const via = url.searchParams.getAll("via");
    for (const t of via) parseTarget(t);
    // A schedule alias or a socket's own name is looked up (in time) below.
    const parsed = namesASocket(target!) ? null : parseSocketTarget(target!);
    const body = method === "GET" || method === "DELETE" ? {} : await readJson(request);
    const what = `${method} ${url.pathname}`;
    return await this.#withDeadline(deadline, what, async (signal) => {
      const socket = await this.#socketFor(
        parsed ?? await this.#directory.find(target!, { timeout, signal, via }),
        via,
        timeout,
        signal,
      );
      try {
        const result = await handler!(socket, body, { timeout, signal }, id);
        this.#directory.noteSocket(socket, (result.data as { name?: unknown } | undefined)?.name);
        return jsonResponse(200, { socket: socketMeta(socket), ...result });
      } catch (error) {
        if (statusOf(error) === 500) throw error;
        return errorResponse(error, { socket: socketMeta(socket) });
      }
    });
  }

  /**
   * Runs `work` with a signal that aborts at the deadline or when the daemon stops. (Not on
   * `request.signal`: Deno aborts it after every successful answer and warns about that.)
   */
  async #withDeadline(
    ms: number,
    what: string,
    work: (signal: AbortSignal) => Promise<Response>,
  ): Promise<Response> {
    const deadline = new AbortController();
    const timer = setTimeout(() =>
      deadline.abort(
        new S20Error(
          "REQUEST_TIMEOUT",
          `The s20 daemon could not serve ${what} within ${ms} ms: the socket is busy or slow to ` +
            "answer. Try again, or allow more time (--timeout)",
        ),
      ), ms);
    try {
      return await work(AbortSignal.any([deadline.signal, this.#stop.signal]));
    } finally {
      clearTimeout(timer);
    }
  }

  /** The handle for a target (address-only handles are kept, so they learn their MAC once). */
  #handleFor(parsed: ParsedSocket): SocketController {
    const address = parsed.address;
    if (parsed.mac) {
      return this.#controller.socket({
        mac: parsed.mac,
        ...(address ? { ip: address.hostname, port: address.port } : {}),
      });
    }
    const key = formatAddress(address!);
    let socket = this.#byAddress.get(key);
    if (socket?.mac) {
      // Once its MAC is known, the client's own handle: every call to one socket in one queue.
      return this.#controller.socket({
        mac: socket.mac,
        ip: address!.hostname,
        port: address!.port,
      });
    }
    if (!socket) {
      socket = this.#controller.socket({ ip: address!.hostname, port: address!.port });
      if (this.#byAddress.size >= MAX_ADDRESS_HANDLES) {
        this.#byAddress.delete(this.#byAddress.keys().next().value!);
      }
      this.#byAddress.set(key, socket);
    }
    return socket;
  }

  /**
   * The handle, located first through the client's `via` targets when it is named by MAC only
   * and the daemon has not met it: the caller's `--target` list, as a direct client uses it.
   */
  async #socketFor(
    parsed: ParsedSocket,
    via: readonly string[],
    timeout: number,
    signal: AbortSignal,
  ): Promise<SocketController> {
    const socket = this.#handleFor(parsed);
    if (parsed.mac && socket.address === null && via.length > 0) {
      for await (const found of this.#controller.discover({ targets: via, timeout, signal })) {
        if (found.mac === parsed.mac) return socket;
      }
      throw new DeviceNotFoundError(
        parsed.mac,
        "no socket answered a discovery for this MAC. Check that it is powered and on this " +
          "subnet, or give its IP (MAC@IP), which also reaches sockets on other subnets",
      );
    }
    return socket;
  }

  // ── Events ─────────────────────────────────────────────────────────────

  #events(request: Request, url: URL): Response {
    const asked = url.searchParams.getAll("source").flatMap((s) => s.split(",")).filter(Boolean);
    for (const source of asked) {
      if (source !== "socket" && source !== "schedule") {
        throw new HttpError("INVALID_VALUE", "'source' must be socket or schedule");
      }
      if (source === "schedule" && !this.#scheduler) throw noSchedule();
    }
    const sources = new Set(asked.length > 0 ? asked : ["socket", "schedule"]);
    const format = url.searchParams.get("format") ??
      ((request.headers.get("accept") ?? "").includes("text/event-stream") ? "sse" : "ndjson");
    if (format !== "ndjson" && format !== "sse") {
      throw new HttpError("INVALID_VALUE", "'format' must be ndjson or sse");
    }
    const kept = url.searchParams.getAll("keepalive").flatMap((s) => s.split(",")).filter(Boolean)
      .map((t) =>
        this.#handleFor(namesASocket(t) ? this.#directory.known(t) : parseSocketTarget(t))
      );
    const stop = new AbortController();
    // The client going away cancels the body (`request.signal` is not used; see above).
    const signal = AbortSignal.any([stop.signal, this.#stop.signal]);
    // The client's own bounded queue, of its sources only; what it drops is said on the stream.
    const items = this.#hub.subscribe({
      signal,
      accept: (item) => sources.has(item.source),
      dropped: droppedItem,
    });
    const holds = kept.map((socket) => socket.keepAlive(signal));
    this.#streams++;
    const body = eventStream({
      items,
      format,
      heartbeatMs: this.#heartbeatMs,
      abandon: this.#abandon.signal,
      onClose: () => {
        stop.abort();
        for (const hold of holds) hold[Symbol.dispose]();
        this.#streams--;
      },
    });
    return new Response(body, {
      headers: {
        "content-type": format === "sse" ? "text/event-stream" : "application/x-ndjson",
        "cache-control": "no-store",
      },
    });
  }

  // ── Stopping ─────────────────────────────────────────────────────────────────────────

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#stop.abort(new S20Error("DAEMON_STOPPING", "The s20 daemon is stopping"));
      this.#hub.close();
      // Streams end once their clients have read what was queued for them. One that stopped
      // reading holds its response, and shutdown(), until it reads or goes: after a grace,
      // its stream is abandoned and its connection closed.
      const shutdown = Promise.allSettled(this.#servers.map((s) => s.shutdown()));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = await Promise.race([
        shutdown.then(() => true),
        new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), STOP_GRACE_MS))),
      ]);
      clearTimeout(timer);
      if (!done) {
        this.#abandon.abort(new S20Error("DAEMON_STOPPING", "The s20 daemon is stopping"));
        for (const server of this.#servers) server.abort();
      }
      await Promise.allSettled(this.#pumps);
      this.#removeFiles();
    })();
    return this.#closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #removeFiles(): void {
    try {
      // Only our own socket: never one a later daemon put there.
      if (this.socket && Deno.lstatSync(this.socket).ino === this.#socketIno) {
        Deno.removeSync(this.socket);
      }
    } catch {
      // Already gone.
    }
    try {
      if (this.tokenFile) Deno.removeSync(this.tokenFile);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Starts the daemon's API: HTTP and JSON on a Unix socket (mode 0600 in a directory only the
 * user can enter) and, with `listen`, on loopback TCP with a random token written to a 0600
 * file. A socket file left by a daemon that died is replaced; one that still answers is not.
 *
 * @returns The running server; close it to stop.
 * @throws {S20Error} `DAEMON_RUNNING` if another daemon serves at the socket path.
 * @throws {DaemonInsecureError} If the default directory belongs to another user.
 * @throws {TypeError} For a `listen` address that is not loopback.
 *
 * @example Serve a client and call it through the API
 * ```ts
 * import { S20Client } from "@s20/s20";
 * import { DaemonClient, startApiServer } from "@s20/s20/api";
 * import { startEmulator } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * await using emulated = await startEmulator({ hostname: "127.0.0.1", port: 0, replyTo: "source" });
 * await using client = new S20Client({ hostname: "127.0.0.1", port: 0 });
 * const dir = await Deno.makeTempDir();
 * await using api = await startApiServer({ controller: client, socket: `${dir}/daemon.sock` });
 * await using daemon = new DaemonClient({ path: api.socket! });
 * const lamp = daemon.socket(`${emulated.mac}@127.0.0.1:${emulated.address.port}`);
 * assert.equal(await lamp.on(), true);
 * assert.equal(emulated.device.on, true);
 * ```
 */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const api = new DaemonApi(options);
  try {
    await api.listen();
  } catch (error) {
    await api.close();
    throw error;
  }
  return api;
}
