/**
 * The client: one UDP endpoint for every socket, a registry of sockets seen (kept fresh by
 * their unsolicited announcements), discovery, socket handles and live events.
 */
import { DeviceNotFoundError, DeviceTimeoutError, NetworkError, S20Error } from "../errors.ts";
import { deviceTimeToDate } from "../protocol/device_time.ts";
import type { Mac } from "../protocol/mac.ts";
import type { MessageOf } from "../protocol/messages.ts";
import { type Clock, systemClock } from "../time/clock.ts";
import { ipv4Interfaces } from "../transport/interfaces.ts";
import type { DatagramTransport, NetAddress } from "../transport/types.ts";
import { listenUdp } from "../transport/udp.ts";
import { Deadline } from "./deadline.ts";
import { Endpoint, type Incoming } from "./endpoint.ts";
import { EventHub } from "./event_hub.ts";
import { RepeatFilter } from "./event_repeats.ts";
import type { S20Event } from "./events.ts";
import { answersAt } from "./answers_at.ts";
import { exchange, sameAddress } from "./exchange.ts";
import { Registry } from "./registry.ts";
import { RttEstimator } from "./rtt.ts";
import { S20Socket, type SocketContext } from "./socket.ts";
import type { DiscoveredSocket, DiscoverOptions } from "./types.ts";
import type { Controller, EventsOptions } from "./controller.ts";
import {
  allLoopback,
  type DiscoveryTarget,
  parseSocketTarget,
  parseTarget,
  type SocketTarget,
} from "./targets.ts";
import { formatAddress } from "../util/address.ts";

/**
 * Replies to our own probes arrive within ~300 ms, ten copies 15 ms apart
 * (docs/protocol.md#discovery).
 */
const SOLICITED_WINDOW_MS = 2000;
/**
 * Report a reboot at most once per burst of announcements with an unset clock: the window
 * starts again at each one (a burst lasts ~63 s, 3.17 s apart).
 */
const REBOOT_REPORT_INTERVAL_MS = 60_000;
/** Sweeps send this many probes, then pause a millisecond, to spare slow Wi-Fi links. */
const SWEEP_BATCH = 64;
/** Sockets remembered at most (as many as the largest sweep), so made-up MACs cannot fill memory. */
const MAX_KNOWN = 4096;
/** A socket without a handle that stays silent this long (ms of the clock) is forgotten. */
const KNOWN_MAX_AGE_MS = 15 * 60_000;
/** Addresses claiming a MAC that one lookup checks at most (forged replies may name many). */
const MAX_LOCATE_CANDIDATES = 16;

/**
 * Options for {@linkcode S20Client}.
 *
 * @example A client for emulated sockets that reply to the source port
 * ```ts
 * import type { S20ClientOptions } from "@s20/s20";
 *
 * const options: S20ClientOptions = { hostname: "127.0.0.1", port: 0, timeout: 2000 };
 * ```
 */
export interface S20ClientOptions {
  /**
   * Local address to bind (the CLI's `--hostname`). Sockets are believed to reply to port 10000 of the requester, so
   * by default a client binds 0.0.0.0:10000, or 127.0.0.1:10000 when every one of `targets`
   * is on loopback (Linux refuses a wildcard bind of a port that an emulator holds on
   * 127.0.0.x).
   *
   * @default {"0.0.0.0", or "127.0.0.1" for loopback targets}
   */
  readonly hostname?: string;
  /**
   * Local port; 0 picks a free one (enough for sockets that reply to the source port, such as
   * the emulator in `source` mode).
   *
   * @default {10000}
   */
  readonly port?: number;
  /** Where sockets are: used to choose `hostname` and as the default discovery targets. */
  readonly targets?: readonly DiscoveryTarget[];
  /** A transport to use instead of binding one (tests, the daemon). */
  readonly transport?: DatagramTransport;
  /**
   * Wall time for subscription freshness, keep-alives and event times.
   *
   * @default {systemClock}
   */
  readonly clock?: Clock;
  /**
   * Milliseconds a call may take, resends included, before `DeviceTimeoutError`.
   *
   * @default {5000}
   */
  readonly timeout?: number;
  /**
   * Milliseconds of the clock between keep-alives of watched sockets
   * (docs/protocol.md#subscriptions: 30–60 s).
   *
   * @default {30000}
   */
  readonly keepAliveMs?: number;
}

