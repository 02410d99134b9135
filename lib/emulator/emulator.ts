/**
 * An {@linkcode EmulatedDevice} on UDP: one transport bound at its own address and port, the
 * device's pacing delays applied in real time, and seeded faults in between.
 */
import type { Mac } from "../protocol/mac.ts";
import type { DatagramTransport, NetAddress } from "../transport/types.ts";
import { listenUdp } from "../transport/udp.ts";
import { announceAddressFor } from "./addresses.ts";
import { EmulatedDevice } from "./device.ts";
import type { EmulatedDeviceOptions } from "./device_options.ts";
import { FaultInjector, type FaultOptions } from "./faults.ts";
import type { EmulatorEvent, OutgoingDatagram } from "./types.ts";
import { notifyAll } from "./notify.ts";

/**
 * Something that runs beside an emulated socket and stops with it, such as the pairing listeners
 * (HF-A11 AT commands on UDP 48899, smartlink on 49999, docs/protocol.md#pairing). It gets the
 * {@linkcode Emulator} (its `device`, `address` and `mac`) when started.
 *
 * @example A service that counts relay changes
 * ```ts
 * import { startEmulator, type EmulatorService } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * let changes = 0;
 * await using emulator = await startEmulator({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   services: [(e): EmulatorService => {
 *     const stop = e.onEvent((event) => {
 *       if (event.type === "relay") changes++;
 *     });
 *     return { close: stop };
 *   }],
 * });
 * emulator.device.pressButton();
 * assert.equal(changes, 1);
 * ```
 */
export interface EmulatorService {
  /** Stops the service; called once when the emulator closes, before its UDP socket. */
  close(): void | Promise<void>;
}

/**
 * Options for {@linkcode startEmulator}: the device's options plus where to listen, network
 * faults and extra services.
 *
 * @example A socket that replies to the request's source port, with a lossy link
 * ```ts
 * import type { EmulatorOptions } from "@s20/s20/emulator";
 *
 * const options: EmulatorOptions = {
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   replyTo: "source",
 *   faults: { seed: 3, replyLoss: 0.1 },
 * };
 * ```
 */
export interface EmulatorOptions extends Omit<EmulatedDeviceOptions, "output" | "networkNow"> {
  /**
   * Local address to bind; each socket of a fleet needs its own address or port. Any
   * 127.x.y.z works on Linux without setup.
   *
   * @default {"127.0.0.2"}
   */
  readonly hostname?: string;
  /**
   * Local UDP port; 0 picks a free one (then use `"source"` replies or tell clients the port).
   *
   * @default {10000}
   */
  readonly port?: number;
  /**
   * Seeded network faults between the device and the wire.
   *
   * @default {none}
   */
  readonly faults?: FaultOptions;
  /**
   * Services started once the socket listens and closed with it (pairing listeners).
   *
   * @default {[]}
   */
  readonly services?: readonly ((
    emulator: Emulator,
  ) => EmulatorService | Promise<EmulatorService>)[];
}

/**
 * A running emulated socket on UDP. Close it (or `await using` it) to release its port and
 * timers.
 *
 * @example Discover the emulator with a hand-made packet
 * ```ts
 * import { startEmulator } from "@s20/s20/emulator";
 * import { decode, fromHex } from "@s20/s20";
 * import { listenUdp } from "@s20/s20/transport";
 * import assert from "node:assert/strict";
 *
 * await using emulator = await startEmulator({ hostname: "127.0.0.1", port: 0, replyTo: "source" });
 * const client = listenUdp({ hostname: "127.0.0.1", port: 0 });
 * await client.send(fromHex("68 64 00 06 71 61"), emulator.address);
 * for await (const { data } of client) {
 *   const reply = decode(data);
 *   assert.ok(reply.kind === "discoverReply" && reply.mac === emulator.mac);
 *   break;
 * }
 * client.close();
 * ```
 */
export interface Emulator extends AsyncDisposable {
  /** The device behind the socket: state, history and events (press its button here). */
  readonly device: EmulatedDevice;
  /** The address and port actually bound. */
  readonly address: NetAddress;
  /** The socket's MAC address. */
  readonly mac: Mac;
  /**
   * Calls `listener` for every device event and every injected fault.
   *
   * @param listener Called synchronously.
   * @returns A function that removes the listener.
   */
  onEvent(listener: (event: EmulatorEvent) => void): () => void;
  /**
   * Ties a service's lifetime to this emulator's.
   *
   * @param service Closed when the emulator closes.
   */
  attach(service: EmulatorService): void;
  /** Stops services, timers and the UDP socket; waits for sends in flight. Idempotent. */
  close(): Promise<void>;
}

