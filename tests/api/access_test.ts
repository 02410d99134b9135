/**
 * Who may reach the daemon, and how the CLI and `connect()` find it: a socket (or token file)
 * open to other users, or a symbolic link, is refused with `DAEMON_INSECURE`; the default path
 * is found without `S20_DAEMON`, in a 0700 directory, as a 0600 socket; a socket file left by
 * a dead daemon is skipped (but not when `S20_DAEMON` names it); one daemon per socket; the
 * loopback TCP listener wants its token; stopping removes the files.
 *
 * Emulated sockets on 127.0.104.2–4 and 127.0.105.2–4. Every daemon path is in a temporary
 * directory, and every CLI run gets `XDG_RUNTIME_DIR` in one, so the real default path is
 * never looked at. Which way a command went is told by the UDP port the emulated socket heard
 * it from: the daemon's, or another.
 */
import assert from "node:assert/strict";
import { connect } from "../../lib/api/connect.ts";
import { DaemonClient } from "../../lib/api/daemon_client.ts";
import { DaemonInsecureError, DaemonUnavailableError } from "../../lib/api/errors.ts";
import { S20Client } from "../../lib/client/client.ts";
import type { Emulator } from "../../lib/emulator/emulator.ts";
import { emulators, net, type Run, run } from "../helpers/cli_run.ts";
import { Http, type InProcessDaemon, startDaemon, tempDir, until } from "../helpers/daemon.ts";

const NET = net(104);
const A = "127.0.104.2";

