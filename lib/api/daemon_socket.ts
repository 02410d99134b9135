/**
 * One socket's handle through the daemon: the `SocketController` calls as requests to
 * `/v1/sockets/{target}/…`, their answers turned back into the client's types.
 */
import type { SocketController } from "../client/controller.ts";
import type { CallOptions, ClockReading, Countdown, IconName } from "../client/types.ts";
import type { DiscoveryTarget, ParsedSocket } from "../client/targets.ts";
import type { TimerSpec } from "../client/timer_spec.ts";
import type { Mac } from "../protocol/mac.ts";
import type { SocketData, TimerRecord } from "../protocol/records.ts";
import type { NetAddress } from "../transport/types.ts";
import {
  clockFromJson,
  countdownFromJson,
  socketDataFromJson,
  type SocketMeta,
  timerFromJson,
  timerToJson,
} from "./wire.ts";
import { formatAddress } from "../util/address.ts";

/** The path segment naming a socket: `mac`, `ip:port` or `mac@ip:port`. */
export function targetPath(parsed: ParsedSocket): string {
  const address = parsed.address ? formatAddress(parsed.address) : "";
  return parsed.mac && address ? `${parsed.mac}@${address}` : parsed.mac ?? address;
}

/** A discovery target as the API's `target`/`via` query value. */
export function targetText(target: DiscoveryTarget): string {
  if (typeof target === "string") return target;
  const address = `${target.ip}${target.port ? `:${target.port}` : ""}`;
  return target.mac ? `${target.mac}@${address}` : address;
}

/** What a socket handle needs from its client. */
export interface Owner {
  call(
    socket: DaemonSocket,
    method: string,
    sub: string,
    options: CallOptions,
    body?: unknown,
  ): Promise<Record<string, unknown>>;
  hold(key: string, signal?: AbortSignal): Disposable;
}

/**
 * One socket, through the daemon (from `DaemonClient.socket`). Its calls queue
 * behind the daemon's own: the daemon runs one command at a time per socket.
 */
export class DaemonSocket implements SocketController {
  readonly #owner: Owner;
  /** The `{target}` of this socket's paths. */
  readonly key: string;
  #mac: Mac | null;
  #address: NetAddress | null;
  #lastKnownState: boolean | null = null;
  #online: boolean | null = null;

  /** Created by the client; use `DaemonClient.socket`. */
  constructor(owner: Owner, parsed: ParsedSocket) {
    this.#owner = owner;
    this.key = targetPath(parsed);
    this.#mac = parsed.mac;
    this.#address = parsed.address;
  }

  /** The MAC, once known. */
  get mac(): Mac | null {
    return this.#mac;
  }

  /** The address, once known. */
  get address(): NetAddress | null {
    return this.#address;
  }

  /** The relay state the daemon last heard. */
  get lastKnownState(): boolean | null {
    return this.#lastKnownState;
  }

  /** Whether the socket answered the daemon lately. */
  get online(): boolean | null {
    return this.#online;
  }

  /** @internal Takes in what the daemon's handle knows. */
  learn(meta: SocketMeta): void {
    if (meta.mac) this.#mac = meta.mac as Mac;
    if (meta.ip !== null && meta.port !== null) {
      this.#address = { hostname: meta.ip, port: meta.port };
    }
    this.#lastKnownState = meta.lastKnownState;
    this.#online = meta.online;
  }

