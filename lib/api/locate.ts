/**
 * Finding a running daemon without connecting: `S20_DAEMON` (a socket path, or the URL of a
 * daemon on TCP), else the default socket path. Synchronous (a `stat`), so the CLI can decide
 * its route before it starts.
 */
import { DaemonUnavailableError } from "./errors.ts";
import { checkPrivate } from "./private_files.ts";
import { currentUid, defaultDaemonPaths, type EnvReader, processEnv } from "./paths.ts";

/**
 * How to reach a daemon: its Unix socket, or its loopback URL with the bearer token.
 * `explicit` says the user named it (`S20_DAEMON`); a client then reports an unreachable
 * daemon instead of quietly going direct.
 *
 * @example
 * ```ts
 * import type { DaemonEndpoint } from "@s20/s20/api";
 *
 * const local: DaemonEndpoint = { path: "/run/user/1000/s20/daemon.sock", explicit: false };
 * ```
 */
export type DaemonEndpoint =
  | { readonly path: string; readonly explicit: boolean }
  | { readonly url: string; readonly token: string; readonly explicit: boolean };

/**
 * Options for {@linkcode findDaemon}.
 *
 * @example
 * ```ts
 * import type { FindDaemonOptions } from "@s20/s20/api";
 *
 * const options: FindDaemonOptions = { env: (name) => ({ S20_DAEMON: "/tmp/d.sock" })[name] };
 * ```
 */
export interface FindDaemonOptions {
  /**
   * Reads `S20_DAEMON`, `S20_DAEMON_TOKEN_FILE` and `XDG_RUNTIME_DIR`.
   *
   * @default {the process environment}
   */
  readonly env?: EnvReader;
}

/** Values of `S20_DAEMON` that mean "never use a daemon". */
const OFF = new Set(["off", "none", "direct", "0"]);

/** A loopback `http://host:port` (a token travels in clear text only on loopback). */
function loopbackUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TypeError(
      `Cannot use S20_DAEMON "${text}": expected a socket path or http://127.0.0.1:PORT`,
    );
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (url.protocol !== "http:" || !/^(127\.\d+\.\d+\.\d+|localhost|::1)$/.test(host)) {
    throw new TypeError(
      `Cannot use S20_DAEMON "${text}": a daemon on TCP listens on loopback only (http://127.0.0.1:PORT)`,
    );
  }
  return `${url.protocol}//${url.host}`;
}

function readToken(file: string, uid: number | null, url: string): string {
  try {
    checkPrivate(file, "file", uid);
    const token = Deno.readTextFileSync(file).trim();
    if (token === "") throw new DaemonUnavailableError(url, `the token file ${file} is empty`);
    return token;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new DaemonUnavailableError(
        url,
        `no token file at ${file} (set S20_DAEMON_TOKEN_FILE to the daemon's --token-file)`,
      );
    }
    throw error;
  }
}

/**
 * Finds the daemon this user runs, by its files only (nothing is sent). `S20_DAEMON` may name
 * a socket path, `http://127.0.0.1:PORT` (the token is read from `S20_DAEMON_TOKEN_FILE` or
 * the default token file), or `off`; else the default socket path is used if a socket is there
 * (`$XDG_RUNTIME_DIR/s20/daemon.sock`, or `/tmp/s20-$UID/daemon.sock` without
 * `XDG_RUNTIME_DIR`).
 *
 * @returns Where the daemon is, or `null` for none (talk UDP directly).
 * @throws {DaemonInsecureError} If the socket or token file is another user's or open to others.
 * @throws {DaemonUnavailableError} If `S20_DAEMON` names a path where no socket is.
 * @throws {TypeError} If `S20_DAEMON` is neither a path nor a loopback URL.
 *
 * @example No daemon named and none at the default path
 * ```ts
 * import { findDaemon } from "@s20/s20/api";
 * import assert from "node:assert/strict";
 *
 * const env = (name: string) => name === "XDG_RUNTIME_DIR" ? "/nonexistent" : undefined;
 * assert.equal(findDaemon({ env }), null);
 * ```
 */
export function findDaemon(options: FindDaemonOptions = {}): DaemonEndpoint | null {
  const { env = processEnv } = options;
  const uid = currentUid();
  const named = env("S20_DAEMON")?.trim();
  if (named && OFF.has(named.toLowerCase())) return null;
  if (named && /^[a-z]+:\/\//i.test(named)) {
    const url = loopbackUrl(named);
    const file = env("S20_DAEMON_TOKEN_FILE") ?? defaultDaemonPaths(env, uid)?.tokenFile;
    if (!file) throw new DaemonUnavailableError(url, "set S20_DAEMON_TOKEN_FILE to its token file");
    return { url, token: readToken(file, uid, url), explicit: true };
  }
  const path = named || defaultDaemonPaths(env, uid)?.socket;
  if (!path) return null;
  try {
    checkPrivate(path, "socket", uid);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    if (!named) return null;
    throw new DaemonUnavailableError(path, "S20_DAEMON names it, but no socket is there");
  }
  return { path, explicit: Boolean(named) };
}
