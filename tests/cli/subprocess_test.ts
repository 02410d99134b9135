/**
 * The CLI as a user runs it: `s20 emulate` in one process and `s20` commands in others, with
 * the defaults (sockets reply to port 10000; the client picks 127.0.0.1 for loopback
 * targets). This is the only test that binds 127.0.0.1:10000.
 */
import assert from "node:assert/strict";
import { type Finished, ROOT, S20, s20Process } from "../helpers/s20_process.ts";
import { childEnv } from "../helpers/child_env.ts";

/** `s20 ARGS` in a process of its own. */
function s20(...args: string[]): Promise<Finished> {
  return s20Process(args);
}

Deno.test("s20 emulate in one process and s20 commands in another just work", async () => {
  const emulate = new Deno.Command(Deno.execPath(), {
    // --no-api: these commands talk UDP themselves (tests/cli/quickstart_netns_test.ts runs
    // the quick start, through the API, in a namespace of its own).
    args: [
      "run",
      "-A",
      S20,
      "emulate",
      "--no-api",
      "--count",
      "2",
      "--address",
      "127.0.85.2",
      "--json",
    ],
    cwd: ROOT,
    env: childEnv(),
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = emulate.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let text = "";
    while (text.split("\n").filter(Boolean).length < 2) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const sockets = text.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(sockets.map((s) => [s.address, s.port]), [["127.0.85.2", 10000], [
      "127.0.85.3",
      10000,
    ]]);

    const on = await s20("on", "127.0.85.2");
    assert.equal(on.code, 0, on.err);
    assert.match(on.out, /127\.0\.85\.2 \(ac:cf:23:00:00:01\): on/);
    const status = await s20("status", "127.0.85.2", "127.0.85.3", "--json");
    assert.equal(status.code, 0, status.err);
    assert.deepEqual(JSON.parse(status.out).map((s: { on: boolean }) => s.on), [true, false]);
    const found = await s20("discover", "--target", "127.0.85.0/29", "--wait", "500", "--json");
    assert.equal(JSON.parse(found.out).length, 2);
  } finally {
    emulate.kill("SIGINT");
    reader.releaseLock();
    await emulate.stdout.cancel().catch(() => {});
    const status = await emulate.status;
    await emulate.stderr.cancel().catch(() => {});
    assert.equal(status.code, 0, "emulate stops cleanly on Ctrl-C");
  }
});
