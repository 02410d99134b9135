/**
 * Errors of the daemon route. Both carry a `code` the CLI prints and exits 1 on, and a message
 * that says what to do (fix the file, start the daemon, or use `--direct`).
 */
import { S20Error } from "../errors.ts";

/**
 * A daemon socket or token file that another user could use or could have made: refused,
 * because whoever owns it sees every command (remote passwords included).
 *
 * @example
 * ```ts
 * import { DaemonInsecureError } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * const error = new DaemonInsecureError("/tmp/s20-1000/daemon.sock", "its mode 0666 lets other users in");
 * assert.equal(error.code, "DAEMON_INSECURE");
 * ```
 */
export class DaemonInsecureError extends S20Error {
  /** The file refused. */
  readonly path: string;

  /**
   * Creates the error.
   *
   * @param path The socket or token file.
   * @param problem What is wrong with it, such as `its mode 0666 lets other users in`.
   */
  constructor(path: string, problem: string) {
    super(
      "DAEMON_INSECURE",
      `Cannot use the s20 daemon at ${path}: ${problem}. Only its owner may reach a daemon: ` +
        `restart the daemon (it creates ${path} with mode 0600 in a private directory), ` +
        `fix it with 'chmod 600 ${path}' if it is yours, or bypass the daemon with --direct`,
    );
    this.name = "DaemonInsecureError";
    this.path = path;
  }
}

/**
 * No daemon answers where one was expected (an `S20_DAEMON` that points nowhere, a socket file
 * left by a daemon that did not stop cleanly), or it refused our token.
 *
 * @example
 * ```ts
 * import { DaemonUnavailableError } from "@s20/s20";
 * import assert from "node:assert/strict";
 *
 * const error = new DaemonUnavailableError("/run/user/1000/s20/daemon.sock", "connection refused");
 * assert.equal(error.code, "DAEMON_UNAVAILABLE");
 * ```
 */
export class DaemonUnavailableError extends S20Error {
  /** Where the daemon was looked for: a socket path or a URL. */
  readonly endpoint: string;

  /**
   * Creates the error.
   *
   * @param endpoint The socket path or URL.
   * @param detail Why it cannot be used.
   * @param options The underlying cause.
   */
  constructor(endpoint: string, detail: string, options?: ErrorOptions) {
    super(
      "DAEMON_UNAVAILABLE",
      `Cannot reach the s20 daemon at ${endpoint}: ${detail}. Start it ('s20 serve' or ` +
        `'s20 schedule run FILE'), point S20_DAEMON at a running one (S20_DAEMON=off never ` +
        `uses one), or bypass it with --direct`,
      options,
    );
    this.name = "DaemonUnavailableError";
    this.endpoint = endpoint;
  }
}
