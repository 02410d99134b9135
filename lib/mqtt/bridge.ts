/**
 * The daemon as an MQTT bridge: every socket's state, availability and events on a broker, with
 * Home Assistant discovery, and commands from `/set` applied through the same `Controller` the
 * CLI uses. The broker may come and go: sockets stay controlled (and schedules run) meanwhile,
 * and everything is published again after each reconnect.
 */
import type { Controller, SocketController } from "../client/controller.ts";
import type { S20Event } from "../client/events.ts";
import type { Mac } from "../protocol/mac.ts";
import type { DaemonStatus } from "../scheduler/daemon.ts";
import { type Clock, type ClockTimer, systemClock } from "../time/clock.ts";
import { type IClientOptions, type MqttClient, mqttConnect } from "./_deps.ts";
import { brokerErrorText } from "./broker_errors.ts";
import { CommandTracker } from "./command_tracker.ts";
import {
  absentEntityTopics,
  type DiscoveredDevice,
  discoveryMessages,
  macHexOfObjectId,
} from "./discovery.ts";
import {
  parseSetPayload,
  type SetCommand,
  type SocketEventPayload,
  type SocketStatePayload,
} from "./payloads.ts";
import { BridgeTopics, macHex, nodeIdOf, socketLevel } from "./topics.ts";

/** A socket the bridge serves: its handle and the alias it goes by, if any. */
export interface BridgeSocket {
  /** The alias (config or schedule), used as its topic level when it is a clean one. */
  readonly alias: string | null;
  /** The handle, from the daemon's controller. */
  readonly socket: SocketController;
}

/** A line the bridge has to say (the CLI prints them; the library never does). */
export interface BridgeLogEntry {
  /** `info` for connections and discovery, `warn` for refused commands and broker trouble. */
  readonly level: "info" | "warn";
  /** The line, never holding the password. */
  readonly message: string;
}

/** What the bridge needs of a running schedule (a `SchedulerDaemon` is one). */
export interface BridgeSchedule {
  /** The next events, for each socket's next-event sensor. */
  status(nextCount?: number): DaemonStatus;
}

/**
 * Options of {@linkcode MqttBridge}.
 *
 * @example
 * ```ts
 * import type { MqttBridgeOptions } from "@s20/s20/mqtt";
 * import type { Controller } from "@s20/s20";
 *
 * const options = (controller: Controller): MqttBridgeOptions => ({
 *   url: "mqtt://127.0.0.1:1883",
 *   controller,
 *   sockets: () => Promise.resolve([{ alias: "desk", socket: controller.socket("ac:cf:23:24:19:c0") }]),
 * });
 * ```
 */
export interface MqttBridgeOptions {
  /** `mqtt://host[:port]` or `mqtts://host[:port]`, without credentials. */
  readonly url: string;
  /** Carries out every command: the daemon's controller (see {@linkcode CommandTracker}). */
  readonly controller: Controller;
  /** The sockets to serve; called at start and by {@linkcode MqttBridge.reloadSockets}. */
  readonly sockets: () => Promise<readonly BridgeSocket[]>;
  /** The running schedule, for the next-event sensors. */
  readonly schedule?: BridgeSchedule;
  /** Tells switches through the daemon from presses; pass the one that wrapped `controller`. */
  readonly tracker?: CommandTracker;
  /** The MQTT client id. @default {`s20-` and a random suffix} */
  readonly clientId?: string;
  /** The first level(s) of every topic. @default {"s20"} */
  readonly baseTopic?: string;
  /** Home Assistant's discovery prefix. @default {"homeassistant"} */
  readonly discoveryPrefix?: string;
  /** Node id in discovery topics and unique ids. @default {the base topic, `/` as `_`} */
  readonly nodeId?: string;
  /** Publish Home Assistant discovery. @default {true} */
  readonly discovery?: boolean;
  /** Broker user name. */
  readonly username?: string;
  /** Broker password (from a file or the environment; never logged). */
  readonly password?: string;
  /** PEM certificates to trust for `mqtts://`, instead of the system's. */
  readonly ca?: string;
  /** Reconnect waits: first and cap, in ms. @default {{ minMs: 500, maxMs: 30000 }} */
  readonly reconnect?: { readonly minMs: number; readonly maxMs: number };
  /** How often clock skews (and the schedule's next events) are read again. @default {3600000} */
  readonly refreshMs?: number;
  /** Milliseconds a socket call may take. @default {5000} */
  readonly timeout?: number;
  /** s20's version, for the device info in Home Assistant. */
  readonly version?: string;
  /** Receives log lines. */
  readonly log?: (entry: BridgeLogEntry) => void;
  /** Wall time, for `last_seen` and the refresh timer. @default {systemClock} */
  readonly clock?: Clock;
}

