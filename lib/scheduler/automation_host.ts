/**
 * The daemon's automations: each script runs in a worker of its own with only the Deno
 * permissions its schedule entry grants, and reaches the sockets through messages that the
 * daemon's own client carries out. A script that fails is restarted with a growing pause, and
 * parked after failing again and again; a reload replaces only the scripts that changed.
 */
import { dirname, resolve as resolvePath } from "node:path";
import { pathToFileURL } from "node:url";
import type { Controller, SocketController } from "../client/controller.ts";
import type { S20Event } from "../client/events.ts";
import type { SocketTarget } from "../client/targets.ts";
import type { AutomationEntry } from "../schedule/types.ts";
import type { Clock, ClockTimer } from "../time/clock.ts";
import { formatDuration } from "../util/duration.ts";
import type { ScheduleGlance } from "./automation_context.ts";
import { type FromWorker, type KnownAlias, toWire, type ToWorker } from "./_automation_messages.ts";
import type { LogEntry, LogKind } from "./log_entry.ts";

/** How many of an automation's last lines its status keeps. */
const LAST_LINES = 10;

/**
 * Where an automation stands: `running`; `restarting` (it failed and waits its pause);
 * `parked` (it failed too often in a row: `s20 automations restart NAME` or a reload tries
 * again); `stopped` (the daemon is stopping).
 *
 * @example
 * ```ts
 * import type { AutomationState } from "@s20/s20/scheduler";
 *
 * const needsCare = (state: AutomationState) => state === "parked";
 * ```
 */
export type AutomationState = "running" | "restarting" | "parked" | "stopped";

/**
 * One automation as `s20 automations` and `GET /v1/automations` list it.
 *
 * @example
 * ```ts
 * import type { AutomationStatus } from "@s20/s20/scheduler";
 *
 * const line = (a: AutomationStatus) => `${a.name}: ${a.state}, ${a.restarts} restarts`;
 * ```
 */
export interface AutomationStatus {
  /** Its name. */
  readonly name: string;
  /** The script, as an absolute path. */
  readonly script: string;
  /** What it is doing. */
  readonly state: AutomationState;
  /** Restarts since the daemon started it (after failures; a reload or restart starts anew). */
  readonly restarts: number;
  /** Why it last failed, or `null`. */
  readonly lastError: string | null;
  /** Its last lines (up to 10), oldest first. */
  readonly lastLines: readonly string[];
  /** When its current run started (ISO 8601), `null` when it is not running. */
  readonly since: string | null;
}

/** How the host restarts failing scripts, in ms of the daemon's clock. */
export interface RestartPolicy {
  /** The first pause; each failure in a row doubles it. @default {1000} */
  readonly firstPauseMs: number;
  /** The longest pause. @default {60000} */
  readonly maxPauseMs: number;
  /** Failures in a row after which the automation is parked. @default {5} */
  readonly parkAfter: number;
  /** A run this long counts as healthy: the next failure starts the count anew. @default {600000} */
  readonly healthyMs: number;
}

/** What the host needs from the daemon. */
export interface AutomationHostOptions {
  readonly clock: Clock;
  /** The daemon's client, for events and discovery. */
  readonly controller: Controller;
  /**
   * A handle for what a script names: a schedule alias, a MAC, an address, or a name stored
   * in a socket (which may take a lookup; the signal ends it when the script lets go).
   */
  readonly resolve: (target: SocketTarget, signal: AbortSignal) => Promise<SocketController>;
  /** The schedule's aliases and what is known of each. */
  readonly aliases: () => Record<string, KnownAlias>;
  /** The schedule's status, for `context.schedule()`. */
  readonly glance: () => ScheduleGlance | null;
  /** Writes a line to the daemon's log. */
  readonly log: (
    kind: LogKind,
    message: string,
    extra: Omit<LogEntry, "at" | "kind" | "message">,
  ) => void;
  /** How long a stopped script may take to end before its worker is terminated (real ms). */
  readonly stopGraceMs?: number;
  readonly policy?: Partial<RestartPolicy>;
}

/** The worker start options: Deno's permissions, an unstable option in Deno 2. */
type WorkerPermissions = Record<string, boolean | string[]>;

/** The permissions a worker gets: what the entry grants, paths from the schedule's folder. */
export function workerPermissions(entry: AutomationEntry, base: string): WorkerPermissions {
  const paths = (list: readonly string[] | undefined) =>
    list && list.length > 0 ? list.map((p) => resolvePath(base, p)) : false;
  const words = (list: readonly string[] | undefined) =>
    list && list.length > 0 ? [...list] : false;
  return {
    net: words(entry.allow.net),
    read: paths(entry.allow.read),
    write: paths(entry.allow.write),
    env: words(entry.allow.env),
    run: false,
    ffi: false,
    sys: false,
    import: false,
  };
}

