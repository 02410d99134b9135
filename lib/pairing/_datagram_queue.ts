/**
 * Receives on a transport in the background and lets the pairing client wait for the first
 * datagram that answers it, with a timeout on a clock and an abort signal.
 */
import type { Clock } from "../time/clock.ts";
import type { Datagram, DatagramTransport } from "../transport/types.ts";

/**
 * Datagrams kept while nobody waits; the AT module sends one reply per request
 * (docs/protocol.md#ap-mode).
 */
const MAX_QUEUED = 256;

export class DatagramQueue {
  readonly #transport: DatagramTransport;
  readonly #clock: Clock;
  readonly #queue: Datagram[] = [];
  #wake: (() => void) | null = null;
  #ended = false;
  #error: unknown = null;
  readonly #loop: Promise<void>;

  constructor(transport: DatagramTransport, clock: Clock) {
    this.#transport = transport;
    this.#clock = clock;
    this.#loop = this.#run();
  }

  async #run(): Promise<void> {
    try {
      for await (const datagram of this.#transport) {
        this.#queue.push(datagram);
        if (this.#queue.length > MAX_QUEUED) this.#queue.shift();
        this.#wake?.();
      }
    } catch (error) {
      this.#error = error;
    } finally {
      this.#ended = true;
      this.#wake?.();
    }
  }

  /** Forgets what arrived so far, so that a late reply to an earlier request is not taken. */
  clear(): void {
    this.#queue.length = 0;
  }

  /**
   * Waits for the first datagram for which `accept` returns a value; other datagrams are
   * dropped as they are looked at.
   *
   * @returns The value, or `undefined` after `timeoutMs` of the clock.
   * @throws The signal's reason when aborted, or the receive error if receiving failed.
   */
  take<T>(
    accept: (datagram: Datagram) => T | undefined,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<T | undefined> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T | undefined>((resolve, reject) => {
      let settled = false;
      const finish = () => {
        settled = true;
        timer.cancel();
        signal?.removeEventListener("abort", onAbort);
        this.#wake = null;
      };
      const onAbort = () => {
        finish();
        reject(signal!.reason);
      };
      const check = () => {
        if (settled) return;
        while (this.#queue.length > 0) {
          const value = accept(this.#queue.shift()!);
          if (value !== undefined) {
            finish();
            resolve(value);
            return;
          }
        }
        if (this.#ended) {
          finish();
          if (this.#error !== null) reject(this.#error);
          else resolve(undefined);
        }
      };
      const timer = this.#clock.setTimer(() => {
        if (settled) return;
        finish();
        resolve(undefined);
      }, timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#wake = check;
      check();
    });
  }

  /** Closes the transport and waits for the receive loop to end. */
  async close(): Promise<void> {
    this.#transport.close();
    await this.#loop;
  }
}
