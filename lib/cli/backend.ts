/**
 * Where the CLI's socket operations go: straight to the sockets over UDP, or, when an s20
 * daemon owns UDP port 10000, through the daemon's local API. The commands cannot tell which:
 * both routes are a `Controller` with the same results and errors.
 *
 * The route is settled once, before the command runs, by the same `daemonRoute` that
 * `connect()` uses: `--direct` (or a command that is itself the daemon) → UDP. Else a daemon
 * named by `S20_DAEMON` (a socket path, or `http://127.0.0.1:PORT` with its token file), or a
 * socket at the default path (`$XDG_RUNTIME_DIR/s20/daemon.sock`, or
 * `/tmp/s20-$UID/daemon.sock`) that answers a health check → the daemon (a socket file left by
 * a daemon that died falls back to UDP; an `S20_DAEMON` that does not answer is an error).
 * Else UDP, with a client bound on first use (its address depends on the sockets named).
 */
import { S20Client } from "../client/client.ts";
import type { Controller } from "../client/controller.ts";
import { daemonRoute } from "../api/connect.ts";
import type { DaemonClient } from "../api/daemon_client.ts";
import type { Clock } from "../time/clock.ts";
import type { CliIo } from "./io.ts";

/** What the CLI's route needs to know. */
export interface BackendOptions {
  readonly io: CliIo;
  readonly timeout: number;
  readonly targets: readonly string[];
}

/**
 * The running daemon's client when the command should go through one, else `null`.
 *
 * @throws {DaemonInsecureError} If the daemon's socket is open to other users (exit 1).
 * @throws {DaemonUnavailableError} If `S20_DAEMON` names a daemon that does not answer.
 */
export async function openDaemon(options: BackendOptions): Promise<DaemonClient | null> {
  const { io, timeout, targets } = options;
  return await daemonRoute({
    env: (name) => io.env(name),
    timeout,
    ...(targets.length > 0 ? { targets } : {}),
  });
}

/** The direct client: owns the local UDP port (no daemon runs, or `--direct`). */
export function openDirect(options: {
  readonly hostname: string;
  readonly port: number;
  readonly timeout: number;
  readonly clock: Clock;
  readonly targets: readonly string[];
}): Controller {
  const { hostname, port, timeout, clock, targets } = options;
  return new S20Client({
    hostname,
    port,
    timeout,
    clock,
    ...(targets.length > 0 ? { targets } : {}),
  });
}
