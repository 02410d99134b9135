/**
 * The scheduler daemon: keeps each socket's own timer table in sync with the schedule, fires
 * from the host what the sockets cannot hold, and recovers from what happens to them (power
 * cuts, lost clocks, DST changes, restarts, edits of the file). Time comes from an injected
 * clock, so a virtual clock can play a day in seconds.
 */
import type { Controller, SocketController } from "../client/controller.ts";
import { EventHub } from "../client/event_hub.ts";
import type { S20Event } from "../client/events.ts";
import type { DiscoveryTarget, SocketTarget } from "../client/targets.ts";
import { DeviceNotFoundError, S20Error } from "../errors.ts";
import { desiredState } from "../schedule/desired_state.ts";
import type { Plan, PlannedEvent } from "../schedule/plan_types.ts";
import { formatIssues, ScheduleError } from "../schedule/schedule_error.ts";
import type { Schedule } from "../schedule/types.ts";
import { type Clock, type ClockTimer, systemClock } from "../time/clock.ts";
import type { LogEntry, LogKind } from "./log_entry.ts";
import { resolveSockets, type ScheduledSocket } from "./resolve_sockets.ts";
import { readScheduleFileInWorker, type ScheduleFileRead } from "./_schedule_file.ts";
import { StateStore } from "./state_store.ts";
import { clockIsOff, type SyncReport, syncSchedule } from "./sync.ts";
import { formatDuration } from "../util/duration.ts";
import { AutomationHost, automationScript, type AutomationStatus } from "./automation_host.ts";
import { FileWatch } from "./_watch_files.ts";
import { isStoredName, SocketNames } from "./_socket_names.ts";
import type { ScheduleGlance } from "./automation_context.ts";
import type { KnownAlias } from "./_automation_messages.ts";

/** The daemon re-checks wall time at least this often (suspend, clock steps; as croner does). */
const MAX_SLEEP_MS = 30_000;
/** Clocks are checked this often; a socket found unset is treated as rebooted. */
const CLOCK_CHECK_MS = 3600_000;
/** Default catch-up grace of event rules (docs/scheduling.md#downtime: 10 min). */
const DEFAULT_CATCH_UP_S = 600;

/**
 * Options for {@linkcode SchedulerDaemon}.
 *
 * @example
 * ```ts
 * import type { DaemonOptions } from "@s20/s20/scheduler";
 * import { S20Client } from "@s20/s20";
 *
 * const options = (client: S20Client): DaemonOptions => ({ file: "schedules.yaml", controller: client });
 * ```
 */
export interface DaemonOptions {
  /** The schedule file. */
  readonly file: string;
  /**
   * The file's schedule, already read and checked (the CLI reads it first to learn which
   * sockets to reach): `start()` runs it instead of reading the file again, and `schedule`
   * returns it from the start, so the API can resolve its aliases at once. Reloads read the file.
   */
  readonly schedule?: Schedule;
  /** How to reach the sockets (a client that owns UDP port 10000, usually). */
  readonly controller: Controller;
  /**
   * Wall time: when events are due, and what the logs say.
   *
   * @default {systemClock}
   */
  readonly clock?: Clock;
  /** Where to remember fired events; `null` keeps them in memory. @default {null} */
  readonly statePath?: string | null;
  /** Receives one entry per decision. @default {discard} */
  readonly log?: (entry: LogEntry) => void;
  /** Days of one-shot timers written to sockets. @default {7} */
  readonly horizonDays?: number;
  /** Timer records per socket. @default {32} */
  readonly capacity?: number;
  /** Addresses to use instead of the file's, by alias. */
  readonly overrides?: Readonly<Record<string, SocketTarget>>;
  /** Where to look for sockets known only by name. */
  readonly targets?: readonly DiscoveryTarget[];
  /** How long after a socket's own timer is due its state is checked (clock ms). @default {5000} */
  readonly verifyDelayMs?: number;
  /**
   * Reload when the file changes; a change of an automation's script alone restarts that
   * automation (the schedule is not read again). @default {true}
   */
  readonly watch?: boolean;
  /**
   * Longest wait between two looks at the clock, in clock ms (catches suspend and clock
   * steps; croner waits at most 30 s too).
   *
   * @default {30000}
   */
  readonly maxSleepMs?: number;
  /** How often every socket's clock is checked, in clock ms. @default {3600000} */
  readonly clockCheckMs?: number;
  /**
   * How long a stopped automation may take to end once its signal aborts, in real ms, before
   * its worker is terminated.
   *
   * @default {2000}
   */
  readonly automationStopMs?: number;
}

