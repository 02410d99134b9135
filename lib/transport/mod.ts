/**
 * The datagram transport under the client and the emulator: {@linkcode listenUdp} binds a UDP
 * endpoint, and anything shaped as a {@linkcode DatagramTransport} can stand in for one
 * (`S20Client`'s `transport` option). Use it to send hand-made packets, for example to an
 * emulated socket.
 *
 * Interface listing and the owners of a port stay inside the library (`defaultTargets()` and
 * `s20 doctor` use them).
 *
 * @example Send a datagram to yourself on loopback
 * ```ts
 * import { listenUdp } from "@s20/s20/transport";
 * import assert from "node:assert/strict";
 *
 * const transport = listenUdp({ hostname: "127.0.0.1", port: 0 });
 * await transport.send(new Uint8Array([0x68, 0x64]), transport.local);
 * const { value } = await transport[Symbol.asyncIterator]().next();
 * assert.deepEqual([...value.data], [0x68, 0x64]);
 * transport.close();
 * ```
 *
 * @module
 */
export type { Datagram, DatagramTransport, NetAddress } from "./types.ts";
export { listenUdp, type UdpOptions } from "./udp.ts";
