/**
 * The files a daemon serves from: its Unix socket, put in place only once it is closed to
 * others, and the token file of its TCP listener, written whole or not at all.
 */
import { S20Error } from "../errors.ts";

/** 32 random bytes as hex: the bearer token of a TCP listener. */
export function randomToken(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(32)),
    (b) => b.toString(16).padStart(2, "0"),
  ).join("");
}

/** Compares in time that does not depend on where the strings differ. */
export function sameSecret(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Whether a daemon answers on a Unix socket (else the file is left from a dead one). */
async function answers(path: string): Promise<boolean> {
  try {
    const conn = await Deno.connect({ transport: "unix", path });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes `path` free for a new socket: removes a socket left by a daemon that died.
 *
 * @throws {S20Error} `DAEMON_PATH_TAKEN` if something else is there, `DAEMON_RUNNING` if a
 *   daemon still answers there.
 */
export async function clearStaleSocket(path: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  if (!info.isSocket) {
    throw new S20Error(
      "DAEMON_PATH_TAKEN",
      `Cannot serve the API at ${path}: something that is not a socket is there; remove it or choose another --socket`,
    );
  }
  if (await answers(path)) {
    throw new S20Error(
      "DAEMON_RUNNING",
      `Cannot serve the API at ${path}: another s20 daemon serves there (and owns UDP port 10000). ` +
        `Stop it, or let s20 commands go through it`,
    );
  }
  await Deno.remove(path);
}

/**
 * Binds a Unix socket at `path` with `bind`, in a fresh private directory beside it, closes it
 * to others (0600) and only then moves it into place: nobody can connect in between, whatever
 * the mode of `path`'s directory.
 *
 * @returns What `bind` returned, and the socket's inode (to remove only our own file later).
 */
export function bindPrivately<T>(path: string, dir: string, bind: (temp: string) => T): {
  bound: T;
  ino: number | null;
} {
  const staging = Deno.makeTempDirSync({ dir, prefix: ".s20-" });
  try {
    const temp = `${staging}/s`;
    const bound = bind(temp);
    Deno.chmodSync(temp, 0o600);
    Deno.renameSync(temp, path);
    return { bound, ino: Deno.lstatSync(path).ino };
  } finally {
    Deno.removeSync(staging, { recursive: true });
  }
}

/** Writes the token file (0600) through a temporary file, so no reader sees half a token. */
export function writeTokenFile(tokenFile: string, token: string): void {
  const temp = `${tokenFile}.${randomToken().slice(0, 8)}.tmp`;
  Deno.writeTextFileSync(temp, `${token}\n`, { mode: 0o600, createNew: true });
  Deno.renameSync(temp, tokenFile);
}