/**
 * What the daemon is doing, for `s20 schedule status` and the daemon API.
 *
 * @example
 * ```ts
 * import type { DaemonStatus } from "@s20/s20/scheduler";
 *
 * const describe = (s: DaemonStatus) => `${s.file}: ${s.nextEvents.length} events ahead`;
 * ```
 */
export interface DaemonStatus {
  /** The schedule file. */
  readonly file: string;
  /** The schedule's zone. */
  readonly timezone: string;
  /** When `start()` ran. */
  readonly startedAt: Date | null;
  /** The last full sync. */
  readonly lastSync: SyncReport | null;
  /** Sockets whose timer table holds the schedule's records. */
  readonly deviceReady: readonly string[];
  /** The next events, whoever runs them. */
  readonly nextEvents: readonly PlannedEvent[];
}

interface Verification {
  readonly event: PlannedEvent;
  readonly dueMs: number;
}

/**
 * Runs a schedule. Create it, `start()` it, `stop()` it; `reload()` re-reads the file (also
 * on change, and the CLI calls it on SIGHUP).
 *
 * @example Run the example schedule against emulated sockets for an hour of virtual time
 * ```ts ignore
 * import { S20Client } from "@s20/s20";
 * import { VirtualClock } from "@s20/s20/time";
 * import { SchedulerDaemon } from "@s20/s20/scheduler";
 *
 * const clock = new VirtualClock({ speed: 600 });
 * await using client = new S20Client({ clock });
 * const daemon = new SchedulerDaemon({ file: "schedules.example.yaml", controller: client, clock });
 * await daemon.start();
 * await new Promise((r) => setTimeout(r, 6000));
 * await daemon.stop();
 * ```
 */
export class SchedulerDaemon {
  readonly #options: DaemonOptions;
  readonly #clock: Clock;
  readonly #store: StateStore;
  readonly #logs = new EventHub<LogEntry>(2000);
  #schedule: Schedule | null = null;
  #sockets: ScheduledSocket[] = [];
  #plan: Plan | null = null;
  #lastSync: SyncReport | null = null;
  #deviceReady = new Set<string>();
  #verifications: Verification[] = [];
  #timer: ClockTimer | null = null;
  #nextRefreshMs = Infinity;
  #nextClockCheckMs = Infinity;
  #dstChanges: number[] = [];
  #lastTickMs = -Infinity;
  #ticking: Promise<void> = Promise.resolve();
  #resyncing = new Set<string>();
  #stop = new AbortController();
  #holds: Disposable[] = [];
  #fileWatch: FileWatch | null = null;
  /** Automation changes, one at a time: a reload and a script save may overlap. */
  #applying: Promise<void> = Promise.resolve();
  #startedAt: Date | null = null;
  #background = new Set<Promise<unknown>>();
  #listening: Promise<void> | null = null;
  readonly #automations: AutomationHost;
  /** Stored socket names an automation used, for `sockets.socket("Kettle")`. */
  readonly #names: SocketNames;

