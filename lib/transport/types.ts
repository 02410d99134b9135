/** The seam between the client/emulator and the network: datagrams in, datagrams out. */

/**
 * An IPv4 address and UDP port.
 *
 * @example
 * ```ts
 * import type { NetAddress } from "@s20/s20/transport";
 *
 * const socket: NetAddress = { hostname: "192.168.1.30", port: 10000 };
 * ```
 */
export interface NetAddress {
  /** Dotted IPv4 address. */
  readonly hostname: string;
  /** UDP port. */
  readonly port: number;
}

/**
 * One received datagram, copied out of the receive buffer.
 *
 * @example
 * ```ts
 * import type { Datagram } from "@s20/s20/transport";
 *
 * const datagram: Datagram = {
 *   data: new Uint8Array([0x68, 0x64, 0x00, 0x06, 0x71, 0x61]),
 *   from: { hostname: "127.0.0.1", port: 10000 },
 * };
 * ```
 */
export interface Datagram {
  /** The payload; owned by the receiver. */
  readonly data: Uint8Array;
  /** Who sent it. */
  readonly from: NetAddress;
}

/**
 * A bound UDP endpoint. Iterate it (once) to receive; the iteration ends quietly when the
 * transport is closed.
 *
 * @example Echo one datagram
 * ```ts
 * import { listenUdp } from "@s20/s20/transport";
 *
 * const a = listenUdp({ hostname: "127.0.0.1", port: 0 });
 * const b = listenUdp({ hostname: "127.0.0.1", port: 0 });
 * await a.send(new Uint8Array([1]), b.local);
 * for await (const datagram of b) {
 *   await b.send(datagram.data, datagram.from);
 *   break;
 * }
 * a.close();
 * b.close();
 * ```
 */
export interface DatagramTransport extends AsyncIterable<Datagram> {
  /** The address and port actually bound. */
  readonly local: NetAddress;
  /** Whether `close()` was called. */
  readonly closed: boolean;
  /** Sends one datagram. Rejects with `NetworkError` when the OS refuses. */
  send(data: Uint8Array, to: NetAddress): Promise<void>;
  /** Closes the endpoint; a running iteration ends. Closing twice is harmless. */
  close(): void;
}
