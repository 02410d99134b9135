/**
 * A hand-driven UDP client for emulator tests: binds a loopback address, sends raw packets and
 * waits for datagrams with real-time limits. It decodes nothing by itself, so tests exercise the
 * emulator through bytes rather than through the project's client.
 */
import { decode, type Message } from "../../mod.ts";
import { listenUdp } from "../../lib/transport/udp.ts";
import type { Datagram, DatagramTransport, NetAddress } from "../../lib/transport/types.ts";

/** A received datagram with its decoded message (decoded as coming from a socket). */
export interface Received extends Datagram {
  readonly message: Message;
  /** `performance.now()` at arrival. */
  readonly at: number;
}

/** A UDP endpoint that queues what it receives. */
export class Probe implements AsyncDisposable {
  readonly transport: DatagramTransport;
  #queue: Received[] = [];
  #waiters = new Set<() => void>();
  #loop: Promise<void>;

  constructor(hostname: string, port = 0) {
    const transport = listenUdp({ hostname, port });
    this.transport = transport;
    this.#loop = (async () => {
      for await (const datagram of transport) {
        let message: Message;
        try {
          message = decode(datagram.data, { from: "device" });
        } catch {
          message = { kind: "unknown", command: "??", body: datagram.data };
        }
        this.#queue.push({ ...datagram, message, at: performance.now() });
        for (const wake of this.#waiters) wake();
      }
    })();
  }

  /** Where this probe listens. */
  get address(): NetAddress {
    return this.transport.local;
  }

  /** Sends bytes. */
  send(data: Uint8Array, to: NetAddress): Promise<void> {
    return this.transport.send(data, to);
  }

  /** Everything received so far, and forgets it. */
  drain(): Received[] {
    return this.#queue.splice(0);
  }

  /**
   * Waits until `count` datagrams are queued (or `timeoutMs` passes), then returns and forgets
   * all of them.
   */
  async take(count: number, timeoutMs = 1000): Promise<Received[]> {
    await this.#until(() => this.#queue.length >= count, timeoutMs);
    return this.drain();
  }

  /** Waits `ms` of real time and returns what arrived meanwhile (plus what was queued). */
  async collect(ms: number): Promise<Received[]> {
    await this.#until(() => false, ms);
    return this.drain();
  }

  #until(done: () => boolean, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const check = () => {
        if (done()) finish();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.#waiters.add(check);
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.transport.close();
    await this.#loop;
  }
}

/** Kinds of a list of received datagrams, in order. */
export function kinds(received: readonly Received[]): string[] {
  return received.map((r) => r.message.kind);
}
