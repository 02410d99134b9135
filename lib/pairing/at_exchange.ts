/**
 * The client side of the HF-LPB100 AT exchange on UDP 48899 (docs/protocol.md#ap-mode), shared by
 * AP-mode pairing and by `changeWifi`: the assist password, `+ok`, `AT+WSSSID`, `AT+WSKEY`,
 * `AT+WMODE=STA`, `AT+Z`, each step retried and its reply checked.
 */
import { NetworkError } from "../errors.ts";
import { Mac } from "../protocol/mac.ts";
import { sleep, systemClock } from "../time/clock.ts";
import type { Datagram, DatagramTransport, NetAddress } from "../transport/types.ts";
import { listenUdp } from "../transport/udp.ts";
import { DatagramQueue } from "./_datagram_queue.ts";
import { PairingError, type PairingField } from "./errors.ts";
import {
  apPairingRequests,
  ASSIST_PASSWORD,
  atErrorMeaning,
  type AtRequest,
  describeAtRequest,
  encodeAtRequest,
} from "./hf_at.ts";
import { decodeAtReply } from "./hf_at_reply.ts";
import type { PairingStep, PairingStepName } from "./pairing_step.ts";
import type { WifiSettings } from "./wifi_settings.ts";
import { checkInteger, checkNumber } from "../util/range.ts";
import { formatAddress } from "../util/address.ts";

/**
 * Options shared by `pairApMode` and `changeWifi`.
 *
 * @example Patient settings for a weak link
 * ```ts
 * import type { AtExchangeOptions } from "@s20/s20/pairing";
 *
 * const patient: AtExchangeOptions = { attempts: 6, replyTimeoutMs: 2000 };
 * ```
 */
export interface AtExchangeOptions {
  /**
   * Tries per step before giving up with `NO_REPLY`. Replies usually come within ~50 ms
   * (docs/protocol.md#ap-mode).
   *
   * @default {4}
   */
  readonly attempts?: number;
  /**
   * How long to wait for each reply, in milliseconds.
   *
   * @default {1000}
   */
  readonly replyTimeoutMs?: number;
  /**
   * Pause after `+ok`, which gets no reply, before the first `AT+` line (some tools wait up to a
   * second between steps, docs/protocol.md#ap-mode).
   *
   * @default {100}
   */
  readonly settleMs?: number;
  /**
   * Local address and port to bind; replies come back to it.
   *
   * @default {{ hostname: "0.0.0.0", port: 0 }}
   */
  readonly bind?: NetAddress;
  /**
   * A bound transport to use instead of binding; it is taken over and closed at the end.
   *
   * @default {undefined (bind `bind`)}
   */
  readonly transport?: DatagramTransport;
  /**
   * Talk only to the module with this MAC (any spelling `Mac.parse` accepts).
   *
   * @default {undefined (the first module that answers)}
   */
  readonly mac?: string;
  /** Cancels the exchange; it rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Called as each step starts, is retried and is done. Details never contain the key.
   *
   * @default {undefined}
   */
  readonly onStep?: (step: PairingStep) => void;
}

/**
 * The module that took the settings: what its assist reply said and how it was reached.
 *
 * @example
 * ```ts
 * import type { AtModuleInfo } from "@s20/s20/pairing";
 *
 * function line(m: AtModuleInfo): string {
 *   return `${m.mac} (${m.module}) at ${m.ip}, reached by ${m.via}`;
 * }
 * ```
 */
export interface AtModuleInfo {
  /** The socket's MAC. */
  readonly mac: Mac;
  /** The address the module gave in its assist reply. */
  readonly ip: string;
  /** Its module id, such as `HF-LPB100`. */
  readonly module: string;
  /** The address and port its replies came from. */
  readonly address: NetAddress;
  /** How the last acknowledged command was sent. */
  readonly via: "unicast" | "broadcast";
}

