/** Emulated sockets for a schedule's aliases, a client, and helpers to count writes. */
import { S20Client, type SocketTarget } from "../../mod.ts";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../lib/emulator/emulator.ts";
import type { Clock } from "../../lib/time/clock.ts";
import { parseSchedule } from "../../lib/schedule/parse_schedule.ts";
import { resolveSockets } from "../../lib/scheduler/resolve_sockets.ts";
import { SchedulerDaemon } from "../../lib/scheduler/daemon.ts";
import type { LogEntry } from "../../lib/scheduler/log_entry.ts";
import type { Schedule } from "../../lib/schedule/types.ts";

export interface ScheduleRig extends AsyncDisposable {
  readonly schedule: Schedule;
  readonly client: S20Client;
  readonly emulators: Record<string, Emulator>;
  readonly overrides: Record<string, SocketTarget>;
  /** Writes the sockets received since the last call: table writes, deletes, clock sets. */
  writes(): string[];
  sockets(): ReturnType<typeof resolveSockets>;
}

const WRITES = new Set([
  "writeTimer",
  "deleteRecord",
  "writeSocketData",
  "setClock",
  "setTimeZone",
]);

export async function scheduleRig(
  yaml: string,
  options: {
    clock?: Clock;
    emulator?: (alias: string) => EmulatorOptions;
    keepAliveMs?: number;
    timeout?: number;
  } = {},
): Promise<ScheduleRig> {
  const schedule = parseSchedule(yaml, { file: "test.yaml" });
  const client = new S20Client({
    hostname: "127.0.0.1",
    port: 0,
    timeout: options.timeout ?? 5000,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.keepAliveMs ? { keepAliveMs: options.keepAliveMs } : {}),
  });
  const emulators: Record<string, Emulator> = {};
  const overrides: Record<string, SocketTarget> = {};
  const log: string[] = [];
  let n = 0;
  for (const alias of Object.keys(schedule.sockets)) {
    n++;
    const emulator = await startEmulator({
      hostname: "127.0.0.1",
      port: 0,
      replyTo: "source",
      mac: schedule.sockets[alias]!.mac ?? `ac:cf:23:77:00:${n.toString(16).padStart(2, "0")}`,
      announceTo: client.local,
      // No reply latency: these tests are about the scheduler (tests/emulator/latency_test.ts
      // runs a client against the captured delays).
      timing: "instant",
      ...(options.clock ? { clock: options.clock } : {}),
      ...options.emulator?.(alias),
    });
    emulator.onEvent((e) => {
      if (e.type === "received" && e.message && WRITES.has(e.message.kind)) {
        log.push(`${alias}:${e.message.kind}`);
      }
    });
    emulators[alias] = emulator;
    overrides[alias] = { mac: emulator.mac, ip: "127.0.0.1", port: emulator.address.port };
  }
  return {
    schedule,
    client,
    emulators,
    overrides,
    writes: () => log.splice(0),
    sockets: () => resolveSockets(schedule, client, { overrides }),
    async [Symbol.asyncDispose]() {
      await client.close();
      await Promise.all(Object.values(emulators).map((e) => e.close()));
    },
  };
}

/** A temporary schedule file, removed on dispose. */
export async function tempSchedule(yaml: string): Promise<{ path: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "s20-schedule-" });
  const path = `${dir}/schedule.yaml`;
  await Deno.writeTextFile(path, yaml);
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Rig options for daemon runs: rare keep-alives, discovery copies 1 ms apart. */
export const QUICK = { keepAliveMs: 3600_000, emulator: () => ({ discoverySpacingMs: 1 }) };

/** A daemon on the rig's sockets and `clock` (no file watch, 5 min sleeps), and its log. */
export function daemonFor(
  rig: ScheduleRig,
  clock: Clock,
  file: string,
  extra: Partial<ConstructorParameters<typeof SchedulerDaemon>[0]> = {},
): { daemon: SchedulerDaemon; log: LogEntry[] } {
  const log: LogEntry[] = [];
  const daemon = new SchedulerDaemon({
    file,
    controller: rig.client,
    clock,
    overrides: rig.overrides,
    watch: false,
    maxSleepMs: 5 * 60_000,
    log: (e) => log.push(e),
    ...extra,
  });
  return { daemon, log };
}
