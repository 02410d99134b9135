/**
 * The daemon's files must be its user's alone: whoever can reach the socket can switch every
 * socket and set remote passwords, and whoever owns it sees every command sent to it.
 */
import { DaemonInsecureError, DaemonUnavailableError } from "./errors.ts";

/** Group and other permission bits. */
const SHARED_BITS = 0o077;

function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, "0");
}

/**
 * Checks a daemon socket or token file before use: it must be of the right kind, not a
 * symbolic link, owned by `uid`, and closed to group and others.
 *
 * @returns The file's information.
 * @throws {Deno.errors.NotFound} If it does not exist.
 * @throws {DaemonInsecureError} If another user owns it or may use it.
 * @throws {DaemonUnavailableError} If it is not a socket (or not a file).
 */
export function checkPrivate(
  path: string,
  kind: "socket" | "file",
  uid: number | null,
): Deno.FileInfo {
  const info = Deno.lstatSync(path);
  if (info.isSymlink) {
    throw new DaemonInsecureError(
      path,
      "it is a symbolic link, which anyone could have made (name the socket or file itself)",
    );
  }
  if (kind === "socket" ? !info.isSocket : !info.isFile) {
    throw new DaemonUnavailableError(path, `it is not a ${kind === "socket" ? "socket" : "file"}`);
  }
  if (uid !== null && info.uid !== null && info.uid !== uid) {
    throw new DaemonInsecureError(path, `it belongs to uid ${info.uid}, not to you (uid ${uid})`);
  }
  if (info.mode !== null && (info.mode & SHARED_BITS) !== 0) {
    throw new DaemonInsecureError(path, `its mode ${octal(info.mode)} lets other users in`);
  }
  return info;
}

/**
 * Makes `dir` (mode 0700) if missing. With `own`, the directory is the daemon's own (the
 * default location): it must belong to `uid`, and group/other bits are removed. Without it
 * (the parent of a `--socket` path the user chose) an existing directory is left as it is:
 * the socket's own mode 0600 guards it.
 *
 * @throws {DaemonInsecureError} If an `own` directory belongs to someone else or is a link.
 */
export function preparePrivateDir(dir: string, own: boolean, uid: number | null): void {
  Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!own) return;
  const info = Deno.lstatSync(dir);
  if (!info.isDirectory) {
    throw new DaemonInsecureError(dir, "it is not a directory (a symbolic link?)");
  }
  if (uid !== null && info.uid !== null && info.uid !== uid) {
    throw new DaemonInsecureError(dir, `it belongs to uid ${info.uid}, not to you (uid ${uid})`);
  }
  if (info.mode !== null && (info.mode & SHARED_BITS) !== 0) Deno.chmodSync(dir, 0o700);
}