/**
 * Talks to S20 sockets on the LAN over one UDP endpoint: discovery, socket handles and live
 * events. Close it (or use `await using`) to release the port.
 *
 * @example Discover, switch and close
 * ```ts
 * import { S20Client } from "@s20/s20";
 * import { startEmulator } from "@s20/s20/emulator";
 *
 * await using emulated = await startEmulator({ hostname: "127.0.0.1", port: 0, replyTo: "source" });
 * await using client = new S20Client({ hostname: "127.0.0.1", port: 0 });
 * const target = `127.0.0.1:${emulated.address.port}`;
 * for await (const found of client.discover({ targets: [target], timeout: 500 })) {
 *   await client.socket({ mac: found.mac, ip: found.ip, port: found.port }).toggle();
 * }
 * ```
 */
export class S20Client implements Controller {
  #endpoint: Endpoint;
  #clock: Clock;
  #rtt = new RttEstimator();
  #events = new EventHub<S20Event>();
  #repeats = new RepeatFilter();
  #sockets = new Map<Mac, S20Socket>();
  #rebootReported = new Map<Mac, number>();
  #known = new Registry<Mac, DiscoveredSocket>({
    limit: MAX_KNOWN,
    maxAgeMs: KNOWN_MAX_AGE_MS,
    keep: (mac) => this.#sockets.has(mac),
    onForget: (mac) => this.#rebootReported.delete(mac),
  });
  #closing = new AbortController();
  #session = crypto.getRandomValues(new Uint32Array(1))[0]!;
  #targets: readonly DiscoveryTarget[] | undefined;
  #ctx: SocketContext;
  #closed: Promise<void> | null = null;

  /**
   * Binds the endpoint.
   *
   * @throws {PortInUseError} If another program owns the port.
   * @throws {UnsupportedRuntimeError} Without Deno's unstable `net` API.
   */
  constructor(options: S20ClientOptions = {}) {
    const { targets, clock = systemClock, timeout = 5000, keepAliveMs = 30_000 } = options;
    const hostname = options.hostname ??
      (targets && allLoopback(targets) ? "127.0.0.1" : "0.0.0.0");
    const transport = options.transport ?? listenUdp({ hostname, port: options.port ?? 10000 });
    this.#endpoint = new Endpoint(transport);
    this.#clock = clock;
    this.#targets = targets;
    this.#endpoint.listen((incoming) => this.#onIncoming(incoming));
    this.#ctx = {
      endpoint: this.#endpoint,
      rtt: this.#rtt,
      clock,
      timeoutMs: timeout,
      keepAliveMs,
      closed: this.#closing.signal,
      locate: (mac, d) => this.#locate(mac, d),
      identify: (address, d) => this.#identify(address, d),
      adopt: (socket, mac) => {
        if (!this.#sockets.has(mac)) this.#sockets.set(mac, socket);
      },
      emit: (event) => this.#emit(event),
      session: () => (this.#session = (this.#session + 1) >>> 0),
    };
  }

  /** The local address and port the client listens on. */
  get local(): NetAddress {
    return this.#endpoint.transport.local;
  }

  /**
   * Sockets heard from (discovery replies and announcements), by MAC, as they last answered
   * (unverified: anyone can send a reply). Sockets with a handle are kept; others are forgotten
   * after 15 minutes of silence, or the oldest first beyond 4096.
   */
  get known(): ReadonlyMap<Mac, DiscoveredSocket> {
    return this.#known.snapshot(this.#clock.now());
  }

  /**
   * A handle on one socket, by MAC, IP (`"192.168.1.30"`, `"127.0.0.2:10001"`) or both
   * (`"ac:cf:23:24:19:c0@192.168.1.30"` or `{ mac, ip }`). Knowing the IP lets us probe by
   * unicast, which reaches sockets on other subnets; a MAC alone is looked up by broadcast.
   * The same MAC always gives the same handle.
   *
   * @throws {TypeError} If the target is not a MAC, an address or both.
   */
  socket(target: SocketTarget): S20Socket {
    const { mac, address } = parseSocketTarget(target);
    const known = mac ? this.#sockets.get(mac) : undefined;
    if (known) {
      // A handle first named by MAC alone takes an address given later (a long-lived client,
      // such as the daemon's, meets the same socket named both ways).
      if (address) known.useAddress(address);
      return known;
    }
    // Without an address the handle looks the socket up (and proves it) on its first call.
    const socket = new S20Socket(this.#ctx, mac, address);
    if (mac) this.#sockets.set(mac, socket);
    return socket;
  }

  /**
   * Finds sockets: probes the targets (by default every interface's broadcast address and
   * 255.255.255.255) several times through the window, so one lost packet loses nothing, and
   * yields each socket once, as it answers.
   */
  async *discover(options: DiscoverOptions = {}): AsyncIterableIterator<DiscoveredSocket> {
    const { timeout = 3000, signal, onProbeError } = options;
    const broadcasts = new Set(ipv4Interfaces().map((i) => i.broadcast));
    const targets = (options.targets ?? this.#targets ?? defaultTargets()).map((t) =>
      parseTarget(t, broadcasts)
    );
    const deadline = new Deadline(timeout, signal);
    const found: DiscoveredSocket[] = [];
    const seen = new Set<Mac>();
    let wake: (() => void) | null = null;
    const stop = this.#endpoint.listen(({ message, from }) => {
      if (message.kind !== "discoverReply" || seen.has(message.mac)) return;
      // Late copies of another discovery's replies are not answers to this one.
      if (!targets.some((t) => t.accepts(message.mac, from.hostname))) return;
      const known = this.#known.get(message.mac);
      if (!known) return;
      seen.add(message.mac);
      found.push(known);
      wake?.();
    });
    // Probes stop as soon as the caller stops iterating, not at their next scheduled round.
    const stopProbes = new AbortController();
    const probeDeadline = new Deadline(
      timeout,
      signal ? AbortSignal.any([signal, stopProbes.signal]) : stopProbes.signal,
    );
    const probes = this.#probeLoop(targets, probeDeadline, onProbeError);
    try {
      while (true) {
        while (found.length > 0) yield found.shift()!;
        if (deadline.remaining <= 0) break;
        await deadline.race(new Promise<void>((resolve) => (wake = resolve)), deadline.remaining);
        wake = null;
      }
    } finally {
      stop();
      wake = null;
      stopProbes.abort();
      await probes.catch(() => {});
    }
  }

  /**
   * Iterates live events of every socket this client hears from. Sockets passed in
   * `keepAlive` are kept subscribed while the iteration runs, so their pushes keep coming.
   * Each event comes once: the copies sockets send (a burst of 21 announcements, every push
   * twice) are dropped.
   */
  events(options: EventsOptions = {}): AsyncIterableIterator<S20Event> {
    const { signal, keepAlive = [] } = options;
    const stop = signal ? AbortSignal.any([signal, this.#closing.signal]) : this.#closing.signal;
    const iterator = this.#events.subscribe({ signal: stop });
    const holds = keepAlive.map((s) => s.keepAlive(stop));
    const release = () => holds.forEach((h) => h[Symbol.dispose]());
    return {
      next: async () => {
        const result = await iterator.next();
        if (result.done) release();
        return result;
      },
      return: async () => {
        release();
        return await iterator.return!();
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** Stops keep-alives, ends pending calls and event streams, and releases the port. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#closing.abort(new S20Error("CLIENT_CLOSED", "The s20 client was closed"));
      for (const socket of this.#sockets.values()) socket.dispose();
      this.#events.close();
      await this.#endpoint.close();
    })();
    return this.#closed;
  }

  /** Closes the client. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #onIncoming(incoming: Incoming): void {
    const m = incoming.message;
    if (!("mac" in m) || m.mac === undefined) return;
    if (m.kind === "discoverReply") this.#noteDiscovery(m, incoming.from);
    this.#sockets.get(m.mac)?.handle(incoming);
  }

  #noteDiscovery(m: MessageOf<"discoverReply">, from: NetAddress): void {
    const now = this.#clock.now();
    const clock = deviceTimeToDate(m.clock, new Date(now));
    const previous = this.#known.get(m.mac);
    this.#known.set(now, m.mac, {
      mac: m.mac,
      ip: from.hostname,
      port: from.port,
      model: m.model,
      on: m.on,
      clock,
      clockSkew: clock ? clock.getTime() - now : null,
    });
    // A socket with a handle speaks from its address; a claim from elsewhere is the handle's to
    // check, not news of the socket.
    const handle = this.#sockets.get(m.mac)?.address;
    if (handle && !sameAddress(handle, from)) return;
    const at = new Date(now);
    const announced = performance.now() - this.#endpoint.lastProbeAt > SOLICITED_WINDOW_MS;
    if (announced) {
      this.#emit({ type: "announce", mac: m.mac, ip: from.hostname, on: m.on, clock, at });
    }
    // A clock that reads unset (or went from set to unset) means the socket restarted.
    if (clock === null && (announced || (previous && previous.clock !== null))) {
      const last = this.#rebootReported.get(m.mac) ?? -Infinity;
      this.#rebootReported.set(m.mac, now);
      if (now - last >= REBOOT_REPORT_INTERVAL_MS) {
        const reason = announced
          ? "it announced itself with an unset clock"
          : "its clock was reset";
        this.#emit({ type: "reboot", mac: m.mac, reason, at });
      }
    }
  }

  /** Hands an event to every stream, once: copies the socket sent are dropped here. */
  #emit(event: S20Event): void {
    if (!this.#repeats.isRepeat(event)) this.#events.emit(event);
  }

  async #send(address: NetAddress, message: MessageOf<"discover" | "discoverMac">): Promise<void> {
    await this.#endpoint.send(message, address);
  }

  /** Sends probes at 0, 15 %, 40 % and 70 % of the window. */
  async #probeLoop(
    targets: ReturnType<typeof parseTarget>[],
    deadline: Deadline,
    onProbeError?: (address: NetAddress, error: Error) => void,
  ): Promise<void> {
    const total = deadline.remaining;
    let elapsed = 0;
    for (const share of [0, 0.15, 0.4, 0.7]) {
      const at = total * share;
      if (at > elapsed) await deadline.pause(at - elapsed);
      elapsed = at;
      if (deadline.remaining <= 0) return;
      let sent = 0;
      for (const target of targets) {
        for (const address of target.addresses) {
          const message = target.mac
            ? { kind: "discoverMac" as const, mac: target.mac }
            : { kind: "discover" as const };
          try {
            await this.#send(address, message);
          } catch (error) {
            if (!(error instanceof NetworkError)) throw error;
            onProbeError?.(address, error);
          }
          if (++sent % SWEEP_BATCH === 0) await deadline.pause(1);
        }
      }
    }
  }

  /**
   * Finds where a socket is: every address that claims its MAC (the registry's, then replies
   * to probes of the targets) is a candidate, taken only once the socket answers there.
   */
  async #locate(mac: Mac, d: Deadline): Promise<NetAddress> {
    const queue: NetAddress[] = [];
    const offered = new Set<string>();
    let wake: (() => void) | null = null;
    const offer = ({ hostname, port }: NetAddress) => {
      const key = formatAddress({ hostname, port });
      if (offered.has(key) || offered.size >= MAX_LOCATE_CANDIDATES) return;
      offered.add(key);
      queue.push({ hostname, port });
      wake?.();
    };
    const known = this.#known.get(mac);
    if (known) offer({ hostname: known.ip, port: known.port });
    const stop = this.#endpoint.listen(({ message, from }) => {
      if (message.kind === "discoverReply" && message.mac === mac) offer(from);
    });
    const targets = (this.#targets ?? defaultTargets()).map((t) => parseTarget(t));
    const addresses = targets.flatMap((t) => t.addresses);
    let wait = 250;
    let probeAt = 0;
    try {
      while (d.remaining > 0) {
        const candidate = queue.shift();
        if (candidate) {
          if (await answersAt(this.#ctx, mac, candidate, d)) return candidate;
          continue;
        }
        if (performance.now() >= probeAt) {
          for (const address of addresses) {
            await this.#send(address, { kind: "discoverMac", mac }).catch(() => {});
          }
          probeAt = performance.now() + wait;
          wait = Math.min(wait * 2, 1000);
        }
        await d.race(new Promise<void>((resolve) => (wake = resolve)), probeAt - performance.now());
        wake = null;
      }
    } finally {
      stop();
      wake = null;
    }
    throw new DeviceNotFoundError(
      mac,
      "no socket answered a discovery for this MAC. Check that it is powered and on this " +
        "subnet, or give its IP (MAC@IP), which also reaches sockets on other subnets",
    );
  }

  async #identify(address: NetAddress, d: Deadline): Promise<Mac> {
    try {
      return await exchange({
        endpoint: this.#endpoint,
        rtt: this.#rtt,
        deadline: d,
        to: address,
        message: { kind: "discover" },
        mac: address.hostname,
        command: "qa",
        match: ({ message, from }) =>
          message.kind === "discoverReply" && from.hostname === address.hostname
            ? message.mac
            : undefined,
      });
    } catch (error) {
      if (!(error instanceof DeviceTimeoutError)) throw error;
      throw new DeviceNotFoundError(
        formatAddress(address),
        "nothing answered discovery at this address (a locked socket answers only when its MAC is given: MAC@IP)",
      );
    }
  }
}

