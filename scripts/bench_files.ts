// deno-lint-ignore-file no-console
/**
 * Hostile schedule files against `s20 schedule check` (issue 13, points 6 and 7). Prints, for
 * each file, the wall time, the bytes printed and the peak memory of the check, run as its own
 * process. Asserts nothing: run `deno run -A scripts/bench_files.ts`.
 *
 * - alias bomb: 160 KB of YAML aliases standing for 20,000 rules × 10,000 sockets;
 * - /dev/zero: a schedule path that is a symlink to /dev/zero;
 * - large: a valid schedule of 1,000 rules (340 KB), for scale.
 *
 * Each check is killed past 60 s or 2 GB of memory, so a reader without limits cannot take the
 * machine down (one used to reach 23 GB on /dev/zero before the kernel killed it).
 */
import { aliasBomb, largeSchedule } from "./_hostile_files.ts";

const TIME_LIMIT_MS = 60_000;
const MEMORY_LIMIT_KB = 2 * 1024 * 1024;
const S20 = new URL("./s20.ts", import.meta.url).pathname;

interface Figures {
  readonly ms: number;
  readonly code: number | null;
  readonly outputBytes: number;
  readonly peakKb: number;
  readonly killed: string | null;
}

function peakKb(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

async function check(path: string): Promise<Figures> {
  const start = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", S20, "schedule", "check", path],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let peak = 0;
  let killed: string | null = null;
  const watch = setInterval(() => {
    peak = Math.max(peak, peakKb(child.pid));
    const over = performance.now() - start > TIME_LIMIT_MS
      ? `over ${TIME_LIMIT_MS / 1000} s`
      : peak > MEMORY_LIMIT_KB
      ? `over ${MEMORY_LIMIT_KB / 1024} MB`
      : null;
    if (over !== null && killed === null) {
      killed = over;
      child.kill("SIGKILL");
    }
  }, 20);
  const output = await child.output();
  clearInterval(watch);
  return {
    ms: performance.now() - start,
    code: output.code,
    outputBytes: output.stdout.length + output.stderr.length,
    peakKb: peak,
    killed,
  };
}

const dir = await Deno.makeTempDir({ prefix: "s20-bench-files-" });
try {
  const files: [string, string][] = [
    ["alias bomb (20,000 rules × 10,000 sockets)", `${dir}/bomb.yaml`],
    ["symlink to /dev/zero", `${dir}/zero.yaml`],
    ["large valid schedule (1,000 rules)", `${dir}/large.yaml`],
  ];
  Deno.writeTextFileSync(files[0]![1], aliasBomb(20_000, 10_000));
  Deno.symlinkSync("/dev/zero", files[1]![1]);
  Deno.writeTextFileSync(files[2]![1], largeSchedule());
  console.log("s20 schedule check FILE, one process each");
  for (const [name, path] of files) {
    const f = await check(path);
    const size = Deno.lstatSync(path).isSymlink ? "symlink" : `${Deno.statSync(path).size} B`;
    console.log(
      `${name.padEnd(44)} ${size.padStart(9)}  exit ${f.code}  ${(f.ms / 1000).toFixed(2)} s  ` +
        `${f.outputBytes} B printed  peak ${(f.peakKb / 1024).toFixed(0)} MB` +
        (f.killed ? `  KILLED (${f.killed})` : ""),
    );
  }
} finally {
  Deno.removeSync(dir, { recursive: true });
}
