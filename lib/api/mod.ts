/**
 * The s20 daemon's local API, both ends. Only one program can own UDP port 10000, where S20
 * sockets answer: `s20 serve` and `s20 schedule run` own it and serve everyone else over HTTP
 * and JSON on a Unix socket (or loopback TCP with a token).
 *
 * - {@linkcode DaemonClient}: a `Controller` over the API, with the client's types and errors.
 * - {@linkcode findDaemon}: where the running daemon is (`S20_DAEMON`, the default socket).
 * - {@linkcode startApiServer}: serve a client (and a schedule) to other programs.
 *
 * Programs reach a daemon with `connect()` from `@s20/s20`, which picks the daemon's route when
 * one runs and else a direct `S20Client`; its errors (`DaemonUnavailableError`,
 * `DaemonInsecureError`) live there too, with the other errors.
 *
 * @example Serve a client, then use it from "another program"
 * ```ts
 * import { connect, S20Client } from "@s20/s20";
 * import { startApiServer } from "@s20/s20/api";
 * import { startEmulator } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * await using emulated = await startEmulator({ hostname: "127.0.0.1", port: 0, replyTo: "source" });
 * await using owner = new S20Client({ hostname: "127.0.0.1", port: 0 });
 * const dir = await Deno.makeTempDir();
 * await using api = await startApiServer({ controller: owner, socket: `${dir}/daemon.sock` });
 *
 * await using controller = await connect({ env: (name) => name === "S20_DAEMON" ? api.socket! : undefined });
 * const lamp = controller.socket(`${emulated.mac}@127.0.0.1:${emulated.address.port}`);
 * assert.equal(await lamp.toggle(), true);
 * ```
 *
 * @module
 */
export {
  DaemonClient,
  type DaemonClientOptions,
  type DaemonHealth,
  type DaemonScheduleStatus,
} from "./daemon_client.ts";
export { type DaemonEndpoint, findDaemon, type FindDaemonOptions } from "./locate.ts";
export type { ConnectionLimits } from "./limits.ts";
export type { KnownSocket } from "./socket_directory.ts";
export { type DaemonPaths, defaultDaemonPaths, type EnvReader } from "./paths.ts";
export {
  type ApiServer,
  type ApiServerOptions,
  type ScheduleSource,
  startApiServer,
  type WebOptions,
} from "./server.ts";
export type { WebSocketEntry } from "../web/data_routes.ts";
