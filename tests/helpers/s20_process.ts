/** The `s20` command run as a separate process, as a user runs it. */
import { childEnv } from "./child_env.ts";

/** The entry script and the repository, for processes started by hand. */
export const S20 = new URL("../../scripts/s20.ts", import.meta.url).pathname;
export const ROOT = new URL("../..", import.meta.url).pathname;

/** The permissions the README gives `s20`. */
export const PERMISSIONS: readonly string[] = [
  "--allow-net",
  "--allow-read",
  "--allow-write",
  "--allow-env",
  "--allow-sys",
];

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