  async #get<T>(method: string, sub: string, key: string, options: CallOptions, body?: unknown) {
    const json = await this.#owner.call(this, method, sub, options, body);
    return json[key] as T;
  }

  /** Reads the relay state. */
  state(options: CallOptions = {}): Promise<boolean> {
    return this.#get("GET", "state", "on", options);
  }

  /** Switches on, confirmed. */
  on(options: CallOptions = {}): Promise<boolean> {
    return this.setPower(true, options);
  }

  /** Switches off, confirmed. */
  off(options: CallOptions = {}): Promise<boolean> {
    return this.setPower(false, options);
  }

  /** Switches to the other state. */
  toggle(options: CallOptions = {}): Promise<boolean> {
    return this.#get("POST", "toggle", "on", options);
  }

  /** Switches to `on`, confirmed. */
  setPower(on: boolean, options: CallOptions = {}): Promise<boolean> {
    return this.#get("POST", "power", "on", options, { on });
  }

  async #data(sub: string, options: CallOptions, body?: unknown): Promise<SocketData> {
    return socketDataFromJson(await this.#get("POST", sub, "data", options, body ?? {}));
  }

  /** Reads table 4; the remote password comes back blank (the daemon never sends it). */
  async info(options: CallOptions = {}): Promise<SocketData> {
    return socketDataFromJson(await this.#get("GET", "info", "data", options));
  }

  /** Sets the name (the daemon writes it over its own read of table 4). */
  rename(name: string, options: CallOptions = {}): Promise<SocketData> {
    return this.#data("rename", options, { name });
  }

  /** Sets the icon. */
  setIcon(icon: number | IconName, options: CallOptions = {}): Promise<SocketData> {
    return this.#data("icon", options, { icon });
  }

  /** Sets the zone; an IANA zone's offset is taken at `at` (default: now, on the daemon). */
  setTimeZone(
    zone: string | number,
    options: CallOptions & { readonly dst?: boolean; readonly at?: Date } = {},
  ): Promise<SocketData> {
    const { dst, at } = options;
    return this.#data("timezone", options, {
      zone,
      ...(dst !== undefined ? { dst } : {}),
      ...(at !== undefined ? { at: at.toISOString() } : {}),
    });
  }

  /** Hides the socket from global discovery. */
  lock(options: CallOptions = {}): Promise<SocketData> {
    return this.#data("lock", options);
  }

  /** Lets global discovery find it again. */
  unlock(options: CallOptions = {}): Promise<SocketData> {
    return this.#data("unlock", options);
  }

  /** Sets the remote (cloud) password; the daemon never echoes it. */
  async setRemotePassword(password: string, options: CallOptions = {}): Promise<void> {
    await this.#owner.call(this, "POST", "remote-password", options, { password });
  }

  /** Reads auto-off after switch-on. */
  autoOff(options: CallOptions = {}): Promise<number | null> {
    return this.#get("GET", "autooff", "seconds", options);
  }

  /** Sets or disables auto-off. */
  setAutoOff(seconds: number | null, options: CallOptions = {}): Promise<SocketData> {
    return this.#data("autooff", options, { seconds });
  }

  /** Reads the socket's clock (the daemon measures the skew against its host's time). */
  async clock(options: CallOptions = {}): Promise<ClockReading> {
    return clockFromJson(await this.#get("GET", "clock", "clock", options));
  }

  /** Sets the socket's clock to the daemon host's time. */
  async syncClock(options: CallOptions = {}): Promise<ClockReading> {
    return clockFromJson(await this.#get("POST", "clock/sync", "clock", options, {}));
  }

  /** Reads the one-off countdown. */
  async countdown(options: CallOptions = {}): Promise<Countdown | null> {
    return countdownFromJson(await this.#get("GET", "countdown", "countdown", options));
  }

  /** Starts a one-off countdown. */
  async setCountdown(
    seconds: number,
    options: CallOptions & { readonly action?: "on" | "off" } = {},
  ): Promise<Countdown> {
    const body = { seconds, ...(options.action !== undefined ? { action: options.action } : {}) };
    return countdownFromJson(await this.#get("POST", "countdown", "countdown", options, body))!;
  }

  /** Cancels the countdown. */
  async cancelCountdown(options: CallOptions = {}): Promise<void> {
    await this.#owner.call(this, "DELETE", "countdown", options);
  }

  /** Lists the timers. */
  async timers(options: CallOptions = {}): Promise<TimerRecord[]> {
    const list = await this.#get<unknown[]>("GET", "timers", "timers", options);
    return list.map(timerFromJson);
  }

  /** Adds a timer. */
  async addTimer(spec: TimerSpec, options: CallOptions = {}): Promise<TimerRecord> {
    return timerFromJson(await this.#get("POST", "timers", "timer", options, spec));
  }

  /** Replaces a timer's settings (a spec), or writes the record given. */
  async updateTimer(
    id: number,
    spec: TimerSpec | TimerRecord,
    options: CallOptions = {},
  ): Promise<TimerRecord> {
    const body = "label" in spec ? timerToJson(spec) : spec;
    return timerFromJson(await this.#get("PATCH", `timers/${id}`, "timer", options, body));
  }

  /** Adds or replaces a record with its own id. */
  async putTimer(record: TimerRecord, options: CallOptions = {}): Promise<TimerRecord> {
    const body = timerToJson(record);
    return timerFromJson(await this.#get("PUT", `timers/${record.id}`, "timer", options, body));
  }

  /** Removes a timer. */
  async removeTimer(id: number, options: CallOptions = {}): Promise<void> {
    await this.#owner.call(this, "DELETE", `timers/${id}`, options);
  }

  /** Removes every timer. */
  clearTimers(options: CallOptions = {}): Promise<number> {
    return this.#get("DELETE", "timers", "removed", options);
  }

  /**
   * Asks the daemon to keep this socket subscribed while this client has an event stream open
   * (from {@linkcode DaemonClient.events}); the daemon keeps the sockets it runs alive anyway.
   * Holding it sends nothing by itself: the daemon holds it for the life of the stream.
   */
  keepAlive(signal?: AbortSignal): Disposable {
    return this.#owner.hold(this.key, signal);
  }
}