/** The script's absolute path. */
export function automationScript(entry: AutomationEntry, scheduleFile: string): string {
  return resolvePath(dirname(resolvePath(scheduleFile)), entry.script);
}

/** One hosted automation. */
class Hosted {
  readonly entry: AutomationEntry;
  readonly script: string;
  readonly fingerprint: string;
  state: AutomationState = "running";
  worker: Worker | null = null;
  restarts = 0;
  failuresInARow = 0;
  lastError: string | null = null;
  lastLines: string[] = [];
  startedAt: number | null = null;
  restartTimer: ClockTimer | null = null;
  stopping = false;
  ended: (() => void) | null = null;
  /** What the worker holds at the daemon: calls, subscriptions and keep-alives, by id. */
  readonly held = new Map<string, () => void>();

  constructor(entry: AutomationEntry, script: string, fingerprint: string) {
    this.entry = entry;
    this.script = script;
    this.fingerprint = fingerprint;
  }

  release(): void {
    for (const drop of this.held.values()) drop();
    this.held.clear();
  }
}

/**
 * Runs a schedule's automations. {@linkcode apply} takes the list after each (re)load;
 * {@linkcode stop} ends them all.
 */
export class AutomationHost {
  readonly #options: AutomationHostOptions;
  readonly #policy: RestartPolicy;
  #hosted = new Map<string, Hosted>();
  #scheduleFile = "";
  #stopped = false;

