/**
 * One UDP endpoint shared by every socket a client talks to: it sends encoded messages and
 * demultiplexes everything received (Deno's UDP API has no `connect`, so replies from all
 * sockets arrive on one transport; docs/protocol.md#several-sockets-and-clients).
 */
import { decode } from "../protocol/decode.ts";
import { DecodeError } from "../protocol/decode_error.ts";
import { encode } from "../protocol/encode.ts";
import type { Message } from "../protocol/messages.ts";
import type { DatagramTransport, NetAddress } from "../transport/types.ts";

/** A decoded datagram and where it came from. */
export interface Incoming {
  readonly message: Message;
  readonly from: NetAddress;
}

interface Waiter {
  readonly match: (incoming: Incoming) => boolean;
  readonly resolve: (incoming: Incoming) => void;
}

export class Endpoint {
  readonly transport: DatagramTransport;
  #waiters = new Set<Waiter>();
  #listeners = new Set<(incoming: Incoming) => void>();
  #loop: Promise<void>;
  #decodeErrors = 0;
  #onReceiveError: (error: unknown) => void;

  constructor(transport: DatagramTransport, onReceiveError: (error: unknown) => void = () => {}) {
    this.transport = transport;
    this.#onReceiveError = onReceiveError;
    this.#loop = this.#receive();
  }

  /** Datagrams dropped because they were not S20 packets. */
  get decodeErrors(): number {
    return this.#decodeErrors;
  }

  /** When we last sent a discovery probe (`performance.now()`), to tell replies from announcements. */
  lastProbeAt = -Infinity;

  /** Encodes and sends a message. */
  send(message: Message, to: NetAddress): Promise<void> {
    if (message.kind === "discover" || message.kind === "discoverMac") {
      this.lastProbeAt = performance.now();
    }
    return this.transport.send(encode(message), to);
  }

  /** Registers a one-shot matcher; call before sending so a fast reply cannot be missed. */
  expect(match: (incoming: Incoming) => boolean): { promise: Promise<Incoming>; cancel(): void } {
    let waiter!: Waiter;
    const promise = new Promise<Incoming>((resolve) => {
      waiter = {
        match,
        resolve: (incoming) => {
          this.#waiters.delete(waiter);
          resolve(incoming);
        },
      };
    });
    this.#waiters.add(waiter);
    return { promise, cancel: () => this.#waiters.delete(waiter) };
  }

  /** Adds a listener for every decoded message; returns a function that removes it. */
  listen(listener: (incoming: Incoming) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.transport.close();
    await this.#loop;
  }

  async #receive(): Promise<void> {
    try {
      for await (const { data, from } of this.transport) {
        let message: Message;
        try {
          message = decode(data, { from: "device" });
        } catch (error) {
          // Other programs use port 10000 too (the socket's SNTP replies, stray traffic).
          if (error instanceof DecodeError) {
            this.#decodeErrors++;
            continue;
          }
          throw error;
        }
        const incoming = { message, from };
        for (const waiter of [...this.#waiters]) {
          if (waiter.match(incoming)) waiter.resolve(incoming);
        }
        for (const listener of this.#listeners) listener(incoming);
      }
    } catch (error) {
      this.#onReceiveError(error);
    }
  }
}