/** The permission bits of `path` (not following a link). */
function mode(path: string): number {
  return Deno.lstatSync(path).mode! & 0o7777;
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The UDP ports an emulated socket hears from, from now on. */
function heard(socket: Emulator): Set<number> & Disposable {
  const ports = new Set<number>();
  const off = socket.onEvent((event) => {
    if (event.type === "received") ports.add(event.from.port);
  });
  return Object.assign(ports, { [Symbol.dispose]: off });
}

/** The object `serve --json` prints when it is up. */
async function announced(
  daemon: InProcessDaemon,
): Promise<
  { api: { socket: string; url: string | null; tokenFile: string | null }; udp: { port: number } }
> {
  await until(() => daemon.io.out.includes("\n"), "the daemon's announcement");
  return JSON.parse(daemon.io.out.split("\n")[0]!);
}

/** `s20 status A --json` with `env` (and `extra` flags). */
function status(env: Record<string, string>, extra: string[] = []): Promise<Run> {
  return run(["status", A, ...NET, "--json", ...extra], { env });
}

/**
 * The `--json` error of a run that failed: one error for the whole command (a daemon that
 * cannot be used is not a failure of any one socket).
 */
function errorOf(result: Run): { code: string; message: string } {
  assert.notEqual(result.out, "", `no JSON error on standard output; stderr: ${result.err}`);
  const json = JSON.parse(result.out);
  assert.ok(!Array.isArray(json), `one error, not one per socket: ${result.out}`);
  return json.error;
}

/** Asserts `s20 status` worked, and from which UDP port the socket heard it. */
async function statusWorks(
  socket: Emulator,
  env: Record<string, string>,
  extra: string[] = [],
): Promise<Set<number>> {
  using ports = heard(socket);
  const result = await status(env, extra);
  assert.equal(result.code, 0, result.err + result.out);
  assert.equal(JSON.parse(result.out)[0].ip, A);
  return new Set(ports);
}

/** Runs a command that should fail at once (a daemon that would serve is stopped after 5 s). */
async function failsFast(args: string[], env: Record<string, string>): Promise<Run> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), 5000);
  try {
    const result = await run(args, { env, signal: stop.signal });
    assert.ok(!stop.signal.aborted, `'s20 ${args.join(" ")}' ran on: ${result.err}`);
    return result;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Leaves at `path` what a daemon killed with SIGKILL leaves: a socket file (mode 0600) that
 * nothing listens on. (Closing a listener removes its file, so it is bound elsewhere and moved.)
 */
function staleSocket(path: string): void {
  const bound = `${path}.binding`;
  const listener = Deno.listen({ transport: "unix", path: bound });
  Deno.renameSync(bound, path);
  listener.close();
  Deno.chmodSync(path, 0o600);
  assert.ok(Deno.lstatSync(path).isSocket);
}

Deno.test("a daemon socket open to others, or a link to one, is refused; --direct still works", async () => {
  await using sockets = await emulators(104);
  await using dir = await tempDir();
  const runtime = `${dir.path}/run`;
  await using daemon = await startDaemon(["serve", ...NET, "--json"], {
    XDG_RUNTIME_DIR: runtime,
  });
  const { udp } = await announced(daemon);
  const env = { XDG_RUNTIME_DIR: runtime, S20_DAEMON: daemon.socket };
  assert.equal(mode(daemon.socket), 0o600);
  assert.deepEqual(await statusWorks(sockets[0]!, env), new Set([udp.port]), "through the daemon");

  for (const open of [0o666, 0o660, 0o604]) {
    await Deno.chmod(daemon.socket, open);
    using ports = heard(sockets[0]!);
    const refused = await status(env);
    assert.equal(refused.code, 1, refused.err);
    const error = errorOf(refused);
    assert.equal(error.code, "DAEMON_INSECURE");
    assert.ok(error.message.includes(`its mode 0${open.toString(8)} lets other users in`));
    assert.ok(error.message.includes(`chmod 600 ${daemon.socket}`), error.message);
    assert.match(error.message, /--direct/);
    assert.equal(ports.size, 0, "nothing was sent, by either route");
  }
  // Without --json, the same on standard error.
  const plain = await run(["status", A, ...NET], { env });
  assert.equal(plain.code, 1);
  assert.equal(plain.out, "");
  assert.match(plain.err, /error: Cannot use the s20 daemon at .*daemon\.sock: its mode 0604/);

  // The library: connect() and a DaemonClient made by hand check before they send anything.
  await assert.rejects(
    connect({ env: (name) => env[name as keyof typeof env] }),
    (error) => error instanceof DaemonInsecureError && error.path === daemon.socket,
  );
  {
    await using client = new DaemonClient({ path: daemon.socket });
    await assert.rejects(client.socket(A).on(), DaemonInsecureError);
    await assert.rejects(client.health(), DaemonInsecureError);
    assert.equal(sockets[0]!.device.on, false, "the socket was not switched");
  }

  // --direct bypasses the daemon: the socket hears another port.
  const direct = await statusWorks(sockets[0]!, env, ["--direct"]);
  assert.ok(direct.size > 0 && !direct.has(udp.port), "not through the daemon");
  // And connect({ direct }) too.
  {
    await using controller = await connect({
      direct: true,
      hostname: "127.0.0.1",
      port: 0,
      timeout: 1000,
      env: (name) => env[name as keyof typeof env],
    });
    assert.ok(controller instanceof S20Client);
    assert.equal(await controller.socket(A).state(), false);
  }

  // A symbolic link to the (private again) socket, named by S20_DAEMON or at the default path:
  // whoever made the link chose where commands go.
  await Deno.chmod(daemon.socket, 0o600);
  assert.deepEqual(await statusWorks(sockets[0]!, env), new Set([udp.port]));
  const link = `${dir.path}/link.sock`;
  await Deno.symlink(daemon.socket, link);
  await Deno.mkdir(`${runtime}/s20`, { recursive: true, mode: 0o700 });
  await Deno.symlink(daemon.socket, `${runtime}/s20/daemon.sock`);
  for (
    const [linkEnv, path] of [
      [{ XDG_RUNTIME_DIR: runtime, S20_DAEMON: link }, link],
      [{ XDG_RUNTIME_DIR: runtime }, `${runtime}/s20/daemon.sock`],
    ] as const
  ) {
    const refused = await status(linkEnv);
    assert.equal(refused.code, 1, refused.err);
    const error = errorOf(refused);
    assert.equal(error.code, "DAEMON_INSECURE");
    assert.ok(
      error.message.startsWith(`Cannot use the s20 daemon at ${path}: it is a symbolic link`),
    );
    assert.match(error.message, /name the socket or file itself/);
    await assert.rejects(
      connect({ env: (name) => (linkEnv as Record<string, string>)[name] }),
      (e) => e instanceof DaemonInsecureError && e.path === path,
    );
    assert.equal((await status(linkEnv, ["--direct"])).code, 0);
  }
  {
    await using client = new DaemonClient({ path: link });
    await assert.rejects(client.health(), DaemonInsecureError);
  }
  assert.equal(await daemon.stop(), 0, daemon.io.err);
});

Deno.test("a daemon at the default path makes it private, and the CLI and connect() find it there", async () => {
  await using sockets = await emulators(104);
  await using dir = await tempDir();
  const runtime = `${dir.path}/run`;
  const home = `${runtime}/s20`;
  const socket = `${home}/daemon.sock`;
  const env = { XDG_RUNTIME_DIR: runtime };

  for (const round of ["a new directory", "an existing one open to others"]) {
    if (round !== "a new directory") await Deno.chmod(home, 0o755);
    const daemon = await startDaemon(["serve", ...NET, "--json"], env, {
      socket,
      defaultPath: true,
    });
    try {
      const { api, udp } = await announced(daemon);
      assert.equal(api.socket, socket, round);
      assert.ok((await Deno.lstat(home)).isDirectory);
      assert.equal(mode(home), 0o700, round);
      assert.equal((await Deno.lstat(socket)).uid, Deno.uid());
      assert.ok((await Deno.lstat(socket)).isSocket);
      assert.equal(mode(socket), 0o600, round);
      // Nothing else is left beside it (the socket is bound elsewhere, then moved in).
      assert.deepEqual((await Array.fromAsync(Deno.readDir(home))).map((e) => e.name), [
        "daemon.sock",
      ]);

      // Found without S20_DAEMON.
      assert.deepEqual(await statusWorks(sockets[0]!, env), new Set([udp.port]), round);
      {
        await using controller = await connect({ env: (name) => env[name as keyof typeof env] });
        assert.ok(controller instanceof DaemonClient);
        assert.equal(controller.endpoint, socket);
        assert.equal(await controller.socket(A).on(), true);
        assert.equal(sockets[0]!.device.on, true);
        assert.equal(await controller.socket(A).off(), false);
      }
      // Unless told not to.
      for (const off of ["off", "none", "direct", "0"]) {
        const ports = await statusWorks(sockets[0]!, { ...env, S20_DAEMON: off });
        assert.ok(ports.size > 0 && !ports.has(udp.port), `S20_DAEMON=${off}`);
      }
    } finally {
      assert.equal(await daemon.stop(), 0, daemon.io.err);
    }
    assert.ok(!exists(socket), "the socket is removed on stop");
    assert.ok(exists(home), "the directory stays");
    // With the daemon gone, commands go direct again.
    const after = await statusWorks(sockets[0]!, env);
    assert.ok(after.size > 0);
  }

  // The daemon's own directory must not be a link (to a directory someone else chose).
  await Deno.remove(home, { recursive: true });
  const elsewhere = `${dir.path}/elsewhere`;
  await Deno.mkdir(elsewhere, { mode: 0o700 });
  await Deno.symlink(elsewhere, home);
  const refused = await failsFast(["serve", ...NET, "--json"], env);
  assert.equal(refused.code, 1, refused.err);
  const error = errorOf(refused);
  assert.equal(error.code, "DAEMON_INSECURE");
  assert.ok(error.message.startsWith(`Cannot use the s20 daemon at ${home}:`), error.message);
  assert.deepEqual(
    await Array.fromAsync(Deno.readDir(elsewhere)),
    [],
    "nothing was made through the link",
  );
});

Deno.test("a socket file left by a dead daemon is skipped, unless S20_DAEMON names it", async () => {
  await using sockets = await emulators(104);
  await using dir = await tempDir();
  const runtime = `${dir.path}/run`;
  const socket = `${runtime}/s20/daemon.sock`;
  await Deno.mkdir(`${runtime}/s20`, { recursive: true, mode: 0o700 });
  staleSocket(socket);
  const env = { XDG_RUNTIME_DIR: runtime };

  // Found at the default path, it does not answer: the CLI and connect() go direct.
  assert.ok((await statusWorks(sockets[0]!, env)).size > 0);
  assert.equal((await run(["on", A, ...NET], { env })).code, 0);
  assert.equal(sockets[0]!.device.on, true);
  {
    await using controller = await connect({
      hostname: "127.0.0.1",
      port: 0,
      timeout: 1000,
      env: (name) => env[name as keyof typeof env],
    });
    assert.ok(controller instanceof S20Client, "a direct client");
    assert.equal(await controller.socket(A).off(), false);
  }
  assert.ok(exists(socket), "a client leaves the file alone");

  // Named, it is an error: the user asked for that daemon.
  const missing = `${dir.path}/nothing/daemon.sock`;
  const named: [string, RegExp][] = [
    [socket, /nothing listens there/],
    [missing, /S20_DAEMON names it, but no socket is there/],
    [`${dir.path}`, /it is not a socket/],
  ];
  for (const [path, why] of named) {
    const namedEnv = { ...env, S20_DAEMON: path };
    const result = await status(namedEnv);
    assert.equal(result.code, 1, result.err);
    const error = errorOf(result);
    assert.equal(error.code, "DAEMON_UNAVAILABLE", path);
    assert.ok(error.message.startsWith(`Cannot reach the s20 daemon at ${path}: `), error.message);
    assert.match(error.message, why);
    assert.match(error.message, /--direct/);
    await assert.rejects(
      connect({ env: (name) => namedEnv[name as keyof typeof namedEnv] }),
      (e) => e instanceof DaemonUnavailableError && e.endpoint === path,
    );
    assert.equal((await status(namedEnv, ["--direct"])).code, 0);
  }
  {
    await using client = new DaemonClient({ path: missing });
    await assert.rejects(client.health(), DaemonUnavailableError);
  }

  // A file open to others at the default path is refused, not skipped; S20_DAEMON=off and
  // --direct never look at it.
  await Deno.chmod(socket, 0o666);
  assert.equal(errorOf(await status(env)).code, "DAEMON_INSECURE");
  assert.ok((await statusWorks(sockets[0]!, { ...env, S20_DAEMON: "off" })).size > 0);
  assert.ok((await statusWorks(sockets[0]!, env, ["--direct"])).size > 0);
});

Deno.test("one daemon per socket: a second is refused, a dead one's file is replaced", async () => {
  await using sockets = await emulators(104);
  await using dir = await tempDir();
  const env = { XDG_RUNTIME_DIR: `${dir.path}/run` };
  await using first = await startDaemon(["serve", ...NET, "--json"], env);
  const { udp } = await announced(first);
  const ino = (await Deno.lstat(first.socket)).ino;

  const second = await failsFast(["serve", ...NET, "--socket", first.socket, "--json"], env);
  assert.equal(second.code, 1, second.err);
  const error = errorOf(second);
  assert.equal(error.code, "DAEMON_RUNNING");
  assert.ok(error.message.includes(`at ${first.socket}: another s20 daemon serves there`));
  const plain = await failsFast(["serve", ...NET, "--socket", first.socket], env);
  assert.equal(plain.code, 1);
  assert.match(plain.err, /error: Cannot serve the API at .*: another s20 daemon serves there/);
  // The first is untouched and still serves.
  assert.equal((await Deno.lstat(first.socket)).ino, ino);
  assert.equal(mode(first.socket), 0o600);
  assert.deepEqual(
    await statusWorks(sockets[0]!, { ...env, S20_DAEMON: first.socket }),
    new Set([udp.port]),
  );

  // Something that is not a socket is never removed.
  const taken = `${dir.path}/taken.sock`;
  await Deno.writeTextFile(taken, "mine");
  const notSocket = await failsFast(["serve", ...NET, "--socket", taken, "--json"], env);
  assert.equal(notSocket.code, 1);
  assert.equal(errorOf(notSocket).code, "DAEMON_PATH_TAKEN");
  assert.equal(await Deno.readTextFile(taken), "mine");

  // A file left by a daemon that died is replaced by the next one.
  const path = `${dir.path}/stale/daemon.sock`;
  await Deno.mkdir(`${dir.path}/stale`, { mode: 0o700 });
  staleSocket(path);
  const staleIno = (await Deno.lstat(path)).ino;
  {
    await using next = await startDaemon(["serve", ...NET, "--json"], env, { socket: path });
    const { api, udp: nextUdp } = await announced(next);
    assert.equal(api.socket, path);
    assert.notEqual((await Deno.lstat(path)).ino, staleIno);
    assert.ok((await Deno.lstat(path)).isSocket);
    assert.equal(mode(path), 0o600);
    assert.deepEqual(
      await statusWorks(sockets[0]!, { ...env, S20_DAEMON: path }),
      new Set([nextUdp.port]),
    );
    assert.equal(await next.stop(), 0, next.io.err);
  }
  assert.ok(!exists(path), "removed on stop");
  assert.equal(await first.stop(), 0, first.io.err);
});

Deno.test("a daemon that stops removes only its own socket", async () => {
  await using _sockets = await emulators(104);
  await using dir = await tempDir();
  const env = { XDG_RUNTIME_DIR: `${dir.path}/run` };
  const path = `${dir.path}/daemon.sock`;
  await using first = await startDaemon(["serve", ...NET, "--json"], env, { socket: path });
  // Its file is deleted from under it, and another daemon takes the path.
  await Deno.remove(path);
  await using second = await startDaemon(["serve", ...NET, "--json"], env, { socket: path });
  const ino = (await Deno.lstat(path)).ino;
  assert.equal(await first.stop(), 0, first.io.err);
  assert.equal((await Deno.lstat(path)).ino, ino, "the second daemon's socket is still there");
  assert.equal((await status({ ...env, S20_DAEMON: path })).code, 0);
  assert.equal(await second.stop(), 0, second.io.err);
  assert.ok(!exists(path));
});

Deno.test("on loopback TCP the daemon wants the token from its private token file", async () => {
  await using sockets = await emulators(105);
  await using dir = await tempDir();
  const runtime = `${dir.path}/run`;
  const tokenFile = `${dir.path}/secret/daemon.token`;
  const socket = `${dir.path}/api/daemon.sock`;
  const NET105 = net(105);
  const daemon = await startDaemon(
    ["serve", ...NET105, "--listen", "127.0.0.1:0", "--token-file", tokenFile, "--json"],
    { XDG_RUNTIME_DIR: runtime },
    { socket },
  );
  try {
    const { api, udp } = await announced(daemon);
    assert.match(api.url!, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(api.tokenFile, tokenFile);
    assert.equal(api.socket, socket);
    assert.ok((await Deno.lstat(tokenFile)).isFile);
    assert.equal(mode(tokenFile), 0o600);
    assert.equal(mode(`${dir.path}/secret`), 0o700, "a directory it makes is private");
    const token = (await Deno.readTextFile(tokenFile)).trim();
    assert.match(token, /^[0-9a-f]{64}$/);

    {
      using http = new Http({ url: api.url! });
      const none = await http.request("GET", "/v1/health");
      assert.equal(none.status, 401);
      assert.equal(none.json.error.code, "UNAUTHORIZED");
      assert.equal(none.headers.get("www-authenticate"), "Bearer");
      const wrong = await http.request("GET", "/v1/health", {
        headers: { authorization: `Bearer ${"0".repeat(64)}` },
      });
      assert.equal(wrong.status, 401);
      assert.ok(!wrong.text.includes("0".repeat(64)), "the wrong token is not echoed");
      const notBearer = await http.request("GET", "/v1/health", {
        headers: { authorization: `Basic ${token}` },
      });
      assert.equal(notBearer.status, 401);
      // Every endpoint, not only health.
      assert.equal((await http.request("GET", `/v1/sockets/${A}/state`)).status, 401);
      const right = await http.request("GET", "/v1/health", {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(right.status, 200);
      assert.equal(right.json.ok, true);
    }
    {
      // The Unix socket needs none: its mode is the guard.
      using http = new Http({ socket });
      assert.equal((await http.request("GET", "/v1/health")).status, 200);
    }

    const env = {
      XDG_RUNTIME_DIR: runtime,
      S20_DAEMON: api.url!,
      S20_DAEMON_TOKEN_FILE: tokenFile,
    };
    using ports = heard(sockets[0]!);
    const result = await run(["status", "127.0.105.2", ...NET105, "--json"], { env });
    assert.equal(result.code, 0, result.err);
    assert.equal(JSON.parse(result.out)[0].ip, "127.0.105.2");
    assert.deepEqual(new Set(ports), new Set([udp.port]), "through the daemon");
    {
      await using controller = await connect({ env: (name) => env[name as keyof typeof env] });
      assert.ok(controller instanceof DaemonClient);
      assert.equal(controller.endpoint, api.url);
      assert.equal(await controller.socket("127.0.105.2").on(), true);
    }

    const statusWith = (e: Record<string, string>) =>
      run(["status", "127.0.105.2", ...NET105, "--json"], { env: e });

    // A token file others may read is refused (as a socket others may use).
    await Deno.chmod(tokenFile, 0o644);
    const insecure = await statusWith(env);
    assert.equal(insecure.code, 1, insecure.err);
    const error = errorOf(insecure);
    assert.equal(error.code, "DAEMON_INSECURE");
    assert.ok(error.message.startsWith(`Cannot use the s20 daemon at ${tokenFile}: its mode 0644`));
    assert.ok(error.message.includes(`chmod 600 ${tokenFile}`));
    await assert.rejects(
      connect({ env: (name) => env[name as keyof typeof env] }),
      (e) => e instanceof DaemonInsecureError && e.path === tokenFile,
    );
    await Deno.chmod(tokenFile, 0o600);

    // A token the daemon does not know (an earlier daemon's file): refused, saying so.
    const old = `${dir.path}/old.token`;
    await Deno.writeTextFile(old, `${"1".repeat(64)}\n`, { mode: 0o600 });
    await Deno.chmod(old, 0o600);
    const stale = await statusWith({ ...env, S20_DAEMON_TOKEN_FILE: old });
    assert.equal(stale.code, 1, stale.err);
    const staleError = errorOf(stale);
    assert.equal(staleError.code, "DAEMON_UNAVAILABLE");
    assert.ok(staleError.message.startsWith(`Cannot reach the s20 daemon at ${api.url}:`));
    assert.match(staleError.message, /token/);
    assert.ok(!staleError.message.includes("1".repeat(64)), "the token is not shown");

    // No token file named and none at the default place.
    const { S20_DAEMON_TOKEN_FILE: _, ...noFile } = env;
    const missing = await statusWith(noFile);
    assert.equal(missing.code, 1, missing.err);
    const missingError = errorOf(missing);
    assert.equal(missingError.code, "DAEMON_UNAVAILABLE");
    assert.ok(missingError.message.includes(`no token file at ${runtime}/s20/daemon.token`));

    // A daemon URL that is not loopback is a usage error: the token would cross the network.
    const remote = await statusWith({ ...env, S20_DAEMON: "http://192.0.2.1:8420" });
    assert.equal(remote.code, 2, remote.err);
    assert.match(errorOf(remote).message, /loopback only/);
  } finally {
    assert.equal(await daemon.stop(), 0, daemon.io.err);
  }
  assert.ok(!exists(tokenFile), "the token file is removed on stop");
  assert.ok(!exists(socket), "the socket is removed on stop");
});

Deno.test("'serve --listen' takes loopback addresses only", async () => {
  await using dir = await tempDir();
  const env = { XDG_RUNTIME_DIR: `${dir.path}/run` };
  const socket = `${dir.path}/daemon.sock`;
  const tokenFile = `${dir.path}/daemon.token`;
  for (const listen of ["192.0.2.1:1", "0.0.0.0:8420", "[::1]:8420", "127.0.0.1:70000"]) {
    const args = ["serve", ...net(105), "--socket", socket, "--token-file", tokenFile];
    const result = await failsFast([...args, "--listen", listen], env);
    assert.equal(result.code, 2, `${listen}: ${result.err}`);
    assert.match(
      result.err,
      /--listen must be (a loopback address such as )?127\.0\.0\.1:/,
      listen,
    );
    const json = await failsFast([...args, "--listen", listen, "--json"], env);
    assert.equal(json.code, 2);
    assert.equal(errorOf(json).code, "USAGE");
    assert.ok(!exists(socket) && !exists(tokenFile), `${listen}: nothing was served`);
  }
  const named = await failsFast(
    ["serve", ...net(105), "--socket", socket, "--listen", "192.0.2.1:1"],
    env,
  );
  assert.match(named.err, /must be a loopback address such as 127\.0\.0\.1:1: /);
  assert.ok(!exists(`${dir.path}/run`), "the default directory was not made");
});
