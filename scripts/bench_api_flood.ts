// deno-lint-ignore-file no-console
/**
 * The daemon's API under a connection flood (issue 13, point 4): `s20 serve` on a Unix socket
 * and loopback TCP, in front of emulated sockets on 127.0.116.x, while this process holds
 * `--half-open` TCP connections that send nothing and `--slow` ones that send one header line
 * every `--trickle-ms`, for `--seconds`. A connection the daemon closes is opened again after
 * `--reconnect-ms`, so the flood lasts. Meanwhile one client asks `status` of an emulated
 * socket over the Unix socket and one over TCP (with the token), one request at a time.
 * Prints, per route, answers, failures and latency percentiles; the flood's connections and how
 * often the daemon closed them; and whether the daemon survived.
 *
 * The daemon runs under `ulimit -n --nofile` (1024, the usual default soft limit).
 *
 *   deno run -A scripts/bench_api_flood.ts [--seconds 60] [--half-open 5000] [--slow 1000]
 *     [--trickle-ms 5000] [--reconnect-ms 1000] [--nofile 1024]
 */
import { parseArgs } from "node:util";
import { percentile } from "./_emulate_elsewhere.ts";
import { emulateElsewhere } from "./_emulate_elsewhere.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "60" },
    "half-open": { type: "string", default: "5000" },
    slow: { type: "string", default: "1000" },
    "trickle-ms": { type: "string", default: "5000" },
    "reconnect-ms": { type: "string", default: "1000" },
    nofile: { type: "string", default: "1024" },
  },
});
const seconds = Number(values.seconds);
const halfOpen = Number(values["half-open"]);
const slow = Number(values.slow);
const trickleMs = Number(values["trickle-ms"]);
const reconnectMs = Number(values["reconnect-ms"]);
const nofile = Number(values.nofile);
/** One status call may take this long before it counts as failed. */
const CALL_TIMEOUT_MS = 10_000;

const encoder = new TextEncoder();
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });

/** What the flood did. */
const flood = { open: 0, peakOpen: 0, opened: 0, closedByDaemon: 0, connectFailures: 0 };

/**
 * One flood slot: a connection held open (sending a header line every `trickleMs` when `slow`),
 * opened again after `reconnectMs` whenever the daemon closes it, until `stop`.
 */
async function floodSlot(port: number, slowly: boolean, stop: AbortSignal): Promise<void> {
  while (!stop.aborted) {
    let conn: Deno.TcpConn;
    try {
      conn = await Deno.connect({ hostname: "127.0.0.1", port, signal: stop });
    } catch {
      if (!stop.aborted) flood.connectFailures++;
      await sleep(reconnectMs, stop);
      continue;
    }
    flood.opened++;
    flood.peakOpen = Math.max(flood.peakOpen, ++flood.open);
    const closed = conn.read(new Uint8Array(1024)).then(() => true, () => true);
    const ended = stop.aborted ? Promise.resolve(false) : new Promise<false>((resolve) => {
      stop.addEventListener("abort", () => resolve(false), { once: true });
    });
    if (slowly) {
      void (async () => {
        try {
          await conn.write(encoder.encode("GET /v1/health HTTP/1.1\r\n"));
          for (let i = 0; !stop.aborted; i++) {
            await sleep(trickleMs, stop);
            await conn.write(encoder.encode(`x-slow-${i}: ${i}\r\n`));
          }
        } catch {
          // Closed by the daemon; the read below says so.
        }
      })();
    }
    const byDaemon = await Promise.race([closed, ended]);
    flood.open--;
    try {
      conn.close();
    } catch {
      // Already closed.
    }
    if (byDaemon) {
      flood.closedByDaemon++;
      await sleep(reconnectMs, stop);
    }
  }
}

