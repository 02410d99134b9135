/**
 * `s20` installed as a command with `deno install --global`, as the README says: from this
 * checkout (`deno task install`) and from a URL. Each install goes into a temporary `--root`;
 * the command then runs from another folder, where a relative path names a file there (not in
 * the checkout), and prints only its own output (no "Task s20 ..." line). Offline, both need the
 * npm metadata that `deno task deps` caches.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { childEnv, DENO_DIR } from "../helpers/child_env.ts";
import { ROOT } from "../helpers/s20_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const SCHEDULE = `timezone: UTC
sockets:
  porch: { ip: 192.0.2.4 }
rules:
  - sockets: porch
    at: "07:00"
    action: on
`;

/** The environment for an install and the installed command: `deno` on the PATH, `extra`. */
function installEnv(extra: Record<string, string>): Record<string, string> {
  const path = `${dirname(Deno.execPath())}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`;
  return childEnv({ PATH: path, ...extra });
}

async function output(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string> },
): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await new Deno.Command(command, {
    args: [...args],
    ...options,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code, out: new TextDecoder().decode(stdout), err: new TextDecoder().decode(stderr) };
}

/** Runs `ROOT/bin/s20 schedule check mine.yaml` in a new folder holding `mine.yaml`. */
async function checkRelative(root: string, env: Record<string, string>): Promise<void> {
  await using elsewhere = await tempDir("s20-elsewhere-");
  await Deno.writeTextFile(join(elsewhere.path, "mine.yaml"), SCHEDULE);
  const run = await output(join(root, "bin", "s20"), ["schedule", "check", "mine.yaml"], {
    cwd: elsewhere.path,
    env,
  });
  assert.equal(run.code, 0, run.err);
  assert.equal(run.out, "mine.yaml: valid (1 rule, 1 socket, zone UTC)\n");
  assert.equal(run.err, "");
  const missing = await output(join(root, "bin", "s20"), ["schedule", "check", "other.yaml"], {
    cwd: elsewhere.path,
    env,
  });
  assert.equal(missing.code, 2);
  assert.match(missing.err, /other\.yaml/);
}

Deno.test("deno task install puts an s20 command in --root that works from any folder", async () => {
  await using root = await tempDir("s20-install-");
  const env = installEnv({ DENO_INSTALL_ROOT: root.path });
  const install = await output(Deno.execPath(), ["task", "install"], { cwd: ROOT, env });
  assert.equal(install.code, 0, install.err);
  const shim = await Deno.readTextFile(join(root.path, "bin", "s20"));
  for (const flag of ["--unstable-net", "--allow-net", "--allow-read", "--allow-write"]) {
    assert.ok(shim.includes(` ${flag} `), `the command runs with ${flag}`);
  }
  await checkRelative(root.path, env);
});

/**
 * Serves this checkout's files on loopback, so `deno install` fetches `scripts/s20.ts` and
 * everything it imports by URL, as from a published copy. The Deno cache is a new one in a
 * temporary folder (remote modules land there) with the npm packages copied in, so nothing is
 * downloaded and nothing is left in the runner's cache.
 */
Deno.test("deno install --global from a URL gives a working s20 command", async () => {
  await using tmp = await tempDir("s20-url-install-");
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const path = decodeURIComponent(new URL(request.url).pathname);
    if (path.includes("..")) return new Response("no", { status: 400 });
    try {
      const body = await Deno.readFile(join(ROOT, path));
      return new Response(body, { headers: { "content-type": "application/typescript" } });
    } catch {
      return new Response("not found", { status: 404 });
    }
  });
  try {
    const denoDir = join(tmp.path, "deno");
    // The new cache starts with the runner's npm packages (the command's, and the optional peers
    // whose metadata an install reads): without network, nothing else could fill it.
    // (The whole npm folder of the cache: its one subfolder per registry holds them.)
    await Deno.mkdir(join(denoDir, "npm"), { recursive: true });
    const copy = await output("cp", [
      "-R",
      `${join(DENO_DIR, "npm")}/.`,
      join(denoDir, "npm"),
    ], {
      cwd: tmp.path,
      env: {},
    });
    assert.equal(copy.code, 0, copy.err);
    const root = join(tmp.path, "root");
    const env = installEnv({ DENO_DIR: denoDir });
    const url = `http://127.0.0.1:${server.addr.port}/scripts/s20.ts`;
    const install = await output(Deno.execPath(), [
      "install",
      "--global",
      "--no-config",
      "--root",
      root,
      "--name",
      "s20",
      "--unstable-net",
      "--v8-flags=--max-semi-space-size=1",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-sys",
      url,
    ], { cwd: tmp.path, env });
    assert.equal(install.code, 0, install.err);
    assert.match(await Deno.readTextFile(join(root, "bin", "s20")), new RegExp(url));
    await server.shutdown();
    // The command runs from the cache: the server is gone.
    await checkRelative(root, env);
  } finally {
    await server.shutdown();
  }
});
