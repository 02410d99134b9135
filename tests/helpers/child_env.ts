/**
 * The environment of a `deno` process a test starts. It uses the test runner's own Deno cache,
 * so a suite whose dependencies were cached once (`deno install`) runs without network: a child
 * that derived its cache from a changed `HOME` would download every npm package again (and, as
 * root, create that home). `HOME` points nowhere and `XDG_CONFIG_HOME` is empty, so no user's
 * `s20` config file is read.
 */

/** Where the running `deno` keeps its cache, as `deno info` reports it. */
function runnerDenoDir(): string {
  const set = Deno.env.get("DENO_DIR");
  if (set) return set;
  const info = new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    stdout: "piped",
    stderr: "inherit",
  }).outputSync();
  if (!info.success) throw new Error("`deno info --json` failed: cannot find the Deno cache");
  return JSON.parse(new TextDecoder().decode(info.stdout)).denoDir;
}

/** The runner's Deno cache directory, for child processes. */
export const DENO_DIR: string = runnerDenoDir();

/** The environment for a child `deno` process: the runner's cache, no user config, plus `extra`. */
export function childEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { DENO_DIR, HOME: "/nonexistent", XDG_CONFIG_HOME: "", NO_COLOR: "1", ...extra };
}