/** `status` of one socket, one call at a time, until `stop`: latencies and failures. */
async function statusLoop(
  base: string,
  client: Deno.HttpClient,
  headers: Record<string, string>,
  target: string,
  stop: AbortSignal,
): Promise<{ latencies: number[]; failures: Map<string, number> }> {
  const latencies: number[] = [];
  const failures = new Map<string, number>();
  const fail = (why: string) => failures.set(why, (failures.get(why) ?? 0) + 1);
  while (!stop.aborted) {
    const started = performance.now();
    try {
      const response = await fetch(`${base}/v1/sockets/${encodeURIComponent(target)}/state`, {
        client,
        headers,
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      const body = await response.json();
      if (response.status === 200 && typeof body.on === "boolean") {
        latencies.push(performance.now() - started);
      } else fail(`HTTP ${response.status}`);
    } catch (error) {
      fail(error instanceof Error ? error.name : String(error));
      await sleep(100, stop);
    }
    await sleep(50, stop);
  }
  return { latencies, failures };
}

function describe(what: string, r: { latencies: number[]; failures: Map<string, number> }) {
  const sorted = r.latencies.toSorted((a, b) => a - b);
  const ms = (p: number) => sorted.length === 0 ? "-" : percentile(sorted, p).toFixed(1);
  const failed = [...r.failures].map(([why, n]) => `${n} ${why}`).join(", ") || "0";
  return `status over ${what}: ${sorted.length} answered, failures ${failed}; latency p50 ` +
    `${ms(0.5)} ms, p99 ${ms(0.99)} ms, max ${ms(1)} ms`;
}

async function main(): Promise<void> {
  const emulated = await emulateElsewhere(2, "127.0.116.1");
  const dir = await Deno.makeTempDir({ prefix: "s20-bench-flood-" });
  const socketPath = `${dir}/daemon.sock`;
  const s20 = new URL("./s20.ts", import.meta.url).pathname;
  const daemon = new Deno.Command("bash", {
    args: [
      "-c",
      `ulimit -n ${nofile} && exec "$0" "$@"`,
      Deno.execPath(),
      ...["run", "-A", s20, "serve", "--json", "--socket", socketPath],
      ...["--listen", "127.0.0.1:0", "--token-file", `${dir}/daemon.token`],
      ...["--port", "0", "--target", "127.0.116.0/29"],
    ],
    env: { NO_COLOR: "1", HOME: "/nonexistent" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let exited: Deno.CommandStatus | null = null;
  const status = daemon.status.then((s) => (exited = s));
  const stderr = new Response(daemon.stderr).text();
  const stop = new AbortController();
  try {
    const lines = daemon.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const first = await lines.read();
    void lines.cancel();
    if (first.done) throw new Error(`s20 serve did not start: ${await stderr}`);
    const url: string = JSON.parse(first.value).api.url;
    const port = Number(new URL(url).port);
    const token = (await Deno.readTextFile(`${dir}/daemon.token`)).trim();
    const target = `${emulated.sockets[0]!.mac}@${emulated.sockets[0]!.address}`;
    console.log(
      `s20 serve under ulimit -n ${nofile}; flood of ${halfOpen} half-open and ${slow} slow ` +
        `(a header line every ${trickleMs} ms) TCP connections for ${seconds} s`,
    );
    using unixClient = Deno.createHttpClient({ proxy: { transport: "unix", path: socketPath } });
    using tcpClient = Deno.createHttpClient({});
    const calls = Promise.all([
      statusLoop("http://daemon", unixClient, {}, target, stop.signal),
      statusLoop(url, tcpClient, { authorization: `Bearer ${token}` }, target, stop.signal),
    ]);
    const slots: Promise<void>[] = [];
    for (let i = 0; i < halfOpen + slow; i++) {
      slots.push(floodSlot(port, i >= halfOpen, stop.signal));
      // Opened in a burst, a hundred at a time.
      if (i % 100 === 99) await sleep(0);
    }
    const started = performance.now();
    let diedAt: number | null = null;
    status.then(() => (diedAt = performance.now() - started));
    for (let t = 0; t < seconds && exited === null; t += 10) {
      await sleep(Math.min(10, seconds - t) * 1000);
      console.log(
        `  ${Math.round((performance.now() - started) / 1000)} s: ${flood.open} flood ` +
          `connections open, ${flood.closedByDaemon} closed by the daemon so far`,
      );
    }
    stop.abort();
    const [viaUnix, viaTcp] = await calls;
    await Promise.all(slots);
    console.log(describe("the Unix socket", viaUnix));
    console.log(describe("TCP", viaTcp));
    console.log(
      `flood: ${flood.opened} connections opened (peak ${flood.peakOpen} at once), ` +
        `${flood.closedByDaemon} closed by the daemon, ${flood.connectFailures} connects failed`,
    );
    if (exited === null) console.log("daemon: survived");
    else {
      const err = (await stderr).trim().split("\n").slice(-3).join(" | ");
      console.log(
        `daemon: DIED after ${((diedAt ?? 0) / 1000).toFixed(1)} s, exit code ` +
          `${(exited as Deno.CommandStatus).code}: ${err}`,
      );
    }
  } finally {
    stop.abort();
    if (exited === null) daemon.kill("SIGTERM");
    await status;
    await stderr;
    await emulated.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

await main();
