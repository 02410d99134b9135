/**
 * The web page's password, for listeners other than loopback: stored as a salted PBKDF2
 * hash (WebCrypto, SHA-256), one line `pbkdf2-sha256$ITERATIONS$SALT$HASH` (base64) in a
 * file only its owner reads. The password itself is never written anywhere.
 */
import { dirname } from "node:path";
import { sameSecret } from "../api/listen_files.ts";
import type { EnvReader } from "../api/paths.ts";

/** PBKDF2 rounds for a new hash (OWASP's figure for PBKDF2-HMAC-SHA256). */
export const PASSWORD_ITERATIONS = 600_000;
/** The shortest password `s20 web passwd` takes. */
export const MIN_PASSWORD_LENGTH = 8;

const encoder = new TextEncoder();

function base64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

async function derive(
  password: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, [
    "deriveBits",
  ]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

/**
 * Hashes a password with a fresh random salt.
 *
 * @param password The password.
 * @param iterations PBKDF2 rounds (fewer only in tests).
 * @returns The line to store.
 */
export async function hashPassword(
  password: string,
  iterations = PASSWORD_ITERATIONS,
): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, iterations);
  return `pbkdf2-sha256$${iterations}$${base64(salt)}$${base64(hash)}`;
}

/**
 * Whether `password` matches a stored line (false for a line that is not one of ours).
 *
 * @param password What was typed.
 * @param stored A line from {@linkcode hashPassword}.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, rounds, salt, hash] = stored.trim().split("$");
  const iterations = Number(rounds);
  if (
    scheme !== "pbkdf2-sha256" || !Number.isSafeInteger(iterations) || iterations < 1 ||
    salt === undefined || hash === undefined
  ) {
    return false;
  }
  let saltBytes: Uint8Array<ArrayBuffer>;
  try {
    saltBytes = fromBase64(salt);
  } catch {
    return false;
  }
  return sameSecret(base64(await derive(password, saltBytes, iterations)), hash);
}

/**
 * Where the password hash lives by default: `$XDG_CONFIG_HOME/s20/web-password`, else
 * `$HOME/.config/s20/web-password`; `null` when neither is set.
 */
export function defaultPasswordFile(env: EnvReader): string | null {
  const config = env("XDG_CONFIG_HOME") || (env("HOME") ? `${env("HOME")}/.config` : "");
  return config ? `${config.replace(/\/+$/, "")}/s20/web-password` : null;
}

/** The stored hash, or `null` when there is no file (or it holds no hash). */
export function readPasswordFile(path: string): string | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
  const line = text.trim();
  return line.startsWith("pbkdf2-sha256$") ? line : null;
}

/** Writes the hash (mode 0600, replaced atomically), making its directory (0700) if missing. */
export function writePasswordFile(path: string, stored: string): void {
  Deno.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  Deno.writeTextFileSync(temp, `${stored}\n`, { mode: 0o600, createNew: true });
  Deno.renameSync(temp, path);
}
