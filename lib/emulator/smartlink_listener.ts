/**
 * An emulated smartlink receiver (docs/protocol.md#smartlink): hears datagrams on UDP 49999,
 * decodes the password from their lengths, then announces success from UDP 48899 as the real socket
 * does.
 */
import { Mac } from "../protocol/mac.ts";
import { type Clock, sleep, systemClock } from "../time/clock.ts";
import { listenUdp } from "../transport/udp.ts";
import type { DatagramTransport, NetAddress } from "../transport/types.ts";
import { HF_AT_PORT } from "../pairing/hf_at.ts";
import { SMARTLINK_PORT } from "../pairing/smartlink.ts";
import { SmartlinkDecoder, type SmartlinkDecoderOptions } from "../pairing/smartlink_decoder.ts";
import {
  encodeModuleInfoAnnouncement,
  encodeSmartConfigAnnouncement,
  moduleInfoMacFor,
} from "../pairing/smartlink_announce.ts";
import type { WifiKey } from "../pairing/wifi_key.ts";
import { checkInteger } from "../util/range.ts";

/**
 * Pacing of the success announcements. Defaults follow capture c2 (frames 604–710): eight bursts
 * ~0.46 s apart, each of three pairs (`smart_config …`, then the JSON form) ~8 ms apart.
 *
 * @example Fast announcements for a test
 * ```ts
 * import type { SmartlinkAnnounceOptions } from "@s20/s20/emulator";
 *
 * const quick: SmartlinkAnnounceOptions = { bursts: 2, burstIntervalMs: 20, spacingMs: 1 };
 * ```
 */
export interface SmartlinkAnnounceOptions {
  /**
   * Wait between decoding the password and the first burst (c2: ~1.4 s, while the socket
   * joined the network).
   *
   * @default {0}
   */
  readonly delayMs?: number;
  /**
   * Number of bursts.
   *
   * @default {8}
   */
  readonly bursts?: number;
  /**
   * Pairs of announcements per burst.
   *
   * @default {3}
   */
  readonly pairsPerBurst?: number;
  /**
   * From the start of one burst to the start of the next.
   *
   * @default {460}
   */
  readonly burstIntervalMs?: number;
  /**
   * Between two datagrams of a burst.
   *
   * @default {8}
   */
  readonly spacingMs?: number;
}

/**
 * Reported once the password is decoded and the first announcement burst has gone out.
 *
 * @example
 * ```ts
 * import type { SmartlinkPasswordEvent } from "@s20/s20/emulator";
 *
 * function onPassword(event: SmartlinkPasswordEvent): void {
 *   void `decoded a ${event.password.length}-character password from ${event.from.hostname}`;
 * }
 * ```
 */
export interface SmartlinkPasswordEvent {
  /** The decoded password. */
  readonly password: WifiKey;
  /** Sender of the datagram that completed it (the phone). */
  readonly from: NetAddress;
}

/**
 * Options for {@linkcode startSmartlinkListener}.
 *
 * @example Share the AT listener's 48899 endpoint
 * ```ts
 * import type { AtListener, SmartlinkListenerOptions } from "@s20/s20/emulator";
 *
 * function options(at: AtListener): SmartlinkListenerOptions {
 *   return { mac: "accf2335e6aa", ip: "10.0.0.243", announceVia: at.transport };
 * }
 * ```
 */
export interface SmartlinkListenerOptions {
  /** The socket's MAC, in any spelling `Mac.parse` accepts. */
  readonly mac: string;
  /** The address the socket has on the network it joins, announced in the JSON form. */
  readonly ip: string;
  /**
   * Address to bind for 49999. `0.0.0.0` hears broadcasts (use it inside a network namespace).
   *
   * @default {"0.0.0.0"}
   */
  readonly hostname?: string;
  /**
   * Port to bind.
   *
   * @default {49999}
   */
  readonly port?: number;
  /**
   * An already bound 49999 transport to use instead of binding; taken over and closed on
   * {@linkcode SmartlinkListener.close}.
   *
   * @default {undefined (bind hostname:port)}
   */
  readonly transport?: DatagramTransport;
  /**
   * Where announcements are sent from: pass the AT listener's `transport` when one is bound to
   * 48899 on the same address, since two sockets cannot bind it. It is used for sending only and
   * is not closed by this listener.
   *
   * @default {undefined (bind announceFrom:48899 at start)}
   */
  readonly announceVia?: Pick<DatagramTransport, "send">;
  /**
   * Local endpoint bound for announcements when `announceVia` is not given.
   *
   * @default {{ hostname: hostname, port: 48899 }}
   */
  readonly announceFrom?: NetAddress;
  /**
   * Destination of the announcements.
   *
   * @default {{ hostname: ip with the last octet 255 (a /24, as in c2), port: 49999 }}
   */
  readonly announceTo?: NetAddress;
  /**
   * Pacing of the announcements.
   *
   * @default {{}}
   */
  readonly announce?: SmartlinkAnnounceOptions;
  /**
   * The `mac` text of the JSON announcement, which the firmware garbles.
   *
   * @default {moduleInfoMacFor(mac)}
   */
  readonly moduleInfoMac?: string;
  /**
   * Decoder settings.
   *
   * @default {{}}
   */
  readonly decoder?: SmartlinkDecoderOptions;
  /**
   * Clock for the announcement pacing; a `VirtualClock` makes tests fast.
   *
   * @default {systemClock}
   */
  readonly clock?: Clock;
  /**
   * Called once per decoded password, after the first announcement burst.
   *
   * @default {undefined}
   */
  readonly onPassword?: (event: SmartlinkPasswordEvent) => void;
  /**
   * Called with network errors. Without it they are dropped: the library never prints.
   *
   * @default {undefined}
   */
  readonly onError?: (error: unknown) => void;
}