  /** Creates the daemon; nothing runs before `start()`. */
  constructor(options: DaemonOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#store = new StateStore(options.statePath ?? null);
    this.#names = new SocketNames(options.controller, () => options.targets);
    this.#automations = new AutomationHost({
      clock: this.#clock,
      controller: options.controller,
      resolve: (target, signal) => this.#resolve(target, signal),
      aliases: () => this.#knownAliases(),
      glance: () => this.#glance(),
      log: (kind, message, extra) => this.#log(kind, message, extra),
      ...(options.automationStopMs !== undefined ? { stopGraceMs: options.automationStopMs } : {}),
    });
  }

  /** The schedule's automations and where each stands (`s20 automations`). */
  automations(): AutomationStatus[] {
    return this.#automations.list();
  }

  /**
   * Stops an automation through its signal and starts it again (also a parked one).
   *
   * @returns Whether the schedule has an automation of that name.
   */
  restartAutomation(name: string): Promise<boolean> {
    return this.#automations.restart(name);
  }

  /** Log entries from now on (for the daemon API's event stream). */
  logs(signal?: AbortSignal): AsyncIterableIterator<LogEntry> {
    return this.#logs.subscribe(signal ? { signal } : {});
  }

  /** What the daemon is doing. */
  status(nextCount = 10): DaemonStatus {
    const now = this.#clock.now();
    return {
      file: this.#options.file,
      timezone: this.#schedule?.timezone ?? "",
      startedAt: this.#startedAt,
      lastSync: this.#lastSync,
      deviceReady: [...this.#deviceReady],
      nextEvents: (this.#plan?.events ?? []).filter((e) => e.at.epochMilliseconds > now).slice(
        0,
        nextCount,
      ),
    };
  }

  /** The schedule being run (or about to be, when it was given before `start()`). */
  get schedule(): Schedule | null {
    return this.#schedule ?? this.#options.schedule ?? null;
  }

  /**
   * Loads the file, syncs every socket, sets windows to the state they should have now, fires
   * events missed within their catch-up grace, and starts the timers. A state file that cannot
   * be read is moved aside and logged (`state-lost`), not fatal.
   *
   * @throws {ScheduleError} If the file is not a valid schedule.
   * @throws {S20Error} `STATE_UNREADABLE` if the state file can be neither read nor moved.
   */
  async start(): Promise<void> {
    const lost = this.#store.load(new Date(this.#clock.now()));
    if (lost) {
      this.#log(
        "state-lost",
        `the daemon state ${lost.path} could not be read (${lost.reason}); moved to ${lost.movedTo}. ` +
          "Lost: which events had already fired. Catch-up works from the schedule alone, so " +
          "an event still inside its catch-up grace may fire once more",
        { level: "warn" },
      );
    }
    const schedule = this.#options.schedule
      ? { schedule: this.#options.schedule }
      : await this.#read();
    if ("issues" in schedule) throw new ScheduleError(schedule.issues);
    this.#startedAt = new Date(this.#clock.now());
    this.#log("started", `running ${this.#options.file} in ${schedule.schedule.timezone}`);
    await this.#install(schedule.schedule);
    await this.#applyAutomations(schedule.schedule, true);
    this.#listen();
    if (this.#options.watch ?? true) this.#watch();
  }

  /**
   * Re-reads the file. A file that fails validation is reported and the running schedule goes
   * on. @returns Whether the new file was taken.
   */
  async reload(): Promise<boolean> {
    const read = await this.#read();
    if ("issues" in read) {
      this.#log(
        "reload-failed",
        `${this.#options.file} has errors; the old schedule keeps running:\n${
          formatIssues(read.issues)
        }`,
        { level: "error" },
      );
      return false;
    }
    this.#log("loaded", `reloaded ${this.#options.file}`);
    await this.#queueTick(() => this.#install(read.schedule));
    await this.#applyAutomations(read.schedule, true);
    return true;
  }

  /** Resolves once the work started so far (ticks, syncs, restores) has finished. */
  async idle(): Promise<void> {
    let before: Promise<void>;
    do {
      before = this.#ticking;
      await before;
      await Promise.allSettled(
        [...this.#background].filter((p) => p !== this.#listening),
      );
    } while (before !== this.#ticking);
  }

  /** Stops timers, keep-alives and the file watch; waits for work in flight. */
  async stop(): Promise<void> {
    if (this.#stop.signal.aborted) return;
    this.#stop.abort();
    this.#timer?.cancel();
    this.#timer = null;
    await this.#fileWatch?.close();
    for (const hold of this.#holds) hold[Symbol.dispose]();
    await this.#automations.stop();
    await this.#ticking;
    await Promise.allSettled([...this.#background]);
    this.#log("stopped", "stopped");
    this.#logs.close();
  }

  // ── Loading ──────────────────────────────────────────────────────────────────────────

  /** Reads and checks the file off this thread: a large file never stalls the API or timers. */
  #read(): Promise<ScheduleFileRead> {
    return readScheduleFileInWorker(this.#options.file);
  }

  async #install(schedule: Schedule): Promise<void> {
    this.#schedule = schedule;
    for (const hold of this.#holds) hold[Symbol.dispose]();
    this.#sockets = await resolveSockets(schedule, this.#options.controller, {
      ...(this.#options.overrides ? { overrides: this.#options.overrides } : {}),
      ...(this.#options.targets ? { targets: this.#options.targets } : {}),
    });
    for (const s of this.#sockets) {
      if (s.error) {
        this.#log("error", `${s.alias}: ${s.error.message}`, { socket: s.alias, level: "error" });
      }
    }
    this.#holds = this.#sockets.flatMap((s) =>
      s.socket ? [s.socket.keepAlive(this.#stop.signal)] : []
    );
    await this.#syncAll();
    const now = this.#clock.now();
    await this.#reconcileWindows(this.#sockets.map((s) => s.alias), "start");
    this.#nextClockCheckMs = now + (this.#options.clockCheckMs ?? CLOCK_CHECK_MS);
    this.#lastTickMs = now;
    await this.#fireDue(now, true);
    this.#schedule_();
  }

  /** Syncs sockets (all, or some), keeping the plan the host runs in step with the tables. */
  async #syncAll(only?: ReadonlySet<string>): Promise<void> {
    const schedule = this.#schedule!;
    const now = new Date(this.#clock.now());
    const report = await syncSchedule(schedule, this.#sockets, {
      now,
      ...(only ? { only } : {}),
      capacity: this.#options.capacity ?? 32,
      horizonDays: this.#options.horizonDays ?? 7,
    });
    for (const s of report.sockets) {
      if (s.error) {
        this.#deviceReady.delete(s.socket);
        this.#log("sync-failed", `${s.socket}: ${s.error.message}; its timers run from this host`, {
          socket: s.socket,
          level: "warn",
        });
        continue;
      }
      if (s.clock?.set) {
        this.#log(
          "clock-set",
          `${s.socket}: clock ${
            s.clock.skewMs === null
              ? "was unset"
              : `was ${(s.clock.skewMs / 1000).toFixed(1)} s off`
          }; set`,
          { socket: s.socket },
        );
      }
      if (s.zone?.set) {
        this.#log("zone-set", `${s.socket}: zone ${s.zone.before} → ${s.zone.after}`, {
          socket: s.socket,
        });
      }
      const t = s.timers!;
      this.#log(
        "synced",
        `${s.socket}: timers +${t.add.length} ~${t.modify.length} -${t.remove.length} =${t.unchanged}` +
          (t.foreign ? ` (${t.foreign} not ours, kept)` : "") +
          (s.verified ? ", verified" : ", NOT verified"),
        { socket: s.socket, ...(s.verified ? {} : { level: "warn" as const }) },
      );
      if (s.verified) this.#deviceReady.add(s.socket);
      else this.#deviceReady.delete(s.socket);
    }
    if (!only || !this.#lastSync) {
      this.#lastSync = report;
      this.#plan = report.plan;
      const zone = schedule.timezone;
      const start = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(zone);
      // Next refresh a minute after local midnight, when the horizon moves on by a day.
      this.#nextRefreshMs = start.toPlainDate().add({ days: 1 }).toZonedDateTime({ timeZone: zone })
        .add({ minutes: 1 }).epochMilliseconds;
      this.#dstChanges = report.plan.dstChanges.map((c) => c.at.epochMilliseconds);
      this.#verifications = [];
    }
  }

  // ── Running ──────────────────────────────────────────────────────────────────────────

  /** Arms one timer for the next thing to do (never more than 30 s away). */
  #schedule_(): void {
    if (this.#stop.signal.aborted) return;
    this.#timer?.cancel();
    const now = this.#clock.now();
    let next = now + (this.#options.maxSleepMs ?? MAX_SLEEP_MS);
    const after = (ms: number) => {
      if (ms > now && ms < next) next = ms;
    };
    for (const e of this.#plan?.events ?? []) {
      const at = e.at.epochMilliseconds;
      if (at > now) {
        after(at);
        break;
      }
    }
    for (const v of this.#verifications) after(v.dueMs);
    after(this.#nextRefreshMs);
    after(this.#nextClockCheckMs);
    for (const d of this.#dstChanges) after(d);
    this.#timer = this.#clock.setTimer(() => {
      this.#timer = null;
      void this.#queueTick(() => this.#tick());
    }, Math.max(0, next - now));
  }

  /** Runs `work` after any tick in progress, then re-arms the timer. */
  #queueTick(work: () => Promise<void>): Promise<void> {
    this.#ticking = this.#ticking.then(async () => {
      if (this.#stop.signal.aborted) return;
      try {
        await work();
      } catch (error) {
        this.#log("error", `internal: ${(error as Error).stack ?? error}`, { level: "error" });
      }
      this.#schedule_();
    });
    return this.#ticking;
  }

  async #tick(): Promise<void> {
    const now = this.#clock.now();
    const dstPassed = this.#dstChanges.some((d) => d > this.#lastTickMs && d <= now);
    if (now >= this.#nextRefreshMs || dstPassed) {
      // The socket stores an offset, not rules: at every DST change its zone must change too.
      await this.#syncAll();
    }
    if (now >= this.#nextClockCheckMs) {
      this.#nextClockCheckMs = now + (this.#options.clockCheckMs ?? CLOCK_CHECK_MS);
      await this.#checkClocks();
    }
    await this.#fireDue(now, false);
    await this.#verifyDue(now);
    this.#lastTickMs = now;
  }

  /** Fires host events that are due, or gives them up as missed past their catch-up grace. */
  async #fireDue(now: number, starting: boolean): Promise<void> {
    const due = (this.#plan?.events ?? []).filter((e) =>
      e.at.epochMilliseconds <= now &&
      e.at.epochMilliseconds > this.#store.lastFired(e.ruleId, e.socket)
    );
    const work: Promise<void>[] = [];
    for (const event of due) {
      const host = event.run === "host" || !this.#deviceReady.has(event.socket);
      if (!host) {
        // The socket fires it itself; check afterwards, and never count it again.
        await this.#store.markFired(event.ruleId, event.socket, event.at.epochMilliseconds);
        if (!starting) {
          this.#verifications.push({
            event,
            dueMs: event.at.epochMilliseconds + (this.#options.verifyDelayMs ?? 5000),
          });
        }
        continue;
      }
      const rule = this.#schedule!.rules.find((r) => r.id === event.ruleId);
      const graceMs = (rule?.catchUpSeconds ?? DEFAULT_CATCH_UP_S) * 1000;
      const late = now - event.at.epochMilliseconds;
      if (late > graceMs) {
        await this.#store.markFired(event.ruleId, event.socket, event.at.epochMilliseconds);
        this.#log(
          "missed",
          `${event.socket} ${event.action} at ${event.local} (${describeRule(event)}): ${
            formatDuration(late / 1000)
          } late, past its ${formatDuration(graceMs / 1000)} grace${
            event.source.startsWith("window") ? "; the window state is set instead" : ""
          }`,
          {
            socket: event.socket,
            rule: event.ruleId,
            action: event.action,
            level: "warn",
          },
        );
        // At start the windows were just reconciled; later, a missed edge needs it now.
        if (event.source.startsWith("window") && !starting) {
          work.push(this.#reconcileWindows([event.socket], "missed edge"));
        }
        continue;
      }
      work.push(this.#fire(event, now));
    }
    await Promise.all(work);
  }

  async #fire(event: PlannedEvent, now: number): Promise<void> {
    const socket = this.#socketOf(event.socket);
    if (!socket) return;
    const lateMs = now - event.at.epochMilliseconds;
    try {
      await socket.setPower(event.action === "on", { signal: this.#stop.signal });
      await this.#store.markFired(event.ruleId, event.socket, event.at.epochMilliseconds);
      this.#log(
        "fired",
        `${event.socket} ${event.action} (${describeRule(event)}, host, ${lateMs} ms late)`,
        {
          socket: event.socket,
          rule: event.ruleId,
          action: event.action,
          lateMs,
        },
      );
    } catch (error) {
      if (this.#stop.signal.aborted) return;
      // Not marked: the next tick tries again until the catch-up grace runs out.
      this.#log(
        "error",
        `${event.socket} ${event.action} (${describeRule(event)}) failed: ${
          (error as Error).message
        }`,
        {
          socket: event.socket,
          rule: event.ruleId,
          level: "error",
        },
      );
    }
  }

  /** After a socket's own timer was due, checks the relay and corrects it if it did not switch. */
  async #verifyDue(now: number): Promise<void> {
    const due = this.#verifications.filter((v) => v.dueMs <= now);
    this.#verifications = this.#verifications.filter((v) => v.dueMs > now);
    await Promise.all(due.map(async ({ event }) => {
      // A later event on the same socket makes this check meaningless.
      const later = this.#plan!.events.some((e) =>
        e.socket === event.socket && e.at.epochMilliseconds > event.at.epochMilliseconds &&
        e.at.epochMilliseconds <= now
      );
      const socket = this.#socketOf(event.socket);
      if (later || !socket) return;
      try {
        const on = await socket.state({ signal: this.#stop.signal });
        if (on === (event.action === "on")) {
          this.#log(
            "verified",
            `${event.socket} is ${event.action} after its own timer (${describeRule(event)})`,
            { socket: event.socket, rule: event.ruleId },
          );
          return;
        }
        this.#log(
          "mismatch",
          `${event.socket} should be ${event.action} after its own timer (${
            describeRule(event)
          }) but is ${on ? "on" : "off"}; switching it`,
          { socket: event.socket, rule: event.ruleId, level: "warn" },
        );
        await socket.setPower(event.action === "on", { signal: this.#stop.signal });
      } catch (error) {
        if (!this.#stop.signal.aborted) {
          this.#log(
            "error",
            `${event.socket}: cannot check its state: ${(error as Error).message}`,
            { socket: event.socket, level: "error" },
          );
        }
      }
    }));
  }

  /** Sets each socket to what its window rules say now (after a start, reboot or missed edge). */
  async #reconcileWindows(aliases: readonly string[], why: string): Promise<void> {
    const schedule = this.#schedule!;
    const instant = Temporal.Instant.fromEpochMilliseconds(this.#clock.now());
    await Promise.all(aliases.map(async (alias) => {
      const want = desiredState(schedule, alias, instant);
      const socket = this.#socketOf(alias);
      if (want === null || !socket) return;
      try {
        const before = await socket.state({ signal: this.#stop.signal });
        if (before !== (want === "on")) {
          await socket.setPower(want === "on", { signal: this.#stop.signal });
        }
        this.#log(
          "reconciled",
          `${alias} ${want} (${why}: its windows say ${want}${
            before === (want === "on") ? ", already so" : ""
          })`,
          { socket: alias, action: want },
        );
      } catch (error) {
        if (!this.#stop.signal.aborted) {
          this.#log("error", `${alias}: cannot set its window state: ${(error as Error).message}`, {
            socket: alias,
            level: "error",
          });
        }
      }
    }));
  }

  async #checkClocks(): Promise<void> {
    await Promise.all(this.#sockets.map(async (s) => {
      if (!s.socket) return;
      try {
        const reading = await s.socket.clock({ signal: this.#stop.signal });
        if (reading.skewMs === null) this.#resync(s.alias, "its clock is unset (it restarted)");
        else if (clockIsOff(reading)) {
          // Drift, not a restart: the clock alone needs setting.
          await s.socket.syncClock({ signal: this.#stop.signal });
          this.#log(
            "clock-set",
            `${s.alias}: clock drifted ${(reading.skewMs / 1000).toFixed(1)} s; set`,
            { socket: s.alias },
          );
        }
      } catch (error) {
        if (!(error instanceof S20Error)) throw error;
      }
    }));
  }

  /** Re-sets clock, zone and timers of one socket and re-asserts its windows, once at a time. */
  #resync(alias: string, why: string): void {
    if (this.#resyncing.has(alias) || this.#stop.signal.aborted || !this.#schedule) return;
    this.#resyncing.add(alias);
    this.#log("reboot", `${alias}: ${why}; restoring clock, zone, timers and window state`, {
      socket: alias,
    });
    const job = this.#queueTick(async () => {
      await this.#syncAll(new Set([alias]));
      await this.#reconcileWindows([alias], "restored");
    }).finally(() => {
      this.#resyncing.delete(alias);
      this.#background.delete(job);
    });
    this.#background.add(job);
  }

  /** Follows the sockets' events: reboots and returns trigger a resync; all are logged. */
  #listen(): void {
    const events = this.#options.controller.events({ signal: this.#stop.signal });
    this.#listening = (async () => {
      for await (const event of events) this.#onEvent(event);
    })().catch(() => {});
    this.#background.add(this.#listening);
  }

  #onEvent(event: S20Event): void {
    const entry = this.#sockets.find((s) => s.socket?.mac === event.mac);
    if (!entry) return;
    const alias = entry.alias;
    switch (event.type) {
      case "reboot":
        this.#resync(alias, event.reason);
        break;
      case "offline":
        this.#log("offline", `${alias}: offline (${event.reason})`, {
          socket: alias,
          level: "warn",
        });
        break;
      case "online":
        this.#log("online", `${alias}: back online`, { socket: alias });
        this.#resync(alias, "it came back online");
        break;
      case "state":
        this.#log("state", `${alias} is ${event.on ? "on" : "off"}`, {
          socket: alias,
          action: event.on ? "on" : "off",
        });
        break;
      default:
        break;
    }
  }

  /**
   * Starts the automations a (re)load lists (changed ones anew; parked ones too when
   * `retryParked`), one change at a time, then follows their scripts.
   */
  #applyAutomations(schedule: Schedule, retryParked: boolean): Promise<void> {
    const run = this.#applying.then(async () => {
      await this.#automations.apply(schedule.automations, this.#options.file, { retryParked });
      this.#fileWatch?.watch(this.#watchedFiles());
    });
    this.#applying = run.catch(() => {});
    return run;
  }

  /** The schedule file and the running schedule's scripts. */
  #watchedFiles(): string[] {
    const file = this.#options.file;
    const entries = this.#schedule?.automations ?? [];
    return [file, ...entries.map((entry) => automationScript(entry, file))];
  }

  /**
   * Reloads on every save of the file, and restarts an automation on every save of its script
   * (in place or by rename, as {@linkcode FileWatch} follows them).
   */
  #watch(): void {
    this.#fileWatch = new FileWatch({
      changed: (files) => this.#onSaved(files),
      failed: (file, error) =>
        this.#log(
          "error",
          `cannot watch ${file} for changes: ${error.message}; reload with SIGHUP`,
          { level: "warn" },
        ),
    });
    this.#fileWatch.watch(this.#watchedFiles());
  }

  #onSaved(files: ReadonlySet<string>): void {
    if (this.#stop.signal.aborted) return;
    // A saved schedule reloads everything, scripts included.
    const job = files.has(this.#options.file) ? this.reload() : this.#reloadScripts(files);
    const tracked = job.catch(() => {}).finally(() => this.#background.delete(tracked));
    this.#background.add(tracked);
  }

  /**
   * A script was saved: the automations whose script text changed restart; the schedule is not
   * read again and the sockets are not synced.
   */
  async #reloadScripts(files: ReadonlySet<string>): Promise<void> {
    const schedule = this.#schedule;
    if (!schedule) return;
    this.#log("script-saved", `saved: ${[...files].join(", ")}; restarting what changed`);
    await this.#applyAutomations(schedule, false);
  }

  #socketOf(alias: string): SocketController | null {
    return this.#sockets.find((s) => s.alias === alias)?.socket ?? null;
  }

  /**
   * What an automation names: a schedule alias, a MAC or an address, else the name stored in
   * a socket (any case), looked up once and then remembered.
   */
  async #resolve(target: SocketTarget, signal: AbortSignal): Promise<SocketController> {
    if (typeof target === "string") {
      const entry = this.#sockets.find((s) => s.alias === target);
      if (entry?.socket) return entry.socket;
      if (entry) throw entry.error ?? new DeviceNotFoundError(target, "not found");
      if (isStoredName(target)) {
        const aliases = this.#sockets.map((s) => s.alias);
        const { mac, ip, port } = await this.#names.find(target, aliases, signal);
        return this.#options.controller.socket({ mac, ip, port });
      }
    }
    return this.#options.controller.socket(target);
  }

  #knownAliases(): Record<string, KnownAlias> {
    return Object.fromEntries(this.#sockets.map((s) => [s.alias, {
      mac: s.socket?.mac ?? null,
      ip: s.socket?.address?.hostname ?? null,
      port: s.socket?.address?.port ?? null,
    }]));
  }

  /** The schedule as an automation sees it. */
  #glance(): ScheduleGlance | null {
    const schedule = this.#schedule;
    if (!schedule) return null;
    const now = this.#clock.now();
    const instant = Temporal.Instant.fromEpochMilliseconds(now);
    const events = this.#plan?.events ?? [];
    const glanced = (e: PlannedEvent) => ({
      socket: e.socket,
      action: e.action,
      at: e.at.toString(),
      rule: describeRule(e),
    });
    return {
      file: this.#options.file,
      timezone: schedule.timezone,
      sockets: Object.fromEntries(
        Object.keys(schedule.sockets).map((alias) => [alias, {
          mac: this.#socketOf(alias)?.mac ?? schedule.sockets[alias]?.mac ?? null,
          desired: desiredState(schedule, alias, instant),
        }]),
      ),
      nextEvents: events.filter((e) => e.at.epochMilliseconds > now).slice(0, 10).map(glanced),
      recentEvents: events.filter((e) =>
        e.at.epochMilliseconds <= now && e.at.epochMilliseconds > now - 3600_000
      ).map(glanced),
    };
  }

  #log(
    kind: LogKind,
    message: string,
    extra: Omit<LogEntry, "at" | "kind" | "message"> = {},
  ): void {
    const entry: LogEntry = { at: new Date(this.#clock.now()), kind, message, ...extra };
    this.#options.log?.(entry);
    this.#logs.emit(entry);
  }
}

function describeRule(event: PlannedEvent): string {
  return event.ruleName ?? event.ruleId;
}
