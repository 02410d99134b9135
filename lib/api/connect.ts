/**
 * One entry point for programs: the running daemon's API when there is one, else a direct
 * UDP client, so two programs never fight over UDP port 10000.
 *
 * Why it lives here, in the api layer: choosing a route needs both ends, the daemon's client
 * (this layer) and `S20Client` (the client layer, below). In `lib/client/` it would import
 * upward; the CLI, which also uses it, sits above this layer. Its public home is the root
 * module (`@s20/s20`), a facade above every layer that nothing in `lib/` imports, so the
 * re-export makes no cycle (tests/layering_test.ts checks both rules).
 */
import { S20Client, type S20ClientOptions } from "../client/client.ts";
import type { Controller } from "../client/controller.ts";
import { DaemonClient } from "./daemon_client.ts";
import { DaemonUnavailableError } from "./errors.ts";
import { findDaemon } from "./locate.ts";
import type { EnvReader } from "./paths.ts";

/**
 * Options for {@linkcode connect}: those of a direct client (used when no daemon runs), plus
 * the choice of route.
 *
 * @example
 * ```ts
 * import type { ConnectOptions } from "@s20/s20";
 *
 * const options: ConnectOptions = { timeout: 3000, targets: ["192.168.1.255"] };
 * ```
 */
export interface ConnectOptions extends S20ClientOptions {
  /**
   * Always talk UDP directly, even when a daemon runs (as the CLI's `--direct`).
   *
   * @default {false}
   */
  readonly direct?: boolean;
  /**
   * Reads `S20_DAEMON`, `S20_DAEMON_TOKEN_FILE` and `XDG_RUNTIME_DIR` (see `findDaemon`).
   *
   * @default {the process environment}
   */
  readonly env?: EnvReader;
}

/**
 * The one decision between the daemon and UDP, shared by {@linkcode connect} and the CLI: the
 * running daemon's client once it answers its health check, or `null` when no daemon is
 * named or found, or when the socket file at the default path was left by a daemon that died.
 *
 * @throws {DaemonInsecureError} If the daemon's socket is open to other users.
 * @throws {DaemonUnavailableError} If `S20_DAEMON` names a daemon that does not answer.
 */
export async function daemonRoute(options: {
  readonly env?: EnvReader | undefined;
  readonly timeout?: number | undefined;
  readonly targets?: S20ClientOptions["targets"];
}): Promise<DaemonClient | null> {
  const endpoint = findDaemon(options.env ? { env: options.env } : {});
  if (endpoint === null) return null;
  const daemon = new DaemonClient({
    ...endpoint,
    ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
    ...(options.targets !== undefined ? { targets: options.targets } : {}),
  });
  try {
    await daemon.health();
    return daemon;
  } catch (error) {
    await daemon.close();
    if (!(error instanceof DaemonUnavailableError) || endpoint.explicit) throw error;
    return null;
  }
}

/**
 * Connects to the sockets the best way there is: through the running s20 daemon (`s20 serve`
 * or `s20 schedule run`) when there is one, which owns UDP port 10000 and serves every program
 * at once; else over UDP with a new {@linkcode S20Client}. Both answer the same
 * {@linkcode Controller} calls with the same results and errors.
 *
 * @returns A `DaemonClient` or an `S20Client`; close it when done.
 * @throws {DaemonInsecureError} If the daemon's socket is open to other users.
 * @throws {DaemonUnavailableError} If `S20_DAEMON` names a daemon that does not answer.
 * @throws {PortInUseError} When no daemon runs and another program owns the UDP port.
 *
 * @example Switch a socket, whoever owns the port
 * ```ts
 * import { connect } from "@s20/s20";
 * import { startEmulator } from "@s20/s20/emulator";
 * import assert from "node:assert/strict";
 *
 * await using emulated = await startEmulator({ hostname: "127.0.0.1", port: 0, replyTo: "source" });
 * await using controller = await connect({ hostname: "127.0.0.1", port: 0, env: () => undefined });
 * const lamp = controller.socket({ mac: emulated.mac, ip: "127.0.0.1", port: emulated.address.port });
 * assert.equal(await lamp.on(), true);
 * ```
 */
export async function connect(options: ConnectOptions = {}): Promise<Controller> {
  const { direct = false, env, ...clientOptions } = options;
  const daemon = direct
    ? null
    : await daemonRoute({ env, timeout: clientOptions.timeout, targets: clientOptions.targets });
  return daemon ?? new S20Client(clientOptions);
}
