// deno-lint-ignore-file no-console
/**
 * Scheduler daemon benchmarks (issue 7), printing figures:
 *   lateness  50 host-side events one second apart, real time: how late each fired (from the
 *             planned instant to the daemon starting the switch, and to the socket confirming)
 *   idle      the daemon with 50 emulated sockets and 200 rules, idle for 60 s: CPU and peak RSS
 * Emulated sockets run in a separate process (scripts/emulate.ts).
 *
 *   deno run -A scripts/bench_daemon.ts [lateness] [idle] [--idle-seconds 60] [--instant]
 *
 * The sockets answer with the real socket's captured delays, or at once with `--instant`.
 */
import {
  emulateElsewhere,
  INSTANT,
  peakRssMb,
  percentile,
  TIMING_LABEL,
} from "./_emulate_elsewhere.ts";
import process from "node:process";
import { S20Client } from "../mod.ts";
import { SchedulerDaemon } from "../lib/scheduler/daemon.ts";
import type { LogEntry } from "../lib/scheduler/log_entry.ts";

const args = Deno.args.filter((a) => !a.startsWith("--"));
const which = new Set(args.length > 0 ? args : ["lateness", "idle"]);
const idleSeconds = Number(Deno.args[Deno.args.indexOf("--idle-seconds") + 1] ?? 60) || 60;

const hms = (d: Date) => d.toISOString().slice(11, 19);

async function lateness(): Promise<void> {
  const emulated = await emulateElsewhere(5, "127.0.112.1", { instant: INSTANT });
  const dir = await Deno.makeTempDir();
  try {
    const start = new Date(Math.ceil((Date.now() + 8000) / 1000) * 1000);
    const sockets = emulated.sockets.map((s, i) =>
      `  s${i}: { mac: "${s.mac}", ip: ${s.address} }`
    );
    const rules = Array.from(
      { length: 50 },
      (_, i) =>
        `  - { sockets: s${i % 5}, at: "${hms(new Date(start.getTime() + i * 1000))}", action: ${
          i % 2 ? "off" : "on"
        }, run: host }`,
    );
    const file = `${dir}/bench.yaml`;
    await Deno.writeTextFile(
      file,
      `timezone: UTC\nsockets:\n${sockets.join("\n")}\nrules:\n${rules.join("\n")}\n`,
    );
    await using client = new S20Client({ hostname: "127.0.0.1", port: 0 });
    const fired: { late: number; done: number }[] = [];
    const daemon = new SchedulerDaemon({
      file,
      controller: client,
      watch: false,
      log(entry: LogEntry) {
        if (entry.kind !== "fired") return;
        const planned = start.getTime() + fired.length * 1000;
        fired.push({ late: entry.lateMs!, done: entry.at.getTime() - planned });
      },
    });
    await daemon.start();
    while (fired.length < 50 && Date.now() < start.getTime() + 70_000) {
      await new Promise((r) => setTimeout(r, 200));
    }
    await daemon.stop();
    const late = fired.map((f) => f.late).sort((a, b) => a - b);
    const done = fired.map((f) => f.done).sort((a, b) => a - b);
    console.log(
      `lateness: ${fired.length} host events 1 s apart, ${TIMING_LABEL}: start of switch late by p50 ${
        percentile(late, 0.5)
      } ms, ` +
        `p99 ${percentile(late, 0.99)} ms; switch confirmed p50 ${percentile(done, 0.5)} ms, p99 ${
          percentile(done, 0.99)
        } ms`,
    );
  } finally {
    await emulated.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

async function idle(): Promise<void> {
  const emulated = await emulateElsewhere(50, "127.0.113.1", { instant: INSTANT });
  const dir = await Deno.makeTempDir();
  try {
    const sockets = emulated.sockets.map((s, i) =>
      `  s${i}: { mac: "${s.mac}", ip: ${s.address} }`
    );
    // 200 rules of every kind, none due in the next minutes (the test is idle).
    const rules = Array.from({ length: 200 }, (_, i) => {
      const s = `s${i % 50}`;
      switch (i % 5) {
        case 0:
          return `  - { sockets: ${s}, at: "0${i % 6}:${
            String(i % 60).padStart(2, "0")
          }", action: on, days: mon-fri }`;
        case 1:
          return `  - { sockets: ${s}, at: sunset-${i % 97}m, action: on }`;
        case 2:
          return `  - { sockets: ${s}, on: sunrise, off: "0${i % 3 + 7}:${
            String(i % 60).padStart(2, "0")
          }", random: 10m }`;
        case 3:
          return `  - { sockets: ${s}, on: "02:${
            String(i % 60).padStart(2, "0")
          }", off: "03:00", dates: [01-01..12-31] }`;
        default:
          return `  - { sockets: ${s}, cron: "${i % 60} 4 * * *", action: off }`;
      }
    });
    const file = `${dir}/bench.yaml`;
    await Deno.writeTextFile(
      file,
      `timezone: UTC\nlocation: { latitude: 51.5, longitude: -0.12 }\nsockets:\n${
        sockets.join("\n")
      }\nrules:\n${rules.join("\n")}\n`,
    );
    await using client = new S20Client({ hostname: "127.0.0.1", port: 0 });
    const daemon = new SchedulerDaemon({ file, controller: client, watch: false });
    const started = performance.now();
    await daemon.start();
    const startup = performance.now() - started;
    const ready = daemon.status().deviceReady.length;
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    const cpu = process.cpuUsage(cpuBefore);
    const wall = performance.now() - wallBefore;
    await daemon.stop();
    const cpuMs = (cpu.user + cpu.system) / 1000;
    console.log(
      `idle: daemon with 50 sockets and 200 rules, ${TIMING_LABEL} (start and first sync ${
        startup.toFixed(0)
      } ms, ` +
        `${ready}/50 socket tables verified), idle ${(wall / 1000).toFixed(0)} s: CPU ${
          cpuMs.toFixed(0)
        } ms ` +
        `(${((cpuMs / wall) * 100).toFixed(2)} % of one core), peak RSS ${
          peakRssMb().toFixed(1)
        } MB`,
    );
  } finally {
    await emulated.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

if (which.has("lateness")) await lateness();
if (which.has("idle")) await idle();
