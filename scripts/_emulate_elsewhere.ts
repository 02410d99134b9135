/**
 * Emulated sockets in a separate process (`scripts/emulate.ts`), so a benchmark measures only
 * its own process. Used by the bench scripts.
 */

/** One emulated socket as `emulate --json` reports it. */
export interface Emulated {
  readonly mac: string;
  readonly address: string;
  readonly port: number;
}

/**
 * Starts `count` sockets from `first` upward on port 10000 (replying to the source port); they
 * answer with the real socket's captured delays, or at once with `instant`.
 */
export async function emulateElsewhere(
  count: number,
  first: string,
  options: { loss?: number; seed?: number; instant?: boolean } = {},
): Promise<{ sockets: Emulated[]; stop(): Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./emulate.ts", import.meta.url).pathname,
      ...["--count", String(count), "--address", first, "--port", "10000"],
      ...["--reply-to", "source", "--json"],
      ...["--loss", String(options.loss ?? 0), "--seed", String(options.seed ?? 7)],
      ...(options.instant ? ["--instant"] : []),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const sockets: Emulated[] = [];
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

/** The emulator's timing a benchmark asked for (`--instant`), and how to print it. */
export const INSTANT: boolean = Deno.args.includes("--instant");
/** `"instant replies"` or `"captured reply delays"`, for a benchmark's output. */
export const TIMING_LABEL: string = INSTANT ? "instant replies" : "captured reply delays";

/** The value at percentile `p` (0–1) of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

/** Peak resident memory of this process so far, in MB (Linux). */
export function peakRssMb(): number {
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"))?.[1] ?? 0);
  return kb / 1024;
}

/** CPU time (ms) and peak RSS (MB) of process `pid` so far (Linux). */
export function procStats(pid: number): { cpuMs: number; peakRssMb: number } {
  // Fields 14 and 15 of /proc/PID/stat are user and system time in clock ticks (100 Hz).
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const cpuMs = (Number(fields[11]) + Number(fields[12])) * 10;
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return { cpuMs, peakRssMb: kb / 1024 };
}

/** Waits until `s20 serve` (the `child`) serves its Unix socket at `path`. */
export async function waitForSocket(path: string, child: Deno.ChildProcess): Promise<void> {
  let exited = false;
  child.status.then(() => (exited = true));
  for (let i = 0; i < 300; i++) {
    try {
      if ((await Deno.lstat(path)).isSocket) return;
    } catch {
      // Not yet.
    }
    if (exited) throw new Error("s20 serve exited before serving");
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no socket at ${path} after 6 s`);
}
