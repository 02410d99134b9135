/**
 * `s20 doctor` names what holds UDP port 10000 with the permissions the README gives (Deno
 * reads /proc only under --allow-all, so it asks `ss` and `ps`), recognises s20's own emulator
 * and daemon, and exits 1 when it reports a problem.
 */
import assert from "node:assert/strict";
import { PERMISSIONS, s20Background, s20Process } from "../helpers/s20_process.ts";
import { s20CommandOf } from "../../lib/cli/commands/_port_holder.ts";
import { emulators, net, run } from "../helpers/cli_run.ts";

interface Report {
  port: {
    free: boolean;
    owners: { pid: number | null; kind: string; description: string; address: string }[];
    needs: string | null;
  };
  findings: string[];
  discovered: unknown[];
  interfaces: { address: string }[];
}

/** The finding about UDP port 10000 (others, such as "only loopback", may come first). */
function portFinding(report: Report): string {
  return report.findings.find((f) => f.includes("UDP port 10000")) ?? report.findings.join("\n");
}

function doctor(args: string[], permissions = PERMISSIONS, env: Record<string, string> = {}) {
  return s20Process(["doctor", "--wait", "200", "--json", ...args], env, permissions);
}

Deno.test("s20 doctor names the s20 emulator holding the port, and exits 1", async () => {
  await using emulator = await s20Background(
    ["emulate", "--address", "127.0.189.1", "--json", "--no-api"],
    {},
    ["-A"],
  );
  assert.equal(JSON.parse(emulator.firstLine).address, "127.0.189.1");
  const { code, out, err } = await doctor(["--hostname", "127.0.189.1"]);
  assert.equal(code, 1, err);
  const report: Report = JSON.parse(out);
  assert.deepEqual(
    report.port.owners.map((o) => [o.kind, o.pid, o.address]),
    [["s20 emulator", emulator.pid, "127.0.189.1"]],
  );
  assert.equal(report.port.needs, null);
  assert.match(
    portFinding(report),
    new RegExp(
      `UDP port 10000 is owned by the s20 emulator \\(pid ${emulator.pid}\\) on 127\\.0\\.189\\.1`,
    ),
  );
  // Without --allow-run, doctor says which flag names it.
  const bare = await doctor(
    ["--hostname", "127.0.189.1"],
    PERMISSIONS.filter((p) => !p.startsWith("--allow-run")),
  );
  assert.equal(bare.code, 1, bare.err);
  const unnamed: Report = JSON.parse(bare.out);
  assert.deepEqual(unnamed.port.owners, []);
  assert.equal(unnamed.port.needs, "--allow-run=ss,ps");
  assert.match(portFinding(unnamed), /cannot name .*run s20 with --allow-run=ss,ps to name it/);
});

Deno.test("s20 doctor recognises the s20 daemon holding the port", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const socket = `${dir}/daemon.sock`;
    await using daemon = await s20Background([
      "serve",
      "--hostname",
      "127.0.190.1",
      "--socket",
      socket,
      "--json",
    ]);
    // --direct skips the daemon's API: its command line tells what it is.
    const direct = await doctor(["--hostname", "127.0.190.1", "--direct"]);
    assert.equal(direct.code, 1, direct.err);
    const report: Report = JSON.parse(direct.out);
    assert.deepEqual(
      report.port.owners.map((o) => [o.kind, o.pid, o.description]),
      [["s20 daemon", daemon.pid, `the s20 daemon ('s20 serve', pid ${daemon.pid})`]],
    );
    assert.match(portFinding(report), /owned by the s20 daemon .*drop --direct/);
    // Through the API, the daemon's port is no problem.
    const routed = await doctor(
      ["--hostname", "127.0.190.1", "--target", "127.0.190.0/30"],
      PERMISSIONS,
      { S20_DAEMON: socket },
    );
    const served: Report = JSON.parse(routed.out);
    assert.equal(served.port.owners[0]?.kind, "s20 daemon");
    assert.ok(!served.findings.some((f) => /owned by/.test(f)), served.findings.join("\n"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("s20 doctor exits 0 exactly when all is good", async () => {
  await using sockets = await emulators(191);
  const { code, out } = await run([
    "doctor",
    ...net(191),
    "--hostname",
    "127.0.0.1",
    "--wait",
    "400",
    "--json",
  ]);
  const report: Report = JSON.parse(out);
  assert.equal(report.discovered.length, sockets.length);
  // Sockets answered (here on loopback), so even a machine with only loopback is all good.
  assert.deepEqual(report.findings.map((f) => f.startsWith("All good")), [true]);
  assert.equal(code, 0);
});

Deno.test("s20's own processes are recognised by their command lines", () => {
  assert.equal(
    s20CommandOf("deno run -A /home/me/s20/scripts/s20.ts emulate --count 2"),
    "emulate",
  );
  assert.equal(s20CommandOf("deno run --allow-net scripts/emulate.ts --count 3"), "emulate");
  assert.equal(s20CommandOf("/usr/local/bin/s20 schedule run /etc/s20.yaml"), "schedule run");
  assert.equal(s20CommandOf("./dist/s20 serve --socket /tmp/x.sock"), "serve");
  assert.equal(s20CommandOf("s20 watch --all"), "watch");
  assert.equal(s20CommandOf("python3 orvibo.py --port 10000"), null);
  assert.equal(s20CommandOf("deno run -A s20.ts --help"), null);
});