/** Where the module is, and what to say when it does not answer. */
export interface AtTarget {
  readonly unicast: NetAddress;
  /**
   * Also tried, for hosts where unicast fails (docs/protocol.md#ap-mode: kachkaev); `null` on a
   * LAN.
   */
  readonly broadcast: NetAddress | null;
  /** Advice for a module that never answered the assist password. */
  readonly findHint: string;
  /** Advice for a module that stopped answering mid-way. */
  readonly lostHint: string;
}

interface Route {
  readonly kind: "unicast" | "broadcast";
  readonly to: NetAddress;
}

const STEP_OF: Readonly<Record<string, PairingStepName>> = {
  assist: "find",
  enterAtMode: "command-mode",
  setSsid: "ssid",
  setKey: "key",
  setMode: "mode",
  reboot: "reboot",
};

const FIELD_OF: Readonly<Record<string, PairingField>> = { setSsid: "ssid", setKey: "key" };

const ADVICE_OF: Readonly<Record<string, string>> = {
  assist: "it may use another assist password (AT+ASWD)",
  setSsid: "check the SSID (1–32 bytes)",
  setKey: "check the security, the cipher and the key (8–63 characters, or 64 hex digits)",
  setMode: "power the socket off and on, put it back in pairing mode and try again",
};

const show = formatAddress;

/** One run of the sequence over one transport. */
class AtSession {
  readonly #udp: DatagramTransport;
  readonly #queue: DatagramQueue;
  readonly #target: AtTarget;
  readonly #attempts: number;
  readonly #replyTimeoutMs: number;
  readonly #settleMs: number;
  readonly #mac: Mac | null;
  readonly #signal: AbortSignal | undefined;
  readonly #onStep: (step: PairingStep) => void;
  #device: NetAddress;
  /** Destinations whose sends failed (EHOSTUNREACH on some hosts, docs/protocol.md#ap-mode). */
  readonly #broken = new Set<string>();
  #preferred: "unicast" | "broadcast" = "unicast";
  #lastSendError: NetworkError | null = null;
  #found: { mac: Mac; ip: string; module: string } | null = null;

  constructor(udp: DatagramTransport, target: AtTarget, options: AtExchangeOptions) {
    this.#udp = udp;
    this.#queue = new DatagramQueue(udp, systemClock);
    this.#target = target;
    this.#device = target.unicast;
    this.#attempts = checkInteger("pair", "attempts", options.attempts ?? 4, 1);
    this.#replyTimeoutMs = checkNumber("pair", "replyTimeoutMs", options.replyTimeoutMs ?? 1000, 0);
    this.#settleMs = checkNumber("pair", "settleMs", options.settleMs ?? 100, 0);
    this.#mac = options.mac === undefined ? null : Mac.parse(options.mac);
    this.#signal = options.signal;
    const onStep = options.onStep;
    this.#onStep = (step) => onStep?.(step);
  }

  close(): Promise<void> {
    return this.#queue.close();
  }

  async run(settings: WifiSettings): Promise<AtModuleInfo> {
    for (const request of apPairingRequests(settings)) {
      switch (request.kind) {
        case "assist":
          await this.#find(request);
          break;
        case "enterAtMode":
          await this.#enterAtMode(request);
          break;
        case "reboot":
          await this.#reboot(request);
          break;
        default:
          await this.#command(request);
      }
    }
    const found = this.#found!;
    return { ...found, address: this.#device, via: this.#preferred };
  }

  /** Usable routes, the preferred one first. */
  #routes(): Route[] {
    const routes: Route[] = [];
    if (!this.#broken.has(show(this.#device))) routes.push({ kind: "unicast", to: this.#device });
    const broadcast = this.#target.broadcast;
    if (broadcast && !this.#broken.has(show(broadcast))) {
      routes.push({ kind: "broadcast", to: broadcast });
    }
    if (this.#preferred === "broadcast") routes.reverse();
    if (routes.length === 0) this.#unreachable();
    return routes;
  }

  #unreachable(): never {
    throw new NetworkError(
      `Cannot reach the socket: ${this.#lastSendError?.message ?? "no route"}; ` +
        this.#target.findHint,
      { cause: this.#lastSendError },
    );
  }

  /** Sends on the first route that takes it; returns that route, or `null` if none did. */
  async #trySend(request: AtRequest, routes: readonly Route[]): Promise<Route | null> {
    const data = encodeAtRequest(request);
    for (const route of routes) {
      this.#signal?.throwIfAborted();
      try {
        await this.#udp.send(data, route.to);
        return route;
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        this.#lastSendError = error;
        this.#broken.add(show(route.to));
      }
    }
    return null;
  }

  /** Sends on the first route that takes it; every route failing ends the exchange. */
  async #send(request: AtRequest, routes: readonly Route[]): Promise<Route> {
    return await this.#trySend(request, routes) ?? this.#unreachable();
  }

