/** The `s20` command run as a separate process, as a user runs it. */
import { childEnv } from "./child_env.ts";
import config from "../../deno.json" with { type: "json" };

/** The entry script and the repository, for processes started by hand. */
export const S20 = new URL("../../scripts/s20.ts", import.meta.url).pathname;
export const ROOT = new URL("../..", import.meta.url).pathname;

/** The permissions the README gives `s20`: the shipped `s20` task's. */
export const PERMISSIONS: readonly string[] = config.tasks.s20.split(" ").filter((word) =>
  word.startsWith("--allow-")
);

/** What a finished `s20` process left. */
export interface Finished {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/**
 * `s20 ARGS` as a command with piped output, in {@linkcode childEnv} (the runner's Deno cache, no
 * colour, no user's config file) plus `env`; `permissions` replaces the README's.
 */
export function s20Command(
  args: readonly string[],
  env: Record<string, string> = {},
  permissions: readonly string[] = PERMISSIONS,
): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, S20, ...args],
    cwd: ROOT,
    env: childEnv(env),
    stdout: "piped",
    stderr: "piped",
  });
}

/** Runs `s20 ARGS` to its end. */
export async function s20Process(
  args: readonly string[],
  env: Record<string, string> = {},
  permissions: readonly string[] = PERMISSIONS,
): Promise<Finished> {
  const { code, stdout, stderr } = await s20Command(args, env, permissions).output();
  return { code, out: new TextDecoder().decode(stdout), err: new TextDecoder().decode(stderr) };
}

/** An `s20` process left running: its pid, its first line of output, and how to stop it. */
export interface Background extends AsyncDisposable {
  readonly pid: number;
  /** The first line it printed on standard output (`--json` commands: one JSON object). */
  readonly firstLine: string;
}

/**
 * Starts `s20 ARGS` and waits for its first line of output (a ready line); disposing sends
 * SIGINT and waits for its end.
 */
export async function s20Background(
  args: readonly string[],
  env: Record<string, string> = {},
  permissions: readonly string[] = PERMISSIONS,
): Promise<Background> {
  const child = s20Command(args, env, permissions).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await lines.read();
    if (done) break;
    text += value;
  }
  return {
    pid: child.pid,
    firstLine: text.split("\n")[0]!,
    async [Symbol.asyncDispose]() {
      child.kill("SIGINT");
      lines.releaseLock();
      await child.stdout.cancel().catch(() => {});
      await child.stderr.cancel().catch(() => {});
      await child.status;
    },
  };
}
