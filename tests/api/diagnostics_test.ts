/**
 * Diagnostics with a daemon running: `s20 doctor` names it and probes through it, and a
 * `--direct` command that cannot have the port says the daemon has it.
 */
import assert from "node:assert/strict";
import { emulators, run } from "../helpers/cli_run.ts";
import { startDaemon } from "../helpers/daemon.ts";

const NET = ["--port", "0", "--target", "127.0.108.0/29", "--timeout", "1000", "--wait", "400"];

Deno.test("s20 doctor names the running daemon and discovers through it", async () => {
  await using sockets = await emulators(108);
  await using daemon = await startDaemon(["serve", "--port", "0", "--target", "127.0.108.0/29"]);
  const env = { S20_DAEMON: daemon.socket };

  const json = await run(["doctor", ...NET, "--json"], { env });
  assert.equal(json.code, 0, json.err);
  const report = JSON.parse(json.out);
  assert.deepEqual(report.daemon, { at: daemon.socket, pid: Deno.pid, mode: "serve" });
  assert.deepEqual(
    report.discovered.map((d: { mac: string }) => d.mac).sort(),
    sockets.map((s) => s.mac).sort(),
  );

  const human = await run(["doctor", ...NET], { env });
  assert.match(human.out, /s20 daemon\n {2}'s20 serve', pid \d+, at .*daemon\.sock/);

  const direct = await run(["doctor", ...NET, "--direct", "--json"], { env });
  assert.equal(JSON.parse(direct.out).daemon, null, "--direct does not ask the daemon");

  assert.equal(await daemon.stop(), 0);
  const gone = await run(["doctor", ...NET, "--json"], { env });
  assert.equal(gone.code, 1, "a problem found is exit 1: " + gone.out + gone.err);
  const goneReport = JSON.parse(gone.out);
  assert.equal(goneReport.daemon, null);
  assert.ok(
    goneReport.findings.some((f: string) => f.includes("Cannot reach the s20 daemon")),
    "an S20_DAEMON that does not answer is a finding",
  );
});

Deno.test("--direct while the daemon owns the port says so and how to go through it", async () => {
  await using daemon = await startDaemon(["serve", "--hostname", "127.0.108.1", "--port", "10000"]);
  const env = { S20_DAEMON: daemon.socket };
  const args = ["status", "127.0.108.2", "--hostname", "127.0.108.1", "--port", "10000"];
  const direct = await run([...args, "--direct"], { env });
  assert.equal(direct.code, 1);
  assert.match(direct.err, /another program owns the port/);
  assert.match(direct.err, /The s20 daemon at .*daemon\.sock owns it: drop --direct/);
  const json = await run([...args, "--direct", "--json"], { env });
  assert.equal(JSON.parse(json.out).error.code, "PORT_IN_USE");
});