interface Entry {
  readonly alias: string | null;
  readonly socket: SocketController;
  mac: Mac | null;
  level: string | null;
  name: string | null;
  on: boolean | null;
  ip: string | null;
  lastSeen: Date | null;
  skewS: number | null;
  online: boolean | null;
  next: { at: string; action: "on" | "off" } | null;
  published: { state?: string; availability?: string; discovery?: string };
  keepAlive: Disposable;
}

/**
 * Runs the bridge. `start()` connects (in the background: the broker may be down) and reads
 * every socket; `close()` says `offline` and disconnects.
 *
 * @example Bridge a client's sockets to a broker on this machine
 * ```ts ignore
 * import { S20Client } from "@s20/s20";
 * import { MqttBridge } from "@s20/s20/mqtt";
 *
 * await using client = new S20Client();
 * const bridge = new MqttBridge({
 *   url: "mqtt://127.0.0.1:1883",
 *   controller: client,
 *   sockets: () => Promise.resolve([{ alias: "desk", socket: client.socket("ac:cf:23:24:19:c0") }]),
 *   log: (entry) => console.error(entry.message),
 * });
 * await bridge.start();
 * ```
 */
export class MqttBridge {
  /** The bridge's topic names. */
  readonly topics: BridgeTopics;
  readonly #options: MqttBridgeOptions;
  readonly #clock: Clock;
  readonly #tracker: CommandTracker;
  readonly #stop = new AbortController();
  readonly #entries = new Map<SocketController, Entry>();
  /** Retained discovery configs of this node seen on the broker: topic → MAC hex. */
  readonly #seenConfigs = new Map<string, string>();
  readonly #background = new Set<Promise<unknown>>();
  #client: MqttClient | null = null;
  #loaded = false;
  #backoffMs: number;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #refreshTimer: ClockTimer | null = null;
  #lastError = "";
  #events: Promise<void> | null = null;

  /** Checks nothing and connects nowhere: `start()` does. */
  constructor(options: MqttBridgeOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#tracker = options.tracker ?? new CommandTracker({ clock: this.#clock });
    const base = options.baseTopic ?? "s20";
    this.topics = new BridgeTopics({
      base,
      discoveryPrefix: options.discoveryPrefix ?? "homeassistant",
      nodeId: options.nodeId ?? nodeIdOf(base),
    });
    this.#backoffMs = this.#reconnectRange.minMs;
  }

