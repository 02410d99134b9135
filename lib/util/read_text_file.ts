/**
 * Reads the small text files s20 trusts (schedule, config, daemon state) without trusting
 * them: only a regular file (a symlink to `/dev/zero` or a FIFO is refused before a byte is
 * read), at most a stated size (read in chunks, so a file that grows cannot grow our memory),
 * and strict UTF-8 (a Latin-1 or binary file is refused with the place of its first bad byte,
 * not read with replacement characters).
 */
import { S20Error } from "../errors.ts";

/** Schedule and config files are a few KB; this leaves a thousandfold margin. */
export const TEXT_FILE_MAX_BYTES = 1024 * 1024;

/** How {@linkcode readTextFileStrict} reads. */
export interface ReadTextFileOptions {
  /** What the file is, for messages: "schedule file", "config file". */
  readonly what: string;
  /** The largest size accepted, in bytes. @default {TEXT_FILE_MAX_BYTES} */
  readonly maxBytes?: number;
}

/** A file that is not a regular file, too large, or not UTF-8 text (`code: "FILE_INVALID"`). */
export class FileContentError extends S20Error {
  /** The path as given. */
  readonly path: string;
  /** What is wrong with it, without the path. */
  readonly problem: string;

  /** Creates the error; `problem` says what is wrong and how to fix it. */
  constructor(what: string, path: string, problem: string) {
    super("FILE_INVALID", `Cannot read the ${what} '${path}': ${problem}`);
    this.name = "FileContentError";
    this.path = path;
    this.problem = problem;
  }
}

const CHUNK = 64 * 1024;

/**
 * The text of a regular file of at most `maxBytes` bytes of UTF-8.
 *
 * @throws {Deno.errors.NotFound} If nothing is at `path` (callers word that themselves).
 * @throws {FileContentError} If it is not a regular file, is too large, or is not UTF-8.
 */
export function readTextFileStrict(path: string, options: ReadTextFileOptions): string {
  const { what, maxBytes = TEXT_FILE_MAX_BYTES } = options;
  // Checked before opening: opening a FIFO would wait for a writer.
  requireRegular(path, Deno.statSync(path), what);
  using file = Deno.openSync(path, { read: true });
  // And again on what was opened: the path may have been swapped in between.
  const info = file.statSync();
  requireRegular(path, info, what);
  if (info.size > maxBytes) throw tooLarge(what, path, info.size, maxBytes);
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Never more than maxBytes + one chunk in memory, even if the file grows as we read.
  while (total <= maxBytes) {
    const chunk = new Uint8Array(CHUNK);
    const n = file.readSync(chunk);
    if (n === null) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
  }
  if (total > maxBytes) throw tooLarge(what, path, null, maxBytes);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return decodeStrict(bytes, what, path);
}

/** UTF-8 text, or a {@linkcode FileContentError} naming the first bad byte's line and column. */
export function decodeStrict(bytes: Uint8Array, what: string, path: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const lineStart = bytes.lastIndexOf(0x0a, offset - 1) + 1;
    let line = 1;
    for (let i = 0; i < lineStart; i++) if (bytes[i] === 0x0a) line++;
    // The bytes before the bad one on its line are valid, so they decode to its column.
    const before = new TextDecoder().decode(bytes.subarray(lineStart, offset));
    const column = [...before].length + 1;
    const hex = bytes[offset]!.toString(16).toUpperCase().padStart(2, "0");
    throw new FileContentError(
      what,
      path,
      `it is not UTF-8 text: byte 0x${hex} at line ${line}, column ${column} (byte offset ` +
        `${offset}) is not valid UTF-8; save the file as UTF-8`,
    );
  }
}

/** The offset of the first byte that starts no well-formed UTF-8 sequence (RFC 3629 §4). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Length, and the range of the second byte (it excludes overlongs and surrogates).
    const [length, low, high] = b >= 0xc2 && b <= 0xdf
      ? [2, 0x80, 0xbf]
      : b === 0xe0
      ? [3, 0xa0, 0xbf]
      : b === 0xed
      ? [3, 0x80, 0x9f]
      : b >= 0xe1 && b <= 0xef
      ? [3, 0x80, 0xbf]
      : b === 0xf0
      ? [4, 0x90, 0xbf]
      : b >= 0xf1 && b <= 0xf3
      ? [4, 0x80, 0xbf]
      : b === 0xf4
      ? [4, 0x80, 0x8f]
      : [0, 0, 0];
    if (length === 0 || i + length > bytes.length) return i;
    const second = bytes[i + 1]!;
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) {
      const next = bytes[i + k]!;
      if (next < 0x80 || next > 0xbf) return i;
    }
    i += length;
  }
  return bytes.length;
}

function requireRegular(path: string, info: Deno.FileInfo, what: string): void {
  if (info.isFile) return;
  const kind = info.isDirectory
    ? "a directory"
    : info.isCharDevice
    ? "a character device"
    : info.isBlockDevice
    ? "a block device"
    : info.isFifo
    ? "a FIFO (named pipe)"
    : info.isSocket
    ? "a socket"
    : "not a regular file";
  let via = "";
  try {
    if (Deno.lstatSync(path).isSymlink) via = ` (a symlink to ${Deno.readLinkSync(path)})`;
  } catch {
    // Only for the message.
  }
  throw new FileContentError(
    what,
    path,
    `it is ${kind}${via}, not a regular file; give the path of a ${what} itself`,
  );
}

function tooLarge(what: string, path: string, size: number | null, max: number): Error {
  const mib = 1024 * 1024;
  const limit = max % mib === 0 ? `${max / mib} MiB (${max} bytes)` : `${max} bytes`;
  return new FileContentError(
    what,
    path,
    `it is ${size === null ? "larger than" : `${size} bytes, over`} the ${limit} limit; ` +
      "check that this is the right file",
  );
}
