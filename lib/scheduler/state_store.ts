/**
 * What the daemon must remember across restarts: the last event it fired for each rule and
 * socket, so a restart (even inside a repeated DST hour) never fires an event twice. Written
 * durably (temporary file, flushed, renamed, folder flushed). A file that cannot be read as a
 * state file (empty after a power cut, truncated, a folder, another format) is moved aside
 * rather than stopping the daemon: what it held is lost, and catch-up then works from the
 * schedule alone.
 */
import { S20Error } from "../errors.ts";
import { writeFileDurably } from "../util/write_durably.ts";
import { FileContentError, readTextFileStrict } from "../util/read_text_file.ts";

interface StateFile {
  readonly version: 1;
  /** `ruleId|socket` → instant (ms since 1970) of the last event handled. */
  readonly lastFired: Record<string, number>;
}

/** A state file larger than this is not one the daemon wrote (it holds one number per rule). */
const MAX_STATE_BYTES = 16 * 1024 * 1024;

/**
 * A state file that could not be used and was moved aside, as {@linkcode StateStore.load}
 * reports it (the daemon logs it once).
 *
 * @example
 * ```ts
 * import type { UnreadableState } from "@s20/s20/scheduler";
 *
 * const line = (u: UnreadableState) => `${u.path}: ${u.reason}; kept as ${u.movedTo}`;
 * ```
 */
export interface UnreadableState {
  /** The state file. */
  readonly path: string;
  /** Where it was moved. */
  readonly movedTo: string;
  /** What was wrong with it, such as `empty file` or `not JSON (…)`. */
  readonly reason: string;
}

/**
 * Remembers the last event handled per rule and socket, in a JSON file written crash-safe.
 *
 * @example
 * ```ts
 * import { StateStore } from "@s20/s20/scheduler";
 *
 * const store = new StateStore(null); // in memory
 * await store.markFired("r1", "desk", Date.parse("2026-10-25T00:30:00Z"));
 * console.log(store.lastFired("r1", "desk"));
 * ```
 */
export class StateStore {
  /** The file, or `null` for memory only. */
  readonly path: string | null;
  #lastFired = new Map<string, number>();
  /** Saves run one after another: each writes the newest state. */
  #saving: Promise<void> = Promise.resolve();

  /** `path: null` keeps the state in memory only. */
  constructor(path: string | null) {
    this.path = path;
  }

  /**
   * Loads the file if it exists. A file that is not a state file is moved aside as
   * `<path>.corrupt-<time>` and reported; the store then starts empty.
   *
   * @param now The time written into the name of a file moved aside.
   * @returns What was moved aside, or `null` when the file was read or is absent.
   * @throws {S20Error} `STATE_UNREADABLE` if the file cannot be read or moved (permissions).
   */
  load(now: Date = new Date()): UnreadableState | null {
    if (!this.path) return null;
    const read = readState(this.path);
    if (read === null) return null;
    if ("lastFired" in read) {
      this.#lastFired = read.lastFired;
      return null;
    }
    const movedTo = moveAside(this.path, now);
    this.#lastFired = new Map();
    return { path: this.path, movedTo, reason: read.problem };
  }

  /** The instant of the last event handled for a rule on a socket, or -Infinity. */
  lastFired(ruleId: string, socket: string): number {
    return this.#lastFired.get(`${ruleId}|${socket}`) ?? -Infinity;
  }

  /** Records an event as handled (fired or given up as missed) and saves. */
  async markFired(ruleId: string, socket: string, atMs: number): Promise<void> {
    const key = `${ruleId}|${socket}`;
    if ((this.#lastFired.get(key) ?? -Infinity) >= atMs) return;
    this.#lastFired.set(key, atMs);
    await this.save();
  }

  /** Writes the file durably; concurrent calls are queued, so writes never interleave. */
  save(): Promise<void> {
    const path = this.path;
    if (!path) return Promise.resolve();
    const write = this.#saving.then(() => {
      const data: StateFile = { version: 1, lastFired: Object.fromEntries(this.#lastFired) };
      return writeFileDurably(path, JSON.stringify(data, null, 2) + "\n");
    });
    this.#saving = write.catch(() => {});
    return write;
  }
}

/** The file's entries, `null` when it does not exist, or why it is not a state file. */
function readState(path: string): { lastFired: Map<string, number> } | { problem: string } | null {
  let text: string;
  try {
    text = readTextFileStrict(path, { what: "daemon state", maxBytes: MAX_STATE_BYTES });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    if (error instanceof FileContentError) return { problem: error.problem };
    throw new S20Error(
      "STATE_UNREADABLE",
      `Cannot read the daemon state '${path}': ${(error as Error).message}; ` +
        "let the daemon read and write it, or choose another file with --state",
      { cause: error },
    );
  }
  if (text.length === 0) return { problem: "empty file" };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON (${(error as Error).message})` };
  }
  const shape = shapeProblem(data);
  if (shape) return { problem: shape };
  return { lastFired: new Map(Object.entries((data as StateFile).lastFired)) };
}

/** What makes parsed JSON something other than `{version: 1, lastFired: {key: ms, …}}`. */
function shapeProblem(data: unknown): string | null {
  if (!isRecord(data)) {
    return `not a state file (${Array.isArray(data) ? "an array" : typeof data})`;
  }
  if (data.version !== 1) return `unknown format version ${JSON.stringify(data.version)}`;
  if (!isRecord(data.lastFired)) return `"lastFired" is ${JSON.stringify(data.lastFired)}`;
  for (const [key, value] of Object.entries(data.lastFired)) {
    if (typeof value !== "number" || !Number.isFinite(value)) {
      return `"lastFired.${key}" is ${JSON.stringify(value)}, not a time`;
    }
  }
  return null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Renames the file to `<path>.corrupt-<UTC time>` (a free name) and returns the new name. */
function moveAside(path: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  for (let n = 0;; n++) {
    const target = `${path}.corrupt-${stamp}${n === 0 ? "" : `-${n}`}`;
    try {
      Deno.lstatSync(target);
      continue; // Taken (two failures in one second): try the next name.
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    try {
      Deno.renameSync(path, target);
    } catch (error) {
      throw new S20Error(
        "STATE_UNREADABLE",
        `The daemon state '${path}' is not readable and cannot be moved aside to '${target}': ` +
          `${(error as Error).message}; remove it, or choose another file with --state`,
        { cause: error },
      );
    }
    return target;
  }
}