  get #reconnectRange(): { minMs: number; maxMs: number } {
    return this.#options.reconnect ?? { minMs: 500, maxMs: 30_000 };
  }

  /** Whether the broker connection is up. */
  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  /**
   * Connects to the broker (retrying in the background while it is down), follows the
   * sockets' events, and reads every socket once. Resolves when the sockets have been read,
   * whether or not the broker is reachable yet.
   */
  async start(): Promise<void> {
    this.#follow();
    this.#connect();
    await this.reloadSockets();
    this.#scheduleRefresh();
  }

  /**
   * Reads the socket list again: new sockets are read and published, and sockets that left it
   * lose their discovery configs (an empty retained payload) and their retained state.
   */
  async reloadSockets(): Promise<void> {
    const list = await this.#options.sockets();
    const keep = new Set(list.map((s) => s.socket));
    for (const [socket, entry] of [...this.#entries]) {
      if (keep.has(socket)) continue;
      this.#entries.delete(socket);
      entry.keepAlive[Symbol.dispose]();
      this.#forget(entry);
    }
    const added: Entry[] = [];
    for (const { alias, socket } of list) {
      if (this.#entries.has(socket)) continue;
      const entry: Entry = {
        alias,
        socket,
        mac: socket.mac,
        level: null,
        name: null,
        on: null,
        ip: socket.address?.hostname ?? null,
        lastSeen: null,
        skewS: null,
        online: null,
        next: null,
        published: {},
        keepAlive: socket.keepAlive(this.#stop.signal),
      };
      if (entry.mac) entry.level = socketLevel(alias, entry.mac);
      this.#entries.set(socket, entry);
      added.push(entry);
    }
    await Promise.all(added.map((entry) => this.#read(entry, { full: true })));
    this.#updateNextEvents();
    this.#loaded = true;
    for (const entry of this.#entries.values()) this.#publishEntry(entry, false);
    this.#purgeLeftovers();
  }

  /** Says `offline`, stops following events and disconnects. */
  async close(): Promise<void> {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort();
    clearTimeout(this.#reconnectTimer);
    this.#refreshTimer?.cancel();
    for (const entry of this.#entries.values()) entry.keepAlive[Symbol.dispose]();
    const client = this.#client;
    if (client?.connected) {
      try {
        await client.publishAsync(this.topics.bridgeState, "offline", { qos: 1, retain: true });
      } catch {
        // The broker's will says it instead.
      }
    }
    await client?.endAsync(true).catch(() => {});
    await Promise.allSettled([...this.#background, this.#events]);
  }

  /** Closes on `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // --- the broker ---

  #connect(): void {
    const o = this.#options;
    const url = new URL(o.url);
    const options: IClientOptions = {
      clientId: o.clientId ?? `s20-${crypto.randomUUID().slice(0, 8)}`,
      clean: true,
      reconnectPeriod: 0, // we reconnect ourselves, with a capped backoff
      connectTimeout: 10_000,
      resubscribe: false,
      queueQoSZero: false,
      will: { topic: this.topics.bridgeState, payload: "offline", qos: 1, retain: true },
      ...(o.username !== undefined ? { username: o.username } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
      ...(o.ca !== undefined ? { ca: o.ca } : {}),
    };
    const client = mqttConnect(`${url.protocol}//${url.host}`, options);
    this.#client = client;
    client.on("connect", () => {
      // Small packets both ways: without this, Nagle's algorithm holds each for a delayed ACK
      // (~40 ms on Linux) and every confirmed state waits for it.
      (client.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
      this.#backoffMs = this.#reconnectRange.minMs;
      this.#lastError = "";
      this.#log("info", `connected to the MQTT broker ${redactUrl(o.url)}`);
      this.#track(this.#onConnect());
    });
    client.on("error", (error) => {
      // Refused credentials and the like repeat on every retry; say each once.
      if (error.message === this.#lastError) return;
      this.#lastError = error.message;
      this.#log("warn", `MQTT broker ${redactUrl(o.url)}: ${brokerErrorText(error)}`);
    });
    client.on("close", () => {
      if (this.#stop.signal.aborted) return;
      const wait = this.#backoffMs;
      this.#backoffMs = Math.min(this.#backoffMs * 2, this.#reconnectRange.maxMs);
      clearTimeout(this.#reconnectTimer);
      this.#reconnectTimer = setTimeout(() => {
        if (!this.#stop.signal.aborted && !client.connected) client.reconnect();
      }, wait);
    });
    client.on("message", (topic, payload, packet) => {
      this.#onMessage(topic, payload, packet.retain);
    });
  }

  async #onConnect(): Promise<void> {
    const client = this.#client!;
    await client.publishAsync(this.topics.bridgeState, "online", { qos: 1, retain: true });
    const filters = [...this.topics.commandFilters];
    if (this.#discovery) filters.push(this.topics.homeAssistantStatus, this.topics.discoveryFilter);
    await client.subscribeAsync(Object.fromEntries(filters.map((f) => [f, { qos: 1 as const }])));
    this.#publishAll();
  }

  get #discovery(): boolean {
    return this.#options.discovery ?? true;
  }

  /** Publishes discovery, availability and state of every socket, whatever was sent before. */
  #publishAll(): void {
    for (const entry of this.#entries.values()) this.#publishEntry(entry, true);
  }

  #publish(topic: string, payload: string, retain: boolean): void {
    const client = this.#client;
    // While the broker is away nothing queues: everything is published again on reconnect.
    if (!client?.connected) return;
    this.#track(
      client.publishAsync(topic, payload, { qos: 1, retain }).catch((error: Error) => {
        if (!this.#stop.signal.aborted) this.#log("warn", `publish to ${topic}: ${error.message}`);
      }),
    );
  }

  #onMessage(topic: string, payload: Uint8Array, retained: boolean): void {
    if (topic === this.topics.homeAssistantStatus) {
      if (new TextDecoder().decode(payload).trim() === "online") {
        this.#log("info", "Home Assistant came online: publishing discovery again");
        this.#publishAll();
      }
      return;
    }
    const discovered = this.topics.parseDiscovery(topic);
    if (discovered) {
      const mac = macHexOfObjectId(discovered.objectId);
      if (payload.length === 0 || mac === null) this.#seenConfigs.delete(topic);
      else {
        this.#seenConfigs.set(topic, mac);
        this.#purgeLeftovers();
      }
      return;
    }
    const command = this.topics.parseCommand(topic);
    if (!command) return;
    if (retained) {
      this.#log("warn", `${topic}: ignored a retained command (publish commands unretained)`);
      return;
    }
    const entry = [...this.#entries.values()].find((e) => e.level === command.level);
    if (!entry) {
      this.#log("warn", `${topic}: ignored: no socket '${command.level}' on this bridge`);
      return;
    }
    if (command.kind === "get") {
      this.#track(this.#read(entry, { full: false }).then(() => this.#publishEntry(entry, true)));
      return;
    }
    const parsed = parseSetPayload(payload);
    if (!parsed.ok) {
      this.#log("warn", `${topic}: ignored: ${parsed.problem}`);
      return;
    }
    this.#track(this.#apply(entry, parsed.command, topic));
  }

  // --- the sockets ---

  async #apply(entry: Entry, command: SetCommand, topic: string): Promise<void> {
    const socket = entry.socket;
    const call = { timeout: this.#timeout, signal: this.#stop.signal };
    try {
      await this.#tracker.track(socket, async () => {
        if (command.state === "TOGGLE") entry.on = await socket.toggle(call);
        else if (command.state) entry.on = await socket.setPower(command.state === "ON", call);
        if (command.countdown === null) await socket.cancelCountdown(call);
        else if (command.countdown) {
          await socket.setCountdown(command.countdown.seconds, {
            ...call,
            action: command.countdown.action,
          });
        }
        if (command.autoOff !== undefined) await socket.setAutoOff(command.autoOff, call);
      });
      this.#heard(entry);
    } catch (error) {
      if (this.#stop.signal.aborted) return;
      this.#log("warn", `${topic}: ${messageOf(error)}`);
    }
    this.#publishEntry(entry, false);
  }

  get #timeout(): number {
    return this.#options.timeout ?? 5000;
  }

  /** Reads state (and, when `full`, name and clock); a socket that does not answer is offline. */
  async #read(entry: Entry, options: { full: boolean }): Promise<void> {
    const socket = entry.socket;
    const call = { timeout: this.#timeout, signal: this.#stop.signal };
    try {
      // Not tracked: a read switches nothing, and a change it finds was not ours.
      entry.on = await socket.state(call);
      this.#heard(entry);
      if (options.full || entry.name === null) entry.name = (await socket.info(call)).name;
      if (options.full || entry.skewS === null) await this.#readClock(entry);
    } catch (error) {
      if (this.#stop.signal.aborted) return;
      if (entry.online !== false) {
        this.#log("warn", `${entry.alias ?? entry.mac ?? "a socket"}: ${messageOf(error)}`);
      }
      entry.online = false;
    }
  }

  async #readClock(entry: Entry): Promise<void> {
    const reading = await entry.socket.clock({ timeout: this.#timeout, signal: this.#stop.signal });
    entry.skewS = reading.skewMs === null ? null : Math.round(reading.skewMs / 100) / 10;
  }

  /** The socket answered: note when, where, and that it is online. */
  #heard(entry: Entry): void {
    entry.lastSeen = new Date(this.#clock.now());
    entry.online = true;
    if (entry.socket.address) entry.ip = entry.socket.address.hostname;
    if (!entry.mac && entry.socket.mac) {
      entry.mac = entry.socket.mac;
      entry.level = socketLevel(entry.alias, entry.mac);
    }
  }

  #follow(): void {
    const events = this.#options.controller.events({ signal: this.#stop.signal });
    this.#events = (async () => {
      for await (const event of events) this.#onEvent(event);
    })().catch((error) => {
      if (!this.#stop.signal.aborted) this.#log("warn", `events stopped: ${messageOf(error)}`);
    });
  }

  #onEvent(event: S20Event): void {
    const entry = [...this.#entries.values()].find((e) => e.mac === event.mac);
    if (!entry) return;
    const at = event.at.toISOString();
    switch (event.type) {
      case "state": {
        const before = entry.on;
        entry.on = event.on;
        this.#heard(entry);
        this.#publishEntry(entry, false);
        if (before !== null && before !== event.on && !this.#tracker.causedByCommand(event.mac)) {
          this.#publishEvent(entry, { event_type: "press", state: event.on ? "ON" : "OFF", at });
        }
        break;
      }
      case "announce":
        this.#heard(entry);
        entry.ip = event.ip;
        this.#publishEntry(entry, false);
        break;
      case "address":
        entry.ip = event.ip;
        this.#publishEntry(entry, false);
        break;
      case "reboot":
        this.#publishEvent(entry, { event_type: "reboot", reason: event.reason, at });
        this.#track(this.#read(entry, { full: true }).then(() => this.#publishEntry(entry, false)));
        break;
      case "offline":
        entry.online = false;
        this.#publishEntry(entry, false);
        break;
      case "online":
        this.#heard(entry);
        this.#publishEntry(entry, false);
        break;
    }
  }

  // --- what is published ---

  #publishEntry(entry: Entry, force: boolean): void {
    if (!entry.mac || !entry.level || !this.#loaded) return;
    const schedule = this.#options.schedule !== undefined;
    if (this.#discovery) {
      const device: DiscoveredDevice = {
        level: entry.level,
        mac: entry.mac,
        name: entry.alias ?? entry.name ?? entry.mac,
      };
      const messages = discoveryMessages(this.topics, device, {
        schedule,
        ...(this.#options.version ? { version: this.#options.version } : {}),
      });
      const text = JSON.stringify(messages);
      if (force || entry.published.discovery !== text) {
        if (this.connected) entry.published.discovery = text;
        for (const m of messages) this.#publish(m.topic, JSON.stringify(m.config), true);
        for (const topic of absentEntityTopics(this.topics, entry.mac, { schedule })) {
          if (this.#seenConfigs.has(topic)) this.#publish(topic, "", true);
        }
      }
    }
    const availability = entry.online === false ? "offline" : entry.online ? "online" : null;
    if (availability && (force || entry.published.availability !== availability)) {
      if (this.connected) entry.published.availability = availability;
      this.#publish(this.topics.availability(entry.level), availability, true);
    }
    const state: SocketStatePayload = {
      state: entry.on === null ? null : entry.on ? "ON" : "OFF",
      name: entry.name,
      mac: entry.mac,
      ip: entry.ip,
      "last_seen": entry.lastSeen?.toISOString() ?? null,
      "clock_skew_s": entry.skewS,
      ...(schedule
        ? { "next_event": entry.next?.at ?? null, "next_action": entry.next?.action ?? null }
        : {}),
    };
    const text = JSON.stringify(state);
    if (force || entry.published.state !== text) {
      if (this.connected) entry.published.state = text;
      this.#publish(this.topics.state(entry.level), text, true);
    }
  }

  #publishEvent(entry: Entry, event: SocketEventPayload): void {
    if (entry.level) this.#publish(this.topics.event(entry.level), JSON.stringify(event), false);
  }

  /** A socket that left the list: its configs and retained topics are cleared. */
  #forget(entry: Entry): void {
    if (!entry.mac || !entry.level) return;
    const hex = macHex(entry.mac);
    for (const [topic, mac] of [...this.#seenConfigs]) {
      if (mac === hex) {
        this.#publish(topic, "", true);
        this.#seenConfigs.delete(topic);
      }
    }
    if (this.#discovery) {
      const messages = discoveryMessages(this.topics, {
        level: entry.level,
        mac: entry.mac,
        name: entry.mac,
      }, { schedule: true });
      for (const m of messages) this.#publish(m.topic, "", true);
    }
    this.#publish(this.topics.state(entry.level), "", true);
    this.#publish(this.topics.availability(entry.level), "", true);
    this.#log("info", `${entry.level}: left the configuration; removed from discovery`);
  }

  /** Removes retained configs of this node for sockets no longer served (after a restart). */
  #purgeLeftovers(): void {
    if (!this.#loaded) return;
    const served = new Set<string>();
    for (const entry of this.#entries.values()) if (entry.mac) served.add(macHex(entry.mac));
    for (const [topic, mac] of [...this.#seenConfigs]) {
      if (served.has(mac)) continue;
      this.#publish(topic, "", true);
      this.#seenConfigs.delete(topic);
      this.#log(
        "info",
        `removed the discovery config ${topic} (its socket left the configuration)`,
      );
    }
  }

  #updateNextEvents(): void {
    const schedule = this.#options.schedule;
    if (!schedule) return;
    const events = schedule.status(500).nextEvents;
    for (const entry of this.#entries.values()) {
      const next = events.find((e) => e.socket === entry.alias);
      entry.next = next ? { at: next.at.toString(), action: next.action } : null;
    }
  }

  /** Re-reads clocks and the schedule's next events now and then, and publishes changes. */
  #scheduleRefresh(): void {
    if (this.#stop.signal.aborted) return;
    const refreshMs = this.#options.refreshMs ?? 3_600_000;
    // The next event moves when it fires: look again just after, or at the refresh period.
    const soonest = [...this.#entries.values()]
      .map((e) => e.next ? Date.parse(e.next.at) - this.#clock.now() + 1000 : Infinity)
      .reduce((a, b) => Math.min(a, b), refreshMs);
    this.#refreshTimer = this.#clock.setTimer(() => {
      const clocks = soonest >= refreshMs;
      const work = clocks
        ? Promise.all(
          [...this.#entries.values()].filter((e) => e.online).map((e) =>
            this.#readClock(e).catch(() => {})
          ),
        )
        : Promise.resolve();
      this.#track(work.then(() => {
        this.#updateNextEvents();
        for (const entry of this.#entries.values()) this.#publishEntry(entry, false);
        this.#scheduleRefresh();
      }));
    }, Math.max(1000, soonest));
  }

  /** Call when the schedule changed (a reload): next events are read again. */
  scheduleChanged(): void {
    this.#updateNextEvents();
    for (const entry of this.#entries.values()) this.#publishEntry(entry, false);
  }

  #track(work: Promise<unknown>): void {
    const job = work.catch((error) => {
      if (!this.#stop.signal.aborted) this.#log("warn", messageOf(error));
    }).finally(() => this.#background.delete(job));
    this.#background.add(job);
  }

  #log(level: BridgeLogEntry["level"], message: string): void {
    const password = this.#options.password;
    // No message should hold it; this makes sure of it.
    const safe = password ? message.replaceAll(password, "***") : message;
    this.#options.log?.({ level, message: safe });
  }
}

/**
 * A broker URL without its user name or password, for log lines.
 *
 * @example
 * ```ts
 * import { redactUrl } from "@s20/s20/mqtt";
 *
 * redactUrl("mqtt://me:secret@broker.lan:1883"); // "mqtt://broker.lan:1883"
 * ```
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return "(an unreadable URL)";
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