  /** Step 1: the assist password, to every route at once (whichever the host lets through). */
  async #find(request: AtRequest): Promise<void> {
    for (let attempt = 1; attempt <= this.#attempts; attempt++) {
      const routes = this.#routes();
      this.#report(request, attempt, `to ${routes.map((r) => show(r.to)).join(" and ")}`);
      this.#queue.clear();
      let sent = 0;
      for (const route of routes) {
        if (await this.#trySend(request, [route])) sent++;
      }
      if (sent === 0) this.#unreachable();
      const found = await this.#queue.take(
        (d) => this.#assistReply(d),
        this.#replyTimeoutMs,
        this.#signal,
      );
      if (found === undefined) continue;
      if ("error" in found) throw this.#refused(request, found.error);
      this.#found = found.module;
      if (show(found.from) !== show(this.#device)) {
        this.#device = found.from;
        this.#broken.delete(show(found.from));
      }
      this.#done(
        request,
        attempt,
        `found ${Mac.format(found.module.mac, "upper-bare")} (${found.module.module}) at ` +
          found.module.ip,
      );
      return;
    }
    const asked = [this.#target.unicast, this.#target.broadcast]
      .filter((a): a is NetAddress => a !== null)
      .map(show)
      .join(" or ");
    throw new PairingError(
      "NO_REPLY",
      null,
      `No S20 answered the assist password at ${asked} after ${this.#attempts} ` +
        `attempt${this.#attempts === 1 ? "" : "s"}: ${this.#target.findHint}`,
      { step: describeAtRequest(request) },
    );
  }

