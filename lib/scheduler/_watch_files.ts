/**
 * Watches a set of files that may change while the daemon runs (the schedule file, the
 * automations' scripts), each through its folder. The folder is watched, not the file: a save
 * by rename (`mv`, `sed -i`, an editor's safe-write) replaces the file, and a watch on the file
 * itself would stay on the old one and see nothing after the first such save.
 */
import { dirname, resolve } from "node:path";

/** How long after the last change the changes are reported: editors write in several steps. */
const SETTLE_MS = 250;

/** What a {@linkcode FileWatch} reports to. */
export interface FileWatchOptions {
  /** The files (as given to {@linkcode FileWatch.watch}) that changed, once they settle. */
  readonly changed: (files: ReadonlySet<string>) => void;
  /** A folder that cannot be watched: its files are not followed until the next `watch()`. */
  readonly failed: (file: string, error: Error) => void;
  /** Real ms of quiet before a change is reported. @default {250} */
  readonly settleMs?: number;
}

/**
 * Follows saves of the files last given to {@linkcode watch}, by name in their folders (and,
 * for a symlink, in its target's folder too). Real time: the file system has no other clock.
 */
export class FileWatch {
  readonly #options: FileWatchOptions;
  /** Absolute path seen in a folder → the file as the caller named it. */
  #paths = new Map<string, string>();
  #folders = new Map<string, { watcher: Deno.FsWatcher; done: Promise<void> }>();
  #changed = new Set<string>();
  #pending: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(options: FileWatchOptions) {
    this.#options = options;
  }

  /** Follows exactly these files from now on; folders no longer needed are let go. */
  watch(files: Iterable<string>): void {
    if (this.#closed) return;
    const paths = new Map<string, string>();
    for (const file of files) {
      paths.set(resolve(file), file);
      try {
        // A symlinked file: saves may go to the link or to its target.
        paths.set(resolve(Deno.realPathSync(file)), file);
      } catch {
        // Unreadable now: the folder watch still sees it appear.
      }
    }
    this.#paths = paths;
    const folders = new Set([...paths.keys()].map((path) => dirname(path)));
    for (const [folder, { watcher }] of this.#folders) {
      if (!folders.has(folder)) {
        watcher.close();
        this.#folders.delete(folder);
      }
    }
    for (const folder of folders) {
      if (this.#folders.has(folder)) continue;
      let watcher: Deno.FsWatcher;
      try {
        watcher = Deno.watchFs(folder, { recursive: false });
      } catch (error) {
        const file = [...paths].find(([path]) => dirname(path) === folder)![1];
        this.#options.failed(file, error as Error);
        continue;
      }
      this.#folders.set(folder, { watcher, done: this.#follow(watcher) });
    }
  }

  /** Stops watching; resolves once every folder's watch has ended. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#pending);
    const folders = [...this.#folders.values()];
    this.#folders.clear();
    for (const { watcher } of folders) watcher.close();
    await Promise.allSettled(folders.map((f) => f.done));
  }

  async #follow(watcher: Deno.FsWatcher): Promise<void> {
    try {
      for await (const change of watcher) {
        if (change.kind === "access" || change.kind === "remove") continue;
        const files = change.paths.flatMap((path) => this.#paths.get(resolve(path)) ?? []);
        if (files.length === 0 || this.#closed) continue;
        for (const file of files) this.#changed.add(file);
        clearTimeout(this.#pending);
        this.#pending = setTimeout(() => {
          const changed = this.#changed;
          this.#changed = new Set();
          this.#options.changed(changed);
        }, this.#options.settleMs ?? SETTLE_MS);
      }
    } catch {
      // Closed, or the folder went away: nothing more comes from it.
    }
  }
}
