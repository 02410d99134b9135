// deno-lint-ignore-file no-console
/**
 * Daemon API benchmark (issue 9): `status` of 50 emulated sockets through `s20 serve`'s Unix
 * socket, by 20 clients at once, each with a connection of its own and one request in flight.
 * Prints requests per second, latency percentiles, and the daemon's CPU and peak RSS.
 *
 * Three processes, so that each side is measured alone: the emulated sockets
 * (`scripts/emulate.ts`), the daemon (`scripts/s20.ts serve`) and this one (the clients).
 *
 *   deno run -A scripts/bench_api.ts [--seconds 10] [--clients 20] [--library] [--instant]
 *
 * `--library` makes the calls with `DaemonClient` (what `connect()` gives a script) instead of
 * plain `fetch`, to show what the client library adds; `--direct` makes them over UDP with one
 * `S20Client` in this process, without the daemon, for comparison. The emulated sockets answer
 * with the real socket's captured delays, or at once with `--instant`.
 */
import { parseArgs } from "node:util";
import { DaemonClient } from "../lib/api/daemon_client.ts";
import { S20Client } from "../lib/client/client.ts";
import type { Controller } from "../lib/client/controller.ts";
import {
  type Emulated,
  emulateElsewhere,
  INSTANT,
  percentile,
  procStats,
  TIMING_LABEL,
  waitForSocket,
} from "./_emulate_elsewhere.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    clients: { type: "string", default: "20" },
    library: { type: "boolean", default: false },
    direct: { type: "boolean", default: false },
    instant: { type: "boolean", default: false },
  },
});
const seconds = Number(values.seconds);
const clients = Number(values.clients);
const SOCKETS = 50;

/** Reads a `/proc/PID` figure: CPU milliseconds used, or peak RSS in MB. */
/**
 * A seeded choice of socket per request (xorshift), so clients do not march over the sockets in
 * step, each waiting out the previous one's pause after `cl`.
 */
function picker(seed: number, count: number): () => number {
  let x = seed * 2654435761 >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % count;
  };
}

/** The UDP client of `--direct`, shared by every loop as one program would share it. */
const direct = values.direct ? new S20Client({ hostname: "127.0.0.1", port: 0 }) : null;

/** One client's loop: `status` of random sockets until `end`; returns latencies in ms. */
async function clientLoop(
  socketPath: string,
  targets: readonly string[],
  offset: number,
  end: number,
): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  if (values.library || direct) {
    // Each loop its own daemon connection; the direct client is shared (and closed by main).
    await using own = direct ? null : new DaemonClient({ path: socketPath, timeout: 5000 });
    const controller: Controller = direct ?? own!;
    const handles = targets.map((t) => controller.socket(t));
    const next = picker(offset + 1, handles.length);
    while (performance.now() < end) {
      const started = performance.now();
      try {
        await handles[next()]!.state();
        latencies.push(performance.now() - started);
      } catch {
        errors++;
      }
    }
    return { latencies, errors };
  }
  using http = Deno.createHttpClient({ proxy: { transport: "unix", path: socketPath } });
  const next = picker(offset + 1, targets.length);
  while (performance.now() < end) {
    const target = encodeURIComponent(targets[next()]!);
    const started = performance.now();
    const response = await fetch(`http://daemon/v1/sockets/${target}/state`, { client: http });
    await response.body?.cancel();
    if (response.status === 200) latencies.push(performance.now() - started);
    else errors++;
  }
  return { latencies, errors };
}

async function main(): Promise<void> {
  const emulated = await emulateElsewhere(SOCKETS, "127.0.114.1", { instant: INSTANT });
  const dir = await Deno.makeTempDir({ prefix: "s20-bench-api-" });
  const socketPath = `${dir}/daemon.sock`;
  const daemon = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./s20.ts", import.meta.url).pathname,
      ...["serve", "--socket", socketPath, "--port", "0", "--target", "127.0.114.0/26"],
    ],
    env: { NO_COLOR: "1", HOME: "/nonexistent" },
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  try {
    await waitForSocket(socketPath, daemon);
    const targets = emulated.sockets.map((s: Emulated) => `${s.mac}@${s.address}`);
    // Warm-up: every socket subscribed and every handle made before the clock starts.
    await clientLoop(socketPath, targets, 0, performance.now() + 1000);
    const before = procStats(daemon.pid);
    const ownBefore = procStats(Deno.pid);
    const started = performance.now();
    const end = started + seconds * 1000;
    const results = await Promise.all(
      Array.from({ length: clients }, (_, c) => clientLoop(socketPath, targets, c, end)),
    );
    const wall = performance.now() - started;
    const after = procStats(daemon.pid);
    const ownAfter = procStats(Deno.pid);
    const latencies = results.flatMap((r) => r.latencies).sort((a, b) => a - b);
    const errors = results.reduce((sum, r) => sum + r.errors, 0);
    const ms = (p: number) => percentile(latencies, p).toFixed(2);
    console.log(
      `status ${
        direct
          ? "over UDP (S20Client)"
          : `through the API (${values.library ? "DaemonClient" : "fetch"})`
      }, ${clients} clients, ${TIMING_LABEL}, ` +
        `${SOCKETS} sockets, ${(wall / 1000).toFixed(1)} s: ${latencies.length} requests, ` +
        `${(latencies.length / (wall / 1000)).toFixed(0)} req/s, ${errors} errors; latency p50 ` +
        `${ms(0.5)} ms, p90 ${ms(0.9)} ms, p99 ${ms(0.99)} ms, max ${ms(1)} ms; daemon CPU ` +
        `${((after.cpuMs - before.cpuMs) / wall * 100).toFixed(0)} % of one core, peak RSS ` +
        `${after.peakRssMb.toFixed(1)} MB; clients' CPU ${
          ((ownAfter.cpuMs - ownBefore.cpuMs) / wall * 100).toFixed(0)
        } %`,
    );
  } finally {
    await direct?.close();
    daemon.kill("SIGTERM");
    await daemon.status;
    await emulated.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

await main();
