/**
 * What the daemon must remember across restarts: the last event it fired for each rule and
 * socket, so a restart (even inside a repeated DST hour) never fires an event twice. Written
 * crash-safe: a temporary file in the same directory, then an atomic rename.
 */

import { readTextFileStrict } from "../util/read_text_file.ts";

/** One entry per rule and socket is ~50 bytes: room for 100,000 of them. */
const STATE_MAX_BYTES = 8 * 1024 * 1024;

interface StateFile {
  readonly version: 1;
  /** `ruleId|socket` → instant (ms since 1970) of the last event handled. */
  readonly lastFired: Record<string, number>;
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

  /** `path: null` keeps the state in memory only. */
  constructor(path: string | null) {
    this.path = path;
  }

  /** Loads the file if it exists; a corrupt file is reported, not silently dropped. */
  load(): void {
    if (!this.path) return;
    let text: string;
    try {
      text = readTextFileStrict(this.path, { what: "daemon state", maxBytes: STATE_MAX_BYTES });
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    let data: StateFile;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new SyntaxError(
        `Cannot read the daemon state '${this.path}': it is not JSON (${
          (error as Error).message
        }); move it away to start fresh`,
      );
    }
    if (data?.version !== 1 || typeof data.lastFired !== "object") {
      throw new SyntaxError(
        `Cannot read the daemon state '${this.path}': unknown format; move it away to start fresh`,
      );
    }
    this.#lastFired = new Map(
      Object.entries(data.lastFired).filter(([, v]) => typeof v === "number"),
    );
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

  /** Writes the file: a temporary file, then a rename, so a crash never leaves half a file. */
  async save(): Promise<void> {
    if (!this.path) return;
    const data: StateFile = { version: 1, lastFired: Object.fromEntries(this.#lastFired) };
    const temp = `${this.path}.${Deno.pid}.tmp`;
    await Deno.writeTextFile(temp, JSON.stringify(data, null, 2) + "\n", { mode: 0o600 });
    await Deno.rename(temp, this.path);
  }
}
