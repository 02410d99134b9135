/**
 * The quick start as the README gives it: `s20 emulate --count 3` in one process, then plain
 * `s20` commands (no flags, no config) and a script that calls `connect()` in others. It runs in
 * a network namespace with only loopback, made for this test, so it owns 127.0.0.1:10000 there;
 * the API socket lives in the test's own temporary `XDG_RUNTIME_DIR`.
 */
import assert from "node:assert/strict";
import { ip, netnsProblem } from "../helpers/netns.ts";
import { PERMISSIONS, ROOT, S20 } from "../helpers/s20_process.ts";
import { childEnv } from "../helpers/child_env.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const skip = netnsProblem("the emulator quick start in a network namespace") !== null;

/** A process in the namespace: its output so far, its end. */
interface Child {
  readonly out: () => string;
  readonly err: () => string;
  readonly process: Deno.ChildProcess;
  readonly done: Promise<{ code: number; out: string; err: string }>;
}

/** Runs `deno ARGS` in namespace `ns` with `env`, killed after `ms`. */
function spawnIn(ns: string, args: readonly string[], env: Record<string, string>, ms: number) {
  const process = new Deno.Command("ip", {
    args: ["netns", "exec", ns, Deno.execPath(), ...args],
    cwd: ROOT,
    env: childEnv(env),
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => process.kill("SIGKILL"), ms);
  let out = "";
  let err = "";
  const read = async (stream: ReadableStream<Uint8Array>, into: (text: string) => void) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) into(chunk);
  };
  const done = (async () => {
    await Promise.all([
      read(process.stdout, (t) => (out += t)),
      read(process.stderr, (t) => (err += t)),
    ]);
    const { code } = await process.status;
    clearTimeout(timer);
    return { code, out, err };
  })();
  return { out: () => out, err: () => err, process, done } satisfies Child;
}

