/**
 * A daemon running a schedule with automations against emulated sockets, with the schedule
 * and its scripts in a temporary folder, for the automation tests.
 */
import { VirtualClock } from "../../lib/time/clock.ts";
import type { DaemonOptions, SchedulerDaemon } from "../../lib/scheduler/daemon.ts";
import type { LogEntry } from "../../lib/scheduler/log_entry.ts";
import { daemonFor, QUICK, type ScheduleRig, scheduleRig } from "./schedule_rig.ts";

/** The shipped examples, by absolute path. */
export const EXAMPLES = new URL("../../scripts/automations/", import.meta.url).pathname;

export interface AutomationRig extends AsyncDisposable {
  readonly rig: ScheduleRig;
  readonly daemon: SchedulerDaemon;
  readonly log: LogEntry[];
  readonly clock: VirtualClock;
  /** The schedule file; scripts are written next to it. */
  readonly file: string;
  readonly dir: string;
  /** Writes a file next to the schedule. */
  write(name: string, text: string): Promise<void>;
  /** Waits (real time) until a log entry matches. */
  until(test: (entry: LogEntry) => boolean, what: string, ms?: number): Promise<LogEntry>;
}

/** Waits until `test()` holds, polling; fails after `ms`. */
export async function until(test: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = performance.now() + ms;
  while (!test()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Writes `files` (the schedule as `home.yaml`, and scripts) to a temporary folder and starts a
 * daemon on it with a virtual clock (stopped unless `speed` is given); `daemon` overrides the
 * daemon's options (such as `watch`, off by default).
 */
export async function automationRig(
  files: Record<string, string>,
  options: { start?: string; speed?: number; daemon?: Partial<DaemonOptions> } = {},
): Promise<AutomationRig> {
  const dir = await Deno.makeTempDir({ prefix: "s20-automation-" });
  const write = async (name: string, text: string) => {
    await Deno.mkdir(`${dir}/${name}`.replace(/\/[^/]*$/, ""), { recursive: true });
    await Deno.writeTextFile(`${dir}/${name}`, text);
  };
  for (const [name, text] of Object.entries(files)) await write(name, text);
  const file = `${dir}/home.yaml`;
  const clock = new VirtualClock({
    start: options.start ?? "2026-06-01T10:00:00Z",
    speed: options.speed ?? 0,
  });
  const rig = await scheduleRig(files["home.yaml"]!, { clock, ...QUICK });
  const { daemon, log } = daemonFor(rig, clock, file, {
    automationStopMs: 1000,
    ...options.daemon,
  });
  try {
    await daemon.start();
  } catch (error) {
    await rig[Symbol.asyncDispose]();
    await Deno.remove(dir, { recursive: true });
    throw error;
  }
  return {
    rig,
    daemon,
    log,
    clock,
    file,
    dir,
    write,
    async until(test, what, ms = 10_000) {
      let found: LogEntry | undefined;
      await until(() => (found = log.find(test)) !== undefined, what, ms);
      return found!;
    },
    async [Symbol.asyncDispose]() {
      await daemon.stop();
      clock.dispose();
      await rig[Symbol.asyncDispose]();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
