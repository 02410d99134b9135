/**
 * Where the CLI's socket operations go: straight to the sockets over UDP, or, when an s20
 * daemon owns UDP port 10000, through the daemon's local API (issue 9 adds that route).
 */
import { S20Client } from "../client/client.ts";
import type { Controller } from "../client/controller.ts";
import type { Clock } from "../time/clock.ts";
import type { CliIo } from "./io.ts";

export interface BackendOptions {
  readonly io: CliIo;
  /** `--direct`: never route through a daemon. */
  readonly direct: boolean;
  readonly hostname: string;
  readonly port: number;
  readonly timeout: number;
  readonly clock: Clock;
  readonly targets: readonly string[];
}

/** Opens the controller the CLI uses. */
export function openController(options: BackendOptions): Controller {
  const { hostname, port, timeout, clock, targets } = options;
  return new S20Client({
    hostname,
    port,
    timeout,
    clock,
    ...(targets.length > 0 ? { targets } : {}),
  });
}