function count(name: string, value: number, min: number): number {
  return checkInteger("announce smartlink success", name, value, min);
}

/** The /24 broadcast address of `ip`; c2's socket at 10.0.0.243 sent to 10.0.0.255. */
function broadcastOf(ip: string): string {
  const parts = ip.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    throw new TypeError(`Cannot use ${JSON.stringify(ip)} as the socket's IP: expected IPv4`);
  }
  return `${parts.slice(0, 3).join(".")}.255`;
}

/**
 * A running emulated smartlink receiver. Make one with {@linkcode startSmartlinkListener}.
 *
 * @example Decode a password sent on loopback
 * ```ts
 * import { listenUdp } from "@s20/s20/transport";
 * import { encodeSmartlink, smartlinkPayload } from "@s20/s20/pairing";
 * import { startSmartlinkListener } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * const phone = listenUdp({ hostname: "127.0.0.1", port: 0 });
 * const { promise, resolve } = Promise.withResolvers<string>();
 * const listener = startSmartlinkListener({
 *   mac: "accf2335e6aa",
 *   ip: "127.0.0.1",
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   announceFrom: { hostname: "127.0.0.1", port: 0 },
 *   announceTo: phone.local,
 *   announce: { bursts: 1 },
 *   onPassword: (event) => resolve(event.password.reveal()),
 * });
 * for (const packet of encodeSmartlink("correct horse", { preambleCount: 20, cycles: 2 })) {
 *   await phone.send(smartlinkPayload(packet.length), listener.local);
 * }
 * assert.equal(await promise, "correct horse");
 * phone.close();
 * await listener.close();
 * ```
 */
export class SmartlinkListener {
  readonly #transport: DatagramTransport;
  readonly #announcer: Pick<DatagramTransport, "send">;
  readonly #ownAnnouncer: DatagramTransport | null;
  readonly #mac: Mac;
  readonly #ip: string;
  readonly #to: NetAddress;
  readonly #moduleInfoMac: string;
  readonly #pacing: Required<SmartlinkAnnounceOptions>;
  readonly #clock: Clock;
  readonly #options: SmartlinkListenerOptions;
  readonly #decoder: SmartlinkDecoder;
  readonly #abort = new AbortController();
  #announcing: Promise<void> = Promise.resolve();
  readonly #done: Promise<void>;