  #assistReply(
    d: Datagram,
  ):
    | { module: { mac: Mac; ip: string; module: string }; from: NetAddress }
    | { error: number | null }
    | undefined {
    const reply = decodeAtReply(d.data);
    if (reply.kind === "assist") {
      if (this.#mac !== null && reply.mac !== this.#mac) return undefined;
      return { module: { mac: reply.mac, ip: reply.ip, module: reply.module }, from: d.from };
    }
    // A `+ERR` to the assist password (a module with another one) only counts from the address
    // we asked by unicast: a broadcast can draw answers from anything on the subnet.
    if (reply.kind === "error" && d.from.hostname === this.#device.hostname) {
      return { error: reply.code };
    }
    return undefined;
  }

  /** Step 2: `+ok`, which the module does not answer (docs/protocol.md#ap-mode step 2). */
  async #enterAtMode(request: AtRequest): Promise<void> {
    const routes = this.#routes();
    this.#report(request, 1, `to ${show(routes[0]!.to)}`);
    const route = await this.#send(request, routes);
    await sleep(systemClock, this.#settleMs, this.#signal);
    this.#done(request, 1, `command mode requested at ${show(route.to)} (no reply expected)`);
  }

  /** Steps 3–5: one `AT+` line, retried until `+ok`; `+ERR` ends the exchange. */
  async #command(request: AtRequest): Promise<void> {
    for (let attempt = 1; attempt <= this.#attempts; attempt++) {
      const routes = this.#routes();
      // Alternate routes between attempts: some hosts only get through one way
      // (docs/protocol.md#ap-mode).
      const ordered = [...routes.slice((attempt - 1) % routes.length), ...routes].slice(
        0,
        routes.length,
      );
      if (attempt > 1) {
        // The module may have lost command mode (a lost `+ok`, a restart): enter it again. The
        // assist reply this draws is not a `+ok`, so it cannot be mistaken for the answer.
        this.#queue.clear();
        await this.#send({ kind: "assist", password: ASSIST_PASSWORD }, ordered);
        await this.#send({ kind: "enterAtMode" }, ordered);
        await sleep(systemClock, this.#settleMs, this.#signal);
      }
      this.#report(request, attempt, `to ${show(ordered[0]!.to)}`);
      this.#queue.clear();
      const route = await this.#send(request, ordered);
      const reply = await this.#queue.take(
        (d) => {
          if (d.from.hostname !== this.#device.hostname) return undefined;
          const r = decodeAtReply(d.data);
          return r.kind === "ok" || r.kind === "error" ? r : undefined;
        },
        this.#replyTimeoutMs,
        this.#signal,
      );
      if (reply === undefined) continue;
      if (reply.kind === "error") throw this.#refused(request, reply.code);
      this.#preferred = route.kind;
      this.#done(request, attempt, `+ok from ${show(this.#device)}`);
      return;
    }
    throw new PairingError(
      "NO_REPLY",
      null,
      `The socket at ${show(this.#device)} stopped answering: no reply to ` +
        `${describeAtRequest(request)} after ${this.#attempts} attempt${
          this.#attempts === 1 ? "" : "s"
        }. The new settings take effect only when the socket restarts (AT+Z), so it is still on its ` +
        `current network; ${this.#target.lostHint}`,
      { step: describeAtRequest(request) },
    );
  }

  /**
   * Step 6: `AT+Z`. The module restarts without answering (docs/protocol.md#ap-mode step 6), so it
   * is sent once.
   */
  async #reboot(request: AtRequest): Promise<void> {
    const routes = this.#routes();
    this.#report(request, 1, `to ${show(routes[0]!.to)}`);
    const route = await this.#send(request, routes);
    this.#done(request, 1, `sent to ${show(route.to)}: the socket restarts with the new settings`);
  }

  #refused(request: AtRequest, code: number | null): PairingError {
    const described = describeAtRequest(request);
    const meaning = code === null ? null : atErrorMeaning(code);
    const what = code === null ? "+ERR" : `+ERR=${code}${meaning ? ` (${meaning})` : ""}`;
    return new PairingError(
      "AT_ERROR",
      FIELD_OF[request.kind] ?? null,
      `The socket refused ${described} with ${what}: ${ADVICE_OF[request.kind] ?? "try again"}`,
      { step: described, atError: code },
    );
  }

  #report(request: AtRequest, attempt: number, where: string): void {
    this.#onStep({
      name: STEP_OF[request.kind]!,
      status: attempt === 1 ? "start" : "retry",
      detail: `${describeAtRequest(request)} ${where}${
        attempt === 1 ? "" : ` (attempt ${attempt})`
      }`,
      attempt,
    });
  }

  #done(request: AtRequest, attempt: number, detail: string): void {
    this.#onStep({
      name: STEP_OF[request.kind]!,
      status: "done",
      detail: `${describeAtRequest(request)}: ${detail}`,
      attempt,
    });
  }
}

/**
 * Runs the six steps of docs/protocol.md#ap-mode against one module. Internal: use `pairApMode` or
 * `changeWifi`.
 */
export async function runAtExchange(
  settings: WifiSettings,
  target: AtTarget,
  options: AtExchangeOptions,
): Promise<AtModuleInfo> {
  const bind = options.bind ?? { hostname: "0.0.0.0", port: 0 };
  const udp = options.transport ?? listenUdp({ hostname: bind.hostname, port: bind.port });
  let session: AtSession;
  try {
    options.signal?.throwIfAborted();
    session = new AtSession(udp, target, options);
  } catch (error) {
    udp.close();
    throw error;
  }
  try {
    return await session.run(settings);
  } finally {
    await session.close();
  }
}