class UdpEmulator implements Emulator {
  readonly device: EmulatedDevice;
  readonly address: NetAddress;
  #transport: DatagramTransport;
  #faults: FaultInjector;
  #listeners = new Set<(event: EmulatorEvent) => void>();
  #services: EmulatorService[] = [];
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #inFlight = new Set<Promise<void>>();
  #closed = false;
  #closing: Promise<void> | null = null;
  #loop: Promise<void>;

  constructor(
    transport: DatagramTransport,
    options: Omit<EmulatorOptions, "hostname" | "port" | "faults" | "services">,
    faults: FaultInjector,
  ) {
    this.#transport = transport;
    this.#faults = faults;
    this.address = transport.local;
    this.device = new EmulatedDevice({
      ...options,
      announceTo: options.announceTo ?? announceAddressFor(this.address.hostname),
      output: (datagram) => this.#dispatch(datagram),
    });
    this.device.onEvent((event) => this.#emit(event));
    this.#loop = this.#receiveLoop();
  }

  get mac(): Mac {
    return this.device.mac;
  }

  onEvent(listener: (event: EmulatorEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  attach(service: EmulatorService): void {
    if (this.#closed) {
      void Promise.resolve(service.close());
      return;
    }
    this.#services.push(service);
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    const errors: unknown[] = [];
    for (const service of this.#services.reverse()) {
      try {
        await service.close();
      } catch (error) {
        errors.push(error);
      }
    }
    this.device.close();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await Promise.allSettled(this.#inFlight);
    this.#transport.close();
    await this.#loop;
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, "Cannot stop the emulator's services");
  }

  async #receiveLoop(): Promise<void> {
    // A receive error ends one iteration; start another unless we are closing.
    for (let attempt = 0; attempt < 100 && !this.#closed; attempt++) {
      try {
        for await (const { data, from } of this.#transport) {
          if (this.#closed) return;
          if (this.#faults.active && this.#faults.dropRequest()) {
            this.#fault("in", "dropped", from, data);
            continue;
          }
          this.device.receive(data, from);
        }
        return;
      } catch {
        if (this.#closed) return;
      }
    }
  }

  #dispatch(datagram: OutgoingDatagram): void {
    if (this.#closed) return;
    const extra = this.#faults.active ? this.#faults.planReply() : [0];
    if (extra.length === 0) return this.#fault("out", "dropped", datagram.to, datagram.data);
    if (extra.length > 1) this.#fault("out", "duplicated", datagram.to, datagram.data);
    for (const ms of extra) {
      const wait = datagram.delayMs + ms;
      if (wait <= 0) {
        this.#transmit(datagram.data, datagram.to);
        continue;
      }
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.#transmit(datagram.data, datagram.to);
      }, wait);
      this.#timers.add(timer);
    }
  }

  #transmit(data: Uint8Array, to: NetAddress): void {
    if (this.#closed) return;
    const sending = this.#transport.send(data, to).catch(() => {
      this.#fault("out", "send-failed", to, data);
    }).finally(() => this.#inFlight.delete(sending));
    this.#inFlight.add(sending);
  }

  #fault(
    direction: "in" | "out",
    fault: "dropped" | "duplicated" | "send-failed",
    address: NetAddress,
    data: Uint8Array,
  ): void {
    this.#emit({ type: "fault", at: Date.now(), direction, fault, address, data });
  }

  #emit(event: EmulatorEvent): void {
    notifyAll(this.#listeners, event);
  }
}

/**
 * Starts an emulated S20 on UDP at `hostname:port`.
 *
 * @example Start, switch by button, stop
 * ```ts
 * import { startEmulator } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * const emulator = await startEmulator({
 *   hostname: "127.0.0.1",
 *   port: 0,
 *   mac: "ac:cf:23:00:00:09",
 *   name: "Desk lamp",
 * });
 * emulator.device.pressButton();
 * assert.equal(emulator.device.on, true);
 * await emulator.close();
 * ```
 *
 * @param options Where to listen, the device's options, faults and services.
 * @returns The running emulator.
 * @throws {PortInUseError} If the address and port are taken.
 * @throws {NetworkError} If the address is not on this host.
 * @throws {RangeError} If an option is out of range.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const { hostname = "127.0.0.2", port = 10000, faults, services = [], ...deviceOptions } = options;
  const injector = new FaultInjector(faults);
  const transport = listenUdp({ hostname, port });
  let emulator: UdpEmulator;
  try {
    emulator = new UdpEmulator(transport, deviceOptions, injector);
  } catch (error) {
    transport.close();
    throw error;
  }
  try {
    for (const start of services) emulator.attach(await start(emulator));
  } catch (error) {
    await emulator.close();
    throw error;
  }
  return emulator;
}
