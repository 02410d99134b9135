// deno-lint-ignore-file no-console
/**
 * Client benchmarks (issue 4), printing figures:
 *   roundtrip  on()/off() against an emulated socket on loopback with no added latency: p50, p99
 *   fleet      switch 200 emulated sockets at once, at 0 % and 20 % loss: time until all confirmed
 *   idle       hold 200 live subscriptions for 60 s: CPU time and peak RSS of the client process
 * Emulated sockets of `fleet` and `idle` run in a separate process (scripts/emulate.ts), so the
 * figures are the client's alone.
 *
 *   deno run -A scripts/bench_client.ts [roundtrip] [fleet] [idle] [--idle-seconds 60]
 */
import process from "node:process";
import { S20Client } from "../mod.ts";
import { startEmulator } from "../lib/emulator/emulator.ts";

const args = Deno.args.filter((a) => !a.startsWith("--"));
const which = new Set(args.length > 0 ? args : ["roundtrip", "fleet", "idle"]);
const idleSeconds = Number(Deno.args[Deno.args.indexOf("--idle-seconds") + 1] ?? 60) || 60;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function roundTrip(): Promise<void> {
  await using emulator = await startEmulator({
    hostname: "127.0.0.1",
    port: 0,
    replyTo: "source",
    replyDelayMs: 0,
    pushDelayMs: 0,
  });
  await using client = new S20Client({ hostname: "127.0.0.1", port: 0 });
  const socket = client.socket({ mac: emulator.mac, ip: "127.0.0.1", port: emulator.address.port });
  for (let i = 0; i < 50; i++) await socket.setPower(i % 2 === 0); // warm up, subscribe
  const times: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const started = performance.now();
    await socket.setPower(i % 2 === 0);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(
    `roundtrip: on()/off() x${times.length}: p50 ${percentile(times, 0.5).toFixed(3)} ms, ` +
      `p99 ${percentile(times, 0.99).toFixed(3)} ms, max ${times.at(-1)!.toFixed(3)} ms`,
  );
}

interface Emulated {
  mac: string;
  address: string;
  port: number;
}

/** Starts `count` emulated sockets in another process; returns them and a stop function. */
async function emulateElsewhere(count: number, first: string, loss: number) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--unstable-net",
      new URL("./emulate.ts", import.meta.url).pathname,
      "--count",
      String(count),
      "--address",
      first,
      "--port",
      "10000",
      "--reply-to",
      "source",
      "--loss",
      String(loss),
      "--seed",
      "7",
      "--json",
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const sockets: Emulated[] = [];
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  while (sockets.length < count) {
    const { value, done } = await reader.read();
    if (done) throw new Error("emulate exited early");
    buffer += value;
    const lines = buffer.split("\n");
    buffer = lines.pop()!;
    for (const line of lines) if (line.trim()) sockets.push(JSON.parse(line));
  }
  return {
    sockets,
    async stop() {
      child.kill("SIGTERM");
      reader.releaseLock();
      await child.stdout.cancel().catch(() => {});
      await child.status;
    },
  };
}

async function fleet(loss: number, first: string): Promise<void> {
  const emulated = await emulateElsewhere(200, first, loss);
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
      `fleet: 200 sockets at ${loss * 100} % loss: all confirmed on in ${cold.toFixed(0)} ms ` +
        `(from cold: subscribe + switch), off in ${warm.toFixed(0)} ms (subscribed)`,
    );
  } finally {
    await emulated.stop();
  }
}

function peakRssMb(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function idle(): Promise<void> {
  const emulated = await emulateElsewhere(200, "127.0.63.1", 0);
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
