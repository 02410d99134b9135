// deno-lint-ignore-file no-console
/**
 * Client benchmarks (issue 4), printing figures:
 *   roundtrip  on()/off() against an emulated socket on loopback with no added latency: p50, p99,
 *              alternating and repeating one state
 *   fleet      switch 200 emulated sockets at once, at 0 % and 20 % loss: time until all confirmed
 *   idle       hold 200 live subscriptions for 60 s: CPU time and peak RSS of the client process
 * Emulated sockets of `fleet` and `idle` run in a separate process (scripts/emulate.ts), so the
 * figures are the client's alone.
 *
 *   deno run -A scripts/bench_client.ts [roundtrip] [fleet] [idle] [--idle-seconds 60] [--instant]
 *
 * `fleet` and `idle` sockets answer with the real socket's captured delays, or at once with
 * `--instant`; `roundtrip` always answers at once.
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
import { startEmulator } from "../lib/emulator/emulator.ts";

const args = Deno.args.filter((a) => !a.startsWith("--"));
const which = new Set(args.length > 0 ? args : ["roundtrip", "fleet", "idle"]);
const idleSeconds = Number(Deno.args[Deno.args.indexOf("--idle-seconds") + 1] ?? 60) || 60;

async function roundTrip(): Promise<void> {
  await using emulator = await startEmulator({
    hostname: "127.0.0.1",
    port: 0,
    replyTo: "source",
    timing: "instant", // the client's own cost, always without the socket's latency
  });
  await using client = new S20Client({ hostname: "127.0.0.1", port: 0 });
  const socket = client.socket({ mac: emulator.mac, ip: "127.0.0.1", port: emulator.address.port });
  for (let i = 0; i < 50; i++) await socket.setPower(i % 2 === 0); // warm up, subscribe
  // Alternating back to back: each report of a new state may be a late copy from the switch
  // before last, until ~150 ms have passed (lib/client/state_evidence.ts).
  const alternating = await timeCalls(300, (i) => socket.setPower(i % 2 === 0));
  console.log(`roundtrip: on()/off() alternating x300: ${summary(alternating)}`);
  const same = await timeCalls(2000, () => socket.setPower(true));
  console.log(`roundtrip: on() while on x2000: ${summary(same)}`);
}

async function timeCalls(count: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await call(i);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

function summary(sorted: number[]): string {
  return `p50 ${percentile(sorted, 0.5).toFixed(3)} ms, p99 ${
    percentile(sorted, 0.99).toFixed(3)
  } ms, ` +
    `max ${sorted.at(-1)!.toFixed(3)} ms`;
}

async function fleet(loss: number, first: string): Promise<void> {
  const emulated = await emulateElsewhere(200, first, { loss, instant: INSTANT });
  try {
    await using client = new S20Client({ hostname: "127.0.0.1", port: 0, timeout: 10_000 });
    const handles = emulated.sockets.map((s) =>
      client.socket({ mac: s.mac, ip: s.address, port: s.port })
    );
    const started = performance.now();
    await Promise.all(handles.map((h) => h.on()));
    const cold = performance.now() - started;
    const again = performance.now();
    await Promise.all(handles.map((h) => h.off()));
    const warm = performance.now() - again;
    console.log(
      `fleet: 200 sockets at ${loss * 100} % loss, ${TIMING_LABEL}: all confirmed on in ${
        cold.toFixed(0)
      } ms ` +
        `(from cold: subscribe + switch), off in ${warm.toFixed(0)} ms (subscribed)`,
    );
  } finally {
    await emulated.stop();
  }
}

async function idle(): Promise<void> {
  const emulated = await emulateElsewhere(200, "127.0.63.1", { instant: INSTANT });
  try {
    await using client = new S20Client({ hostname: "127.0.0.1", port: 0 });
    const handles = emulated.sockets.map((s) =>
      client.socket({ mac: s.mac, ip: s.address, port: s.port })
    );
    await Promise.all(handles.map((h) => h.state()));
    const events = client.events({ keepAlive: handles });
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const cpu = process.cpuUsage(cpuBefore);
    const wall = performance.now() - wallBefore;
    await events.return?.();
    const cpuMs = (cpu.user + cpu.system) / 1000;
    console.log(
      `idle: 200 live subscriptions for ${(wall / 1000).toFixed(0)} s: CPU ${
        cpuMs.toFixed(0)
      } ms ` +
        `(${((cpuMs / wall) * 100).toFixed(2)} % of one core), peak RSS ${
          peakRssMb().toFixed(1)
        } MB, ` +
        `online ${handles.filter((h) => h.online).length}/200`,
    );
  } finally {
    await emulated.stop();
  }
}

if (which.has("roundtrip")) await roundTrip();
if (which.has("fleet")) {
  await fleet(0, "127.0.61.1");
  await fleet(0.2, "127.0.62.1");
}
if (which.has("idle")) await idle();