/** Every IPv4 interface's broadcast address, plus the limited broadcast 255.255.255.255. */
export function defaultTargets(): string[] {
  const set = new Set(ipv4Interfaces().map((i) => i.broadcast));
  set.add("255.255.255.255");
  return [...set];
}

/**
 * Finds sockets with a temporary client (see {@linkcode S20Client.discover}).
 *
 * @example Find emulated sockets on loopback
 * ```ts
 * import { discover } from "@s20/s20";
 * import { startEmulator } from "@s20/s20/emulator";
 *
 * await using emulated = await startEmulator({ hostname: "127.0.0.1", port: 0, replyTo: "source" });
 * for await (const socket of discover({ targets: [`127.0.0.1:${emulated.address.port}`], timeout: 300, port: 0 })) {
 *   console.log(socket.mac, socket.ip, socket.on ? "on" : "off");
 * }
 * ```
 *
 * @param options Discovery options, plus the client's `hostname` and `port`.
 * @returns The sockets, each once, as they answer.
 */
export async function* discover(
  options: DiscoverOptions & Pick<S20ClientOptions, "hostname" | "port" | "clock"> = {},
): AsyncIterableIterator<DiscoveredSocket> {
  const { hostname, port, clock, ...rest } = options;
  const client = new S20Client({
    ...(hostname !== undefined ? { hostname } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(clock !== undefined ? { clock } : {}),
    ...(options.targets !== undefined ? { targets: options.targets } : {}),
  });
  try {
    yield* client.discover(rest);
  } finally {
    await client.close();
  }
}

/**
 * Like {@linkcode discover}, collected into an array once the window ends.
 *
 * @example
 * ```ts
 * import { discoverAll } from "@s20/s20";
 * import { startEmulator } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * await using emulated = await startEmulator({ hostname: "127.0.0.1", port: 0, replyTo: "source" });
 * const found = await discoverAll({ targets: [`127.0.0.1:${emulated.address.port}`], timeout: 300, port: 0 });
 * assert.equal(found.length, 1);
 * ```
 *
 * @param options As for {@linkcode discover}.
 * @returns Every socket that answered, in answer order.
 */
export async function discoverAll(
  options: DiscoverOptions & Pick<S20ClientOptions, "hostname" | "port" | "clock"> = {},
): Promise<DiscoveredSocket[]> {
  const out: DiscoveredSocket[] = [];
  for await (const socket of discover(options)) out.push(socket);
  return out;
}
