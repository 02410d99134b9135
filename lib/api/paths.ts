/**
 * Where a daemon puts its socket and token file, so that clients find it without being told:
 * `$XDG_RUNTIME_DIR/s20/` (a per-user tmpfs on systemd hosts), else `/tmp/s20-$UID/`.
 */

/**
 * Reads an environment variable; `undefined` when unset or not permitted.
 *
 * @example A fixed environment, for tests
 * ```ts
 * import type { EnvReader } from "@s20/s20/api";
 *
 * const env: EnvReader = (name) => ({ XDG_RUNTIME_DIR: "/run/user/1000" })[name];
 * ```
 */
export type EnvReader = (name: string) => string | undefined;

/** The process environment, treating a denied `--allow-env` as unset. */
export function processEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

/** Our user id, or `null` where there is none (Windows) or it may not be read. */
export function currentUid(): number | null {
  try {
    return Deno.uid();
  } catch {
    return null;
  }
}

/**
 * The default locations of one user's daemon.
 *
 * @example
 * ```ts
 * import type { DaemonPaths } from "@s20/s20/api";
 *
 * const paths: DaemonPaths = {
 *   dir: "/run/user/1000/s20",
 *   socket: "/run/user/1000/s20/daemon.sock",
 *   tokenFile: "/run/user/1000/s20/daemon.token",
 * };
 * ```
 */
export interface DaemonPaths {
  /** The private directory (mode 0700) holding both files. */
  readonly dir: string;
  /** The Unix socket. */
  readonly socket: string;
  /** The bearer token of a daemon that listens on TCP. */
  readonly tokenFile: string;
}

/**
 * The default paths: under `$XDG_RUNTIME_DIR/s20` when set, else `/tmp/s20-$UID`; `null` when
 * neither is known. Daemon and clients use the same rule, so they meet without configuration.
 *
 * @param env Reads `XDG_RUNTIME_DIR`.
 * @param uid The user id (for the `/tmp` fallback).
 * @returns The paths, or `null`.
 *
 * @example
 * ```ts
 * import { defaultDaemonPaths } from "@s20/s20/api";
 * import assert from "node:assert/strict";
 *
 * assert.equal(defaultDaemonPaths(() => undefined, 1000)?.socket, "/tmp/s20-1000/daemon.sock");
 * assert.equal(
 *   defaultDaemonPaths((name) => name === "XDG_RUNTIME_DIR" ? "/run/user/1000" : undefined)?.socket,
 *   "/run/user/1000/s20/daemon.sock",
 * );
 * ```
 */
export function defaultDaemonPaths(
  env: EnvReader = processEnv,
  uid: number | null = currentUid(),
): DaemonPaths | null {
  const runtime = env("XDG_RUNTIME_DIR");
  const dir = runtime
    ? `${runtime.replace(/\/+$/, "")}/s20`
    : uid !== null
    ? `/tmp/s20-${uid}`
    : null;
  if (dir === null) return null;
  return { dir, socket: `${dir}/daemon.sock`, tokenFile: `${dir}/daemon.token` };
}
