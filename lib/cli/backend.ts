/**
 * Where the CLI's socket operations go: straight to the sockets over UDP, or, when an s20
 * daemon owns UDP port 10000, through the daemon's local API. The commands cannot tell which:
 * both routes are a `Controller` with the same results and errors.
 *
 * The route: `--direct` → UDP. Else a daemon named by `S20_DAEMON` (a socket path, or
 * `http://127.0.0.1:PORT` with its token file), or a socket at the default path
 * (`$XDG_RUNTIME_DIR/s20/daemon.sock`, or `/tmp/s20-$UID/daemon.sock`) → the daemon, once it
 * answers a health check on first use (a socket file left by a daemon that died falls back
 * to UDP; an `S20_DAEMON` that does not answer is an error). Else UDP.
 */
import { S20Client } from "../client/client.ts";
import type { Controller } from "../client/controller.ts";
import { openDaemonRoute } from "../api/connect.ts";
import { findDaemon } from "../api/locate.ts";
import { RoutedController } from "../api/routed_controller.ts";
import type { Clock } from "../time/clock.ts";
import type { CliIo } from "./io.ts";

export interface BackendOptions {
  readonly io: CliIo;
  /** `--direct` (or a command that is itself the daemon): never route through a daemon. */
  readonly direct: boolean;
  readonly hostname: string;
  readonly port: number;
  readonly timeout: number;
  readonly clock: Clock;
  readonly targets: readonly string[];
}

/**
 * Opens the controller the CLI uses; synchronous, so only a `stat` decides here.
 *
 * @throws {DaemonInsecureError} If the daemon's socket is open to other users (exit 1).
 */
export function openController(options: BackendOptions): Controller {
  const { io, hostname, port, timeout, clock, targets } = options;
  const direct = () =>
    new S20Client({
      hostname,
      port,
      timeout,
      clock,
      ...(targets.length > 0 ? { targets } : {}),
    });
  if (options.direct) return direct();
  const endpoint = findDaemon({ env: (name) => io.env(name) });
  if (endpoint === null) return direct();
  return new RoutedController(() =>
    openDaemonRoute(endpoint, {
      timeout,
      targets: targets.length > 0 ? targets : undefined,
      fallback: direct,
    })
  );
}
