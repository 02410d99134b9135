/** The only file that touches `Deno.listenDatagram`. */
import { NetworkError, PortInUseError, UnsupportedRuntimeError } from "../errors.ts";
import type { Datagram, DatagramTransport, NetAddress } from "./types.ts";
import { formatAddress } from "../util/address.ts";

/**
 * Options for {@linkcode listenUdp}.
 *
 * @example
 * ```ts
 * import type { UdpOptions } from "@s20/s20/transport";
 *
 * const loopback: UdpOptions = { hostname: "127.0.0.1", port: 0 };
 * ```
 */
export interface UdpOptions {
  /**
   * Local address. Deno's own default is 127.0.0.1, which hears nothing from the LAN.
   *
   * @default {"0.0.0.0"}
   */
  readonly hostname?: string;
  /**
   * Local port; 0 picks a free one.
   *
   * @default {10000}
   */
  readonly port?: number;
  /**
   * Receive buffer size; longer datagrams are cut. S20 packets are at most a few hundred bytes.
   *
   * @default {4096}
   */
  readonly bufferSize?: number;
}

type DenoDatagramConn = ReturnType<typeof Deno.listenDatagram>;

/** Errors that mean "the socket was closed under a pending receive": end quietly. */
function isClosedError(error: unknown): boolean {
  return error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted;
}

class UdpTransport implements DatagramTransport {
  readonly local: NetAddress;
  #conn: DenoDatagramConn;
  #buffer: Uint8Array;
  #closed = false;

  constructor(conn: DenoDatagramConn, bufferSize: number) {
    this.#conn = conn;
    this.#buffer = new Uint8Array(bufferSize);
    const addr = conn.addr as Deno.NetAddr;
    this.local = { hostname: addr.hostname, port: addr.port };
  }

  get closed(): boolean {
    return this.#closed;
  }

  async send(data: Uint8Array, to: NetAddress): Promise<void> {
    try {
      await this.#conn.send(data, { transport: "udp", hostname: to.hostname, port: to.port });
    } catch (error) {
      if (this.#closed && isClosedError(error)) return;
      throw new NetworkError(
        `Cannot send to ${formatAddress(to)}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Datagram> {
    while (!this.#closed) {
      let received: [Uint8Array, Deno.Addr];
      try {
        received = await this.#conn.receive(this.#buffer);
      } catch (error) {
        if (this.#closed || isClosedError(error)) return;
        throw new NetworkError(`Cannot receive: ${(error as Error).message}`, { cause: error });
      }
      const [view, addr] = received;
      const from = addr as Deno.NetAddr;
      // The view aliases our reusable buffer; copy before the next receive overwrites it.
      yield { data: view.slice(), from: { hostname: from.hostname, port: from.port } };
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch (error) {
      if (!isClosedError(error)) throw error;
    }
  }
}

/**
 * Binds a UDP endpoint with Deno's `Deno.listenDatagram` (broadcast sending is on).
 *
 * @example Bind an ephemeral port on loopback
 * ```ts
 * import { listenUdp } from "@s20/s20/transport";
 *
 * const transport = listenUdp({ hostname: "127.0.0.1", port: 0 });
 * console.log(transport.local.port > 0);
 * transport.close();
 * ```
 *
 * @param options Address, port and buffer size.
 * @returns The bound transport.
 * @throws {UnsupportedRuntimeError} If the unstable `net` API is not enabled.
 * @throws {PortInUseError} If another program owns the address and port.
 * @throws {NetworkError} For other bind failures, such as an address not on this host.
 */
export function listenUdp(options: UdpOptions = {}): DatagramTransport {
  const { hostname = "0.0.0.0", port = 10000, bufferSize = 4096 } = options;
  if (typeof Deno?.listenDatagram !== "function") {
    throw new UnsupportedRuntimeError(
      "Cannot open a UDP socket: Deno.listenDatagram is not available. Run with " +
        '--unstable-net (or add "unstable": ["net"] to deno.json)',
    );
  }
  let conn: DenoDatagramConn;
  try {
    conn = Deno.listenDatagram({ transport: "udp", hostname, port });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      throw new PortInUseError(hostname, port, { cause: error });
    }
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      throw error;
    }
    throw new NetworkError(
      `Cannot listen on UDP ${formatAddress({ hostname, port })}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return new UdpTransport(conn, bufferSize);
}