  constructor(options: AutomationHostOptions) {
    this.#options = options;
    this.#policy = {
      firstPauseMs: 1000,
      maxPauseMs: 60_000,
      parkAfter: 5,
      healthyMs: 600_000,
      ...options.policy,
    };
  }

  /**
   * Runs the given automations: new ones start, changed ones (entry or script text) are
   * stopped and started anew, removed ones stop, unchanged ones keep running. A parked one
   * starts anew too unless `retryParked` is false (a save of another automation's script).
   */
  async apply(
    entries: readonly AutomationEntry[],
    scheduleFile: string,
    { retryParked = true }: { retryParked?: boolean } = {},
  ): Promise<void> {
    if (this.#stopped) return;
    this.#scheduleFile = scheduleFile;
    const next = new Map<string, Hosted>();
    for (const entry of entries) {
      const script = automationScript(entry, scheduleFile);
      next.set(entry.name, new Hosted(entry, script, await fingerprint(entry, script)));
    }
    const stops: Promise<void>[] = [];
    for (const [name, old] of this.#hosted) {
      const fresh = next.get(name);
      if (
        fresh && fresh.fingerprint === old.fingerprint && (old.state !== "parked" || !retryParked)
      ) {
        next.set(name, old);
        continue;
      }
      stops.push(this.#stop(old, fresh ? "changed" : "removed from the schedule"));
    }
    await Promise.all(stops);
    const previous = this.#hosted;
    this.#hosted = next;
    for (const hosted of next.values()) {
      if (previous.get(hosted.entry.name) !== hosted) this.#start(hosted);
    }
  }

  /** Every automation and where it stands, in file order. */
  list(): AutomationStatus[] {
    return [...this.#hosted.values()].map((h) => ({
      name: h.entry.name,
      script: h.script,
      state: h.state,
      restarts: h.restarts,
      lastError: h.lastError,
      lastLines: [...h.lastLines],
      since: h.state === "running" && h.startedAt !== null
        ? new Date(h.startedAt).toISOString()
        : null,
    }));
  }

  /**
   * Stops one automation (through its signal) and starts it again, parked or not.
   *
   * @returns Whether there is an automation of that name.
   */
  async restart(name: string): Promise<boolean> {
    const old = this.#hosted.get(name);
    if (!old || this.#stopped) return false;
    await this.#stop(old, "restart asked");
    const fresh = new Hosted(old.entry, old.script, old.fingerprint);
    this.#hosted.set(name, fresh);
    this.#start(fresh);
    return true;
  }

  /** Stops every automation: signal, a bounded wait, then termination. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await Promise.all([...this.#hosted.values()].map((h) => this.#stop(h, "the daemon stops")));
  }

  // ── One automation ─────────────────────────────────────────────────────────────────

  #start(hosted: Hosted): void {
    if (this.#stopped || hosted.stopping) return;
    const { entry, script } = hosted;
    const entryModule = `import * as script from ${JSON.stringify(pathToFileURL(script).href)};\n` +
      `import { runHosted } from ${
        JSON.stringify(new URL("./_automation_worker.ts", import.meta.url).href)
      };\nrunHosted(script.default);\n`;
    let worker: Worker;
    try {
      worker = new Worker(
        `data:application/javascript;base64,${btoa(entryModule)}`,
        {
          type: "module",
          name: `automation ${entry.name}`,
          deno: { permissions: workerPermissions(entry, dirname(script)) },
        } as WorkerOptions,
      );
    } catch (error) {
      this.#failed(hosted, `cannot start a worker: ${(error as Error).message}`);
      return;
    }
    hosted.worker = worker;
    hosted.state = "running";
    hosted.startedAt = this.#options.clock.now();
    worker.onmessage = (event: MessageEvent<FromWorker>) => this.#receive(hosted, event.data);
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#ended(hosted, event.message || "the worker failed");
    };
    worker.onmessageerror = () => this.#ended(hosted, "it sent a message that cannot be read");
    this.#post(hosted, {
      t: "init",
      name: entry.name,
      options: entry.options,
      aliases: this.#options.aliases(),
    });
    this.#log(hosted, "automation-started", `${entry.name}: started ${script}`);
  }

  /** Ends one automation: its signal, up to the grace to finish, then the worker goes. */
  async #stop(hosted: Hosted, why: string): Promise<void> {
    hosted.stopping = true;
    hosted.restartTimer?.cancel();
    hosted.restartTimer = null;
    const worker = hosted.worker;
    if (worker) {
      const ended = new Promise<void>((resolve) => (hosted.ended = resolve));
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = this.#options.stopGraceMs ?? 2000;
      const inTime = await Promise.race([
        ended.then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), grace))),
        this.#post(hosted, { t: "stop" }),
      ].filter((p): p is Promise<boolean> => p !== undefined));
      clearTimeout(timer);
      worker.terminate();
      hosted.worker = null;
      this.#log(
        hosted,
        "automation-stopped",
        `${hosted.entry.name}: stopped (${why})${
          inTime
            ? ""
            : `; it did not end within ${formatDuration(grace / 1000)}, so it was terminated`
        }`,
        inTime ? "info" : "warn",
      );
    }
    hosted.release();
    hosted.state = "stopped";
    hosted.startedAt = null;
  }

  #post(hosted: Hosted, message: ToWorker): undefined {
    try {
      hosted.worker?.postMessage(message);
    } catch {
      // The worker is gone: its end is handled where it was seen.
    }
    return undefined;
  }

  /** The script returned or threw, or its worker failed. */
  #ended(hosted: Hosted, error: string | null): void {
    if (hosted.stopping) {
      hosted.ended?.();
      return;
    }
    hosted.worker?.terminate();
    hosted.worker = null;
    hosted.release();
    this.#failed(
      hosted,
      error ?? "it returned before it was stopped (an automation runs until its signal aborts)",
    );
  }

  #failed(hosted: Hosted, why: string): void {
    const now = this.#options.clock.now();
    if (hosted.startedAt !== null && now - hosted.startedAt >= this.#policy.healthyMs) {
      hosted.failuresInARow = 0;
    }
    hosted.failuresInARow++;
    hosted.lastError = why;
    hosted.startedAt = null;
    const name = hosted.entry.name;
    if (hosted.failuresInARow >= this.#policy.parkAfter) {
      hosted.state = "parked";
      this.#log(
        hosted,
        "automation-parked",
        `${name}: parked after failing ${hosted.failuresInARow} times in a row; last: ${why}. ` +
          `Fix ${hosted.script} and reload, or run 's20 automations restart ${name}'`,
        "error",
      );
      return;
    }
    const pause = Math.min(
      this.#policy.firstPauseMs * 2 ** (hosted.failuresInARow - 1),
      this.#policy.maxPauseMs,
    );
    hosted.state = "restarting";
    this.#log(
      hosted,
      "automation-failed",
      `${name}: ${why}; restarting in ${
        formatDuration(pause / 1000)
      } (failure ${hosted.failuresInARow} ` +
        `of ${this.#policy.parkAfter} before it is parked)`,
      "error",
    );
    hosted.restartTimer = this.#options.clock.setTimer(() => {
      hosted.restartTimer = null;
      if (hosted.stopping || this.#hosted.get(name) !== hosted) return;
      hosted.restarts++;
      this.#start(hosted);
    }, pause);
  }

  // ── What a worker asks ─────────────────────────────────────────────────────────────

  #receive(hosted: Hosted, message: FromWorker): void {
    switch (message.t) {
      case "socket":
        return this.#call(hosted, message.id, async (signal) => {
          const handle = await this.#options.resolve(message.target, signal);
          const method = handle[message.op] as (...args: unknown[]) => Promise<unknown>;
          const value = await method.call(handle, ...message.args, { ...message.options, signal });
          return { value, mac: handle.mac };
        });
      case "sleep":
        return this.#call(hosted, message.id, (signal) =>
          new Promise<void>((resolve) => {
            const timer = this.#options.clock.setTimer(resolve, message.ms);
            signal.addEventListener("abort", () => timer.cancel(), { once: true });
          }));
      case "now":
        return this.#reply(hosted, message.id, this.#options.clock.now());
      case "status":
        return this.#call(hosted, message.id, () => Promise.resolve(this.#options.glance()));
      case "cancel":
        hosted.held.get(`call ${message.id}`)?.();
        hosted.held.delete(`call ${message.id}`);
        return;
      case "events":
        return this.#stream(
          hosted,
          message.sub,
          (signal) => this.#events(message.keepAlive, signal),
        );
      case "discover":
        return this.#stream(hosted, message.sub, (signal) =>
          this.#options.controller.discover({
            signal,
            ...(message.timeout !== undefined ? { timeout: message.timeout } : {}),
            ...(message.targets ? { targets: message.targets } : {}),
          }));
      case "unsubscribe":
        hosted.held.get(`sub ${message.sub}`)?.();
        hosted.held.delete(`sub ${message.sub}`);
        return;
      case "hold": {
        // A name may need a lookup first: a release before it ends drops the hold unmade.
        const key = `hold ${message.id}`;
        const abort = new AbortController();
        hosted.held.set(key, () => abort.abort());
        this.#options.resolve(message.target, abort.signal).then((socket) => {
          if (abort.signal.aborted) return;
          const hold = socket.keepAlive();
          hosted.held.set(key, () => hold[Symbol.dispose]());
        }, () => {
          // A target that names nothing holds nothing; its calls report why.
          hosted.held.delete(key);
        });
        return;
      }
      case "release":
        hosted.held.get(`hold ${message.id}`)?.();
        hosted.held.delete(`hold ${message.id}`);
        return;
      case "log": {
        const line = message.message.slice(0, 2000);
        hosted.lastLines.push(line);
        if (hosted.lastLines.length > LAST_LINES) hosted.lastLines.shift();
        this.#log(hosted, "automation", `[${hosted.entry.name}] ${line}`, message.level);
        return;
      }
      case "ended":
        return this.#ended(
          hosted,
          message.error ? `${message.error.name}: ${message.error.message}` : null,
        );
    }
  }

  /** Live events, keeping alive the sockets the script named (once each is resolved). */
  async *#events(
    keepAlive: readonly SocketTarget[],
    signal: AbortSignal,
  ): AsyncIterableIterator<S20Event> {
    const held = await Promise.all(keepAlive.map((t) => this.#options.resolve(t, signal)));
    yield* this.#options.controller.events({ signal, keepAlive: held });
  }

  /** Runs one request and answers it; `cancel` (or the automation's end) aborts it. */
  #call<T>(hosted: Hosted, id: number, work: (signal: AbortSignal) => Promise<T>): void {
    const abort = new AbortController();
    const key = `call ${id}`;
    hosted.held.set(key, () => abort.abort());
    work(abort.signal).then(
      (value) => this.#reply(hosted, id, value),
      (error) => {
        if (!abort.signal.aborted) this.#post(hosted, { t: "reply", id, error: toWire(error) });
      },
    ).finally(() => hosted.held.delete(key));
  }

  #reply(hosted: Hosted, id: number, value: unknown): void {
    this.#post(hosted, { t: "reply", id, value });
  }

  /** Forwards a stream's items until it ends or the worker lets go. */
  #stream<T>(
    hosted: Hosted,
    sub: number,
    open: (signal: AbortSignal) => AsyncIterableIterator<T>,
  ): void {
    const abort = new AbortController();
    const key = `sub ${sub}`;
    hosted.held.set(key, () => abort.abort());
    (async () => {
      try {
        for await (const item of open(abort.signal)) {
          this.#post(hosted, { t: "event", sub, event: item as never });
        }
        this.#post(hosted, { t: "end", sub });
      } catch (error) {
        if (!abort.signal.aborted) this.#post(hosted, { t: "end", sub, error: toWire(error) });
      } finally {
        hosted.held.delete(key);
      }
    })();
  }

  #log(
    hosted: Hosted,
    kind: LogKind,
    message: string,
    level: "info" | "warn" | "error" = "info",
  ): void {
    this.#options.log(kind, message, {
      automation: hosted.entry.name,
      ...(level === "info" ? {} : { level }),
    });
  }
}

/** What decides whether a reload restarts an automation: its entry and its script's text. */
async function fingerprint(entry: AutomationEntry, script: string): Promise<string> {
  let text = "";
  try {
    text = await Deno.readTextFile(script);
  } catch (error) {
    text = `unreadable: ${(error as Error).message}`;
  }
  const { line: _line, column: _column, ...what } = entry;
  // Kept whole (scripts are small): equal text means unchanged, with no hash to collide.
  return `${JSON.stringify(what)}\n${text}`;
}
