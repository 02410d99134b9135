// deno-lint-ignore-file no-console
/**
 * Automation benchmarks (issue 18), printing figures:
 *   memory   RSS of a daemon process with 0, 1 and 10 running automations (each a copy of the
 *            linked-switches example), and the cost per automation
 *   latency  a button press on an emulated socket to the linked socket confirming the switch,
 *            through the daemon and the automation's worker (20 presses)
 * Each daemon runs in its own process (this script with `--child N`), so one measure does not
 * carry memory into the next. Emulated sockets are in-process, on loopback.
 *
 *   deno run -A scripts/bench_automations.ts
 */
import { S20Client } from "../mod.ts";
import { startEmulator } from "../lib/emulator/emulator.ts";
import { SchedulerDaemon } from "../lib/scheduler/daemon.ts";
import type { LogEntry } from "../lib/scheduler/log_entry.ts";

const LINKED = new URL("./automations/linked_switches.ts", import.meta.url).pathname;

/** One daemon with `count` automations: its RSS once they run, and press latencies. */
async function child(count: number, presses: number): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "s20-bench-automations-" });
  const client = new S20Client({ hostname: "127.0.0.1", port: 0, timeout: 2000 });
  const desk = await startEmulator({
    mac: "ac:cf:23:78:90:01",
    hostname: "127.0.0.1",
    port: 0,
    replyTo: "source",
    timing: "instant",
    announceTo: client.local,
  });
  const hall = await startEmulator({
    mac: "ac:cf:23:78:90:02",
    hostname: "127.0.0.1",
    port: 0,
    replyTo: "source",
    timing: "instant",
    announceTo: client.local,
  });
  const entries = Array.from(
    { length: count },
    (_, i) => `  - { name: link${i + 1}, script: ${LINKED}, options: { from: desk, to: [hall] } }`,
  );
  const file = `${dir}/home.yaml`;
  await Deno.writeTextFile(
    file,
    [
      "timezone: UTC",
      "sockets:",
      `  desk: { mac: "${desk.mac}" }`,
      `  hall: { mac: "${hall.mac}" }`,
      "rules: []",
      ...(count > 0 ? ["automations:", ...entries] : []),
    ].join("\n"),
  );
  const log: LogEntry[] = [];
  const daemon = new SchedulerDaemon({
    file,
    controller: client,
    watch: false,
    overrides: {
      desk: { mac: desk.mac, ip: "127.0.0.1", port: desk.address.port },
      hall: { mac: hall.mac, ip: "127.0.0.1", port: hall.address.port },
    },
    log: (e) => log.push(e),
  });
  await daemon.start();
  const end = performance.now() + 60_000;
  while (log.filter((e) => e.kind === "automation").length < count && performance.now() < end) {
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 2000));
  const rss = Deno.memoryUsage().rss;
  const latencies: number[] = [];
  for (let i = 0; i < presses; i++) {
    const want = !hall.device.on;
    const pressed = performance.now();
    desk.device.pressButton();
    while (hall.device.on !== want && performance.now() - pressed < 5000) {
      await new Promise((r) => setTimeout(r, 1));
    }
    latencies.push(performance.now() - pressed);
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(JSON.stringify({ count, rss, latencies }));
  await daemon.stop();
  await client.close();
  await desk.close();
  await hall.close();
  await Deno.remove(dir, { recursive: true });
}

async function measure(count: number, presses: number) {
  const output = await new Deno.Command(Deno.execPath(), {
    // As `s20` runs (deno.json's s20 task): a small young generation, in each worker too.
    args: [
      "run",
      "-A",
      "--v8-flags=--max-semi-space-size=1",
      import.meta.filename!,
      "--child",
      String(count),
      String(presses),
    ],
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(output.stdout).trim().split("\n").at(-1)!;
  return JSON.parse(text) as { count: number; rss: number; latencies: number[] };
}

if (Deno.args[0] === "--child") {
  await child(Number(Deno.args[1]), Number(Deno.args[2] ?? 0));
} else {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const zero = await measure(0, 0);
  const one = await measure(1, 20);
  const ten = await measure(10, 0);
  console.log("memory (RSS of the daemon process, automations running):");
  console.log(`  0 automations: ${mb(zero.rss)} MiB`);
  console.log(`  1 automation:  ${mb(one.rss)} MiB (+${mb(one.rss - zero.rss)})`);
  console.log(
    `  10 automations: ${mb(ten.rss)} MiB (+${mb((ten.rss - zero.rss) / 10)} per automation)`,
  );
  const sorted = [...one.latencies].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  console.log(
    `button press → linked socket confirmed (${sorted.length} presses): median ${
      at(0.5).toFixed(1)
    } ms, p95 ${at(0.95).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`,
  );
}