  /**
   * Starts listening; use {@linkcode startSmartlinkListener}.
   *
   * @param transport The bound 49999 endpoint, taken over.
   * @param announcer Sends the announcements.
   * @param ownAnnouncer The announcer if this listener bound it (and so closes it).
   * @param options Identity, destinations, pacing and callbacks.
   */
  constructor(
    transport: DatagramTransport,
    announcer: Pick<DatagramTransport, "send">,
    ownAnnouncer: DatagramTransport | null,
    options: SmartlinkListenerOptions,
  ) {
    const announce = options.announce ?? {};
    this.#pacing = {
      delayMs: Math.max(0, announce.delayMs ?? 0),
      bursts: count("bursts", announce.bursts ?? 8, 1),
      pairsPerBurst: count("pairsPerBurst", announce.pairsPerBurst ?? 3, 1),
      burstIntervalMs: Math.max(0, announce.burstIntervalMs ?? 460),
      spacingMs: Math.max(0, announce.spacingMs ?? 8),
    };
    this.#mac = Mac.parse(options.mac);
    this.#ip = options.ip;
    this.#to = options.announceTo ?? { hostname: broadcastOf(options.ip), port: SMARTLINK_PORT };
    this.#moduleInfoMac = options.moduleInfoMac ?? moduleInfoMacFor(this.#mac);
    this.#clock = options.clock ?? systemClock;
    this.#decoder = new SmartlinkDecoder(options.decoder);
    this.#options = options;
    this.#transport = transport;
    this.#announcer = announcer;
    this.#ownAnnouncer = ownAnnouncer;
    this.#done = this.#run();
  }

  /** The address and port bound for 49999. */
  get local(): NetAddress {
    return this.#transport.local;
  }

  /** The decoded password, or `null` before success. */
  get password(): WifiKey | null {
    return this.#decoder.password;
  }

  /** The decoder, for its status and counters. */
  get decoder(): Pick<SmartlinkDecoder, "status" | "base" | "cyclesSeen" | "cyclesRejected"> {
    return this.#decoder;
  }

  /** Settles when the current announcements have all been sent (or were cut short by close). */
  get announced(): Promise<void> {
    return this.#announcing;
  }

  /** Forgets the decoded password and listens for a new sequence. */
  reset(): void {
    this.#decoder.reset();
  }

  /**
   * Stops listening and announcing; closes what this listener bound.
   *
   * @returns When the receive loop and the announcements have ended.
   */
  async close(): Promise<void> {
    this.#abort.abort();
    this.#transport.close();
    this.#ownAnnouncer?.close();
    await Promise.all([this.#done, this.#announcing]);
  }

  /**
   * Closes the listener at the end of an `await using` block.
   *
   * @returns When closed.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #run(): Promise<void> {
    try {
      for await (const { data, from } of this.#transport) {
        // Only the length carries information (docs/protocol.md#smartlink); the content is 0x05
        // filler.
        const password = this.#decoder.push(data.length);
        if (password !== null) {
          const previous = this.#announcing;
          const next = this.#announce(password, from);
          this.#announcing = Promise.all([previous, next]).then(() => {});
        }
      }
    } catch (error) {
      this.#options.onError?.(error);
    }
  }

  async #announce(password: WifiKey, from: NetAddress): Promise<void> {
    const signal = this.#abort.signal;
    const { delayMs, bursts, pairsPerBurst, burstIntervalMs, spacingMs } = this.#pacing;
    const forms = [
      encodeSmartConfigAnnouncement(this.#mac),
      encodeModuleInfoAnnouncement({ mac: this.#moduleInfoMac, ip: this.#ip }),
    ];
    try {
      if (delayMs > 0) await sleep(this.#clock, delayMs, signal);
      for (let burst = 0; burst < bursts; burst++) {
        if (burst > 0) {
          const used = (pairsPerBurst * 2 - 1) * spacingMs;
          await sleep(this.#clock, Math.max(0, burstIntervalMs - used), signal);
        }
        for (let i = 0; i < pairsPerBurst * 2; i++) {
          if (i > 0 && spacingMs > 0) await sleep(this.#clock, spacingMs, signal);
          if (signal.aborted) return;
          await this.#send(forms[i % 2]!);
        }
        if (burst === 0) this.#options.onPassword?.({ password, from });
      }
    } catch (error) {
      if (!signal.aborted) this.#options.onError?.(error);
    }
  }

  async #send(payload: Uint8Array): Promise<void> {
    try {
      await this.#announcer.send(payload, this.#to);
    } catch (error) {
      this.#options.onError?.(error);
    }
  }
}

/**
 * Binds the smartlink port and starts listening. On success it sends `smart_config <MAC>` and the
 * JSON form alternately from UDP 48899 to the broadcast address, port 49999
 * (docs/protocol.md#smartlink), then reports the password through `onPassword`.
 *
 * Inside a network namespace bind `0.0.0.0` to hear broadcasts. If an {@linkcode AtListener}
 * already holds 48899 on the same address, pass its `transport` as `announceVia`.
 *
 * @example
 * ```ts
 * import { startSmartlinkListener } from "@s20/s20/emulator";
 *
 * const listener = startSmartlinkListener({
 *   mac: "accf2335e6aa",
 *   ip: "127.0.0.1",
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   announceFrom: { hostname: "127.0.0.1", port: 0 },
 * });
 * await listener.close();
 * ```
 *
 * @param options Identity, addresses, pacing and callbacks.
 * @returns The running listener.
 * @throws {PortInUseError} If 49999 (or 48899, when bound here) is taken.
 * @throws {NetworkError} If an address cannot be bound.
 * @throws {TypeError} If `ip` is not an IPv4 address and no `announceTo` is given.
 */
export function startSmartlinkListener(options: SmartlinkListenerOptions): SmartlinkListener {
  const hostname = options.hostname ?? "0.0.0.0";
  const transport = options.transport ??
    listenUdp({ hostname, port: options.port ?? SMARTLINK_PORT, bufferSize: 2048 });
  let own: DatagramTransport | null = null;
  try {
    if (options.announceVia === undefined) {
      const from = options.announceFrom ?? { hostname, port: HF_AT_PORT };
      own = listenUdp({ hostname: from.hostname, port: from.port });
    }
    return new SmartlinkListener(transport, options.announceVia ?? own!, own, options);
  } catch (error) {
    transport.close();
    own?.close();
    throw error;
  }
}