async function until(test: () => boolean, what: string, child: Child, ms = 20_000) {
  const end = performance.now() + ms;
  while (!test()) {
    if (performance.now() > end) {
      throw new Error(`timed out waiting for ${what}:\n${child.out()}${child.err()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

Deno.test({
  name:
    "quick start: s20 emulate --count 3, then plain s20 commands and a connect() script just work",
  ignore: skip,
  async fn() {
    await using dir = await tempDir("s20-quickstart-");
    const env = { XDG_RUNTIME_DIR: dir.path };
    const ns = `s20qs${Deno.pid % 100000}${Math.floor(Math.random() * 1e4)}`;
    await ip("netns", "add", ns);
    try {
      await ip("-n", ns, "link", "set", "lo", "up");
      const s20 = async (...args: string[]) => {
        const result = await spawnIn(ns, ["run", ...PERMISSIONS, S20, ...args], env, 30_000).done;
        return { ...result, context: `s20 ${args.join(" ")}: ${result.out}${result.err}` };
      };
      const emulate = spawnIn(
        ns,
        ["run", ...PERMISSIONS, S20, "emulate", "--count", "3"],
        env,
        120_000,
      );
      try {
        await until(() => emulate.out().includes("s20 watch"), "the emulator's banner", emulate);
        const banner = emulate.out();
        assert.match(banner, /^Kettle\s+ac:cf:23:00:00:03\s+127\.0\.0\.4:10000$/m);
        assert.match(banner, /API on .*\/s20\/daemon\.sock/);
        for (const next of ["s20 discover", "s20 status --all", "s20 on Kettle", "s20 watch"]) {
          assert.ok(banner.includes(`  ${next}\n`), `the banner says what to type: ${next}`);
        }

        const discover = await s20("discover");
        assert.equal(discover.code, 0, discover.context);
        for (const i of [1, 2, 3]) assert.match(discover.out, new RegExp(`ac:cf:23:00:00:0${i}`));
        assert.match(discover.err, /3 sockets found/);

        const status = await s20("status", "--all");
        assert.equal(status.code, 0, status.context);
        assert.equal(status.out.match(/ off$/gm)?.length, 3, status.context);

        const on = await s20("on", "Kettle");
        assert.equal(on.code, 0, on.context);
        assert.match(on.out, /^Kettle \(ac:cf:23:00:00:03\): on$/m);
        const off = await s20("off", "ac:cf:23:00:00:02");
        assert.equal(off.code, 0, off.context);
        const toggle = await s20("toggle", "Kettle");
        assert.equal(toggle.code, 0, toggle.context);
        assert.match(toggle.out, /Kettle \(ac:cf:23:00:00:03\): off/);

        const info = await s20("info", "Kettle");
        assert.equal(info.code, 0, info.context);
        assert.match(info.out, /^name\s+Kettle$/m);
        assert.match(info.out, /^ip\s+127\.0\.0\.4$/m);

        const add = await s20("timers", "add", "Kettle", "--on", "07:30", "--days", "mon-fri");
        assert.equal(add.code, 0, add.context);
        const list = await s20("timers", "list", "Kettle");
        assert.equal(list.code, 0, list.context);
        assert.match(list.out, /on\s+07:30:00\s+weekly mon,tue,wed,thu,fri/);

        // watch hears a switch another command makes, and stops on Ctrl-C.
        const watch = spawnIn(ns, ["run", ...PERMISSIONS, S20, "watch"], env, 60_000);
        await until(() => watch.err().includes("Watching"), "watch to start", watch);
        const lamp = await s20("on", "Desk lamp");
        assert.equal(lamp.code, 0, lamp.context);
        await until(() => /ac:cf:23:00:00:01 on/.test(watch.out()), "watch to see it", watch);
        watch.process.kill("SIGINT");
        const watched = await watch.done;
        assert.equal(watched.code, 0, watched.err);

        const doctor = await s20("doctor");
        assert.equal(doctor.code, 0, doctor.context);
        assert.match(doctor.out, /s20 daemon\n {2}'s20 serve', pid \d+, at .*daemon\.sock/);
        assert.match(doctor.out, /Discovery\n {2}3 socket\(s\)/);

        // A user's script, no flags: connect() finds the emulator's API.
        const script = `${dir.path}/script.ts`;
        await Deno.writeTextFile(
          script,
          `import { connect } from ${JSON.stringify(new URL("../../mod.ts", import.meta.url).href)};
await using sockets = await connect();
const found = await Array.fromAsync(sockets.discover({ timeout: 500 }));
const hall = sockets.socket("ac:cf:23:00:00:02");
console.log(JSON.stringify({
  route: sockets.constructor.name,
  found: found.map((s) => s.mac).sort(),
  on: await hall.toggle(),
}));
`,
        );
        const run = await spawnIn(
          ns,
          ["run", "--no-config", "--unstable-net", "--allow-all", script],
          env,
          30_000,
        ).done;
        assert.equal(run.code, 0, run.err);
        assert.deepEqual(JSON.parse(run.out), {
          route: "DaemonClient",
          found: ["ac:cf:23:00:00:01", "ac:cf:23:00:00:02", "ac:cf:23:00:00:03"],
          on: true,
        });

        // The relays as the sockets report them: the lamp on (watch), the hall on (script),
        // the kettle off (on, then toggled).
        const final = await s20("status", "--all", "--json");
        assert.equal(final.code, 0, final.context);
        const states = Object.fromEntries(
          JSON.parse(final.out).map((s: { mac: string; on: boolean }) => [s.mac, s.on]),
        );
        assert.deepEqual(states, {
          "ac:cf:23:00:00:01": true,
          "ac:cf:23:00:00:02": true,
          "ac:cf:23:00:00:03": false,
        });
      } finally {
        emulate.process.kill("SIGINT");
        const end = await emulate.done;
        assert.equal(end.code, 0, `emulate stops cleanly on Ctrl-C: ${end.err}`);
      }
    } finally {
      await ip("netns", "del", ns);
    }
  },
});
